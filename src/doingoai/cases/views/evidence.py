"""Screens of the evidence area: the stored files of a capture (screenshot, text, raw HTML),
the request of a new capture, and the evidence of a case on a page of its own (the same
panel the case page shows). Thin: the work is in ``cases.evidence``.

The files are evidence of hostile pages: they are served only here, to people who may see
the case, each checked against its SHA-256 first; the raw HTML is never rendered (an
attachment of type ``application/octet-stream``), and every answer forbids sniffing and
runs in a sandbox should a browser open it anyway."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doingoai.core.responses import forbidden

from .. import evidence, selectors
from ..models import Capture, Case, CaseURL
from . import cases_only

SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def case_visible(user, case: Case) -> bool:
    """Whether ``user`` may see ``case``: the rule of the case list (``selectors.can_view``)."""
    return selectors.can_view(user, case)


def _not_visible(request):
    return forbidden(request, _("Bạn không được xem vụ việc này và chứng cứ của nó."))


def _evidence_response(body: bytes, content_type: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    return response


def _capture_or_404(capture_id: int) -> Capture:
    return get_object_or_404(Capture.objects.select_related("case_url__case"), pk=capture_id)


def _altered(request, item: Capture, what: str):
    return TemplateResponse(request, "cases/evidence/altered.html", {
        "page_title": _("Chứng cứ không còn nguyên vẹn"), "capture": item, "what": what,
    }, status=409)


def _stored(item: Capture, field_name: str) -> bytes | None:
    """The bytes of a stored file when they still match the recorded SHA-256, else None."""
    file = getattr(item, field_name)
    try:
        data = evidence._read(file)
    except OSError:
        return None
    return data if evidence.sha256(data) == getattr(item, f"{field_name}_sha256") else None


def _file_name(item: Capture, extension: str) -> str:
    return f"chung-cu-{item.case_url.case.number}-{item.pk}.{extension}"


@cases_only
def screenshot(request, capture_id: int):
    item = _capture_or_404(capture_id)
    if not case_visible(request.user, item.case_url.case):
        return _not_visible(request)
    if not item.screenshot:
        return HttpResponse(_("Bản lưu này không có ảnh chụp."), status=404,
                            content_type="text/plain; charset=utf-8")
    data = _stored(item, "screenshot")
    if data is None:
        return _altered(request, item, _("ảnh chụp"))
    return _evidence_response(data, "image/png", _file_name(item, "png"), attachment=False)


@cases_only
def text(request, capture_id: int):
    item = _capture_or_404(capture_id)
    if not case_visible(request.user, item.case_url.case):
        return _not_visible(request)
    if item.status != Capture.Status.DONE and not item.text_sha256:
        return HttpResponse(_("Bản lưu này chưa có nội dung."), status=404,
                            content_type="text/plain; charset=utf-8")
    if evidence.text_sha256(item.text) != item.text_sha256:
        return _altered(request, item, _("nội dung trích xuất"))
    return _evidence_response(item.text.encode("utf-8"), "text/plain; charset=utf-8",
                              _file_name(item, "txt"), attachment=False)


@cases_only
def raw_html(request, capture_id: int):
    item = _capture_or_404(capture_id)
    if not case_visible(request.user, item.case_url.case):
        return _not_visible(request)
    if not item.html:
        return HttpResponse(_("Bản lưu này không có tệp HTML."), status=404,
                            content_type="text/plain; charset=utf-8")
    data = _stored(item, "html")
    if data is None:
        return _altered(request, item, _("tệp HTML gốc"))
    # Never rendered: a download, whatever the browser would guess from the bytes.
    return _evidence_response(data, "application/octet-stream", _file_name(item, "html"), attachment=True)


def _back(request, case: Case) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    try:
        return case.get_absolute_url()
    except NoReverseMatch:  # the case page is not there (yet): the evidence page of the case
        return reverse("cases_evidence_case", args=[case.pk])


@cases_only
@require_POST
def recapture(request, case_url_id: int):
    case_url = get_object_or_404(CaseURL.objects.select_related("case"), pk=case_url_id)
    if not case_visible(request.user, case_url.case):
        return _not_visible(request)
    try:
        evidence.request_capture(case_url, request.user, refuse_pending=True)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã yêu cầu thu thập lại %(url)s; bản lưu mới sẽ có sau ít phút.")
                         % {"url": case_url.url})
    return redirect(_back(request, case_url.case))


@cases_only
def case_evidence(request, case_id: int):
    from ..wagtail_hooks.evidence import evidence_panel

    case = get_object_or_404(Case, pk=case_id)
    if not case_visible(request.user, case):
        return _not_visible(request)
    return TemplateResponse(request, "cases/evidence/case.html", {
        "page_title": _("Chứng cứ của vụ việc %(number)s") % {"number": case.number},
        "case": case, "panel": evidence_panel(request, case),
    })
