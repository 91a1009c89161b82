"""Screens of the complaints register: the list, the registration form, a letter's page with
its steps (receipt → acceptance → assignment → verification → conclusion), the reveal of the
sender's identity, the conclusion as DOCX and PDF. HTTP in; ``cases.complaints`` does the work.

The sender's identity never reaches a page unless the person may see it and asked for it
("Xem thông tin người gửi", a POST that the audit log records). A refused step keeps what was
typed and says why; a second submit finds the step done and says so."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doingoai.core import documents
from doingoai.core.responses import forbidden

from .. import clocks, complaints
from ..forms_complaints import (
    AcceptForm,
    AssignForm,
    ConcludeForm,
    ExtendForm,
    FilterForm,
    ReceiveForm,
    RejectForm,
    VerificationForm,
    put_errors,
)
from ..models import Case, Complaint, ComplaintKind
from . import cases_only, file_response

PER_PAGE = 50
STEPS = (
    ("received", gettext_lazy("Tiếp nhận")),
    ("accepted", gettext_lazy("Quyết định thụ lý")),
    ("assigned", gettext_lazy("Giao thanh tra viên")),
    ("verifying", gettext_lazy("Xác minh")),
    ("concluded", gettext_lazy("Kết luận")),
)


def _complaint(request, pk: int) -> Complaint:
    return get_object_or_404(complaints.visible(request.user), pk=pk)


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("trang", "1")))
    except ValueError:
        return 1


# --- the list ---------------------------------------------------------------------------------


@cases_only
def complaint_list(request):
    form = FilterForm(request.GET or None)
    found = complaints.search(request.user, form.filters())
    page = Paginator(found.prefetch_related("inspectors"), PER_PAGE).get_page(_page_number(request))
    badges = clocks.nearest(list(page))
    names = complaints.theme_names()
    rows = [
        {
            "complaint": c,
            "subject": complaints.redact(c.subject, c),
            "clock": badges.get(c.pk),
            "themes": [names.get(t, t) for t in c.themes or []],
        }
        for c in page
    ]
    query = request.GET.copy()
    query.pop("trang", None)
    return TemplateResponse(
        request,
        "cases/complaints/list.html",
        {
            "page_title": _("Khiếu nại, tố cáo"),
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "count": found.count(),
        },
    )


# --- registration -----------------------------------------------------------------------------


@cases_only
def complaint_new(request):
    cases = complaints.visible_cases(request.user)
    form = ReceiveForm(request.POST or None, cases=cases)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaints.receive(request.user, **form.values())
        except complaints.DuplicateComplaint as exc:
            duplicate = (
                exc.existing
                if complaints.visible(request.user).filter(pk=exc.existing.pk).exists()
                else None
            )
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            put_errors(form, exc)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        else:
            for warning in complaint.warnings:
                messages.warning(request, warning)
            messages.success(
                request, _("Đã vào sổ đơn số %(number)s.") % {"number": complaint.number}
            )
            return redirect("cases_complaint", complaint.pk)
    return TemplateResponse(
        request,
        "cases/complaints/new.html",
        {
            "page_title": _("Vào sổ đơn khiếu nại, tố cáo"),
            "form": form,
            "duplicate": duplicate,
        },
        status=400 if form.errors else 200,
    )


# --- a letter's page --------------------------------------------------------------------------


def _steps(complaint: Complaint) -> list[dict]:
    status = complaint.status
    assigned = complaint.inspectors.exists()
    done = {
        "received": True,
        "accepted": status
        in (
            Complaint.Status.ACCEPTED,
            Complaint.Status.VERIFYING,
            Complaint.Status.CONCLUDED,
            Complaint.Status.REJECTED,
        ),
        "assigned": assigned,
        "verifying": bool(complaint.verification) or status == Complaint.Status.CONCLUDED,
        "concluded": status == Complaint.Status.CONCLUDED,
    }
    return [{"code": code, "label": label, "done": done[code]} for code, label in STEPS]


def _detail(
    request,
    complaint: Complaint,
    *,
    bound: dict | None = None,
    shown: dict | None = None,
    status: int = 200,
) -> TemplateResponse:
    user = request.user
    bound = bound or {}
    is_open = complaint.status in complaints.OPEN_STATUSES
    may_decide = complaints.can_decide(user)
    may_verify = complaints.can_verify(user, complaint)
    assign_form = bound.get("assign") or AssignForm(
        initial={"inspectors": list(complaint.inspectors.all())}
    )
    context = {
        "page_title": _("Đơn %(number)s") % {"number": complaint.number},
        "complaint": complaint,
        "steps": _steps(complaint),
        "clocks": clocks.for_object(complaint),
        "themes": [complaints.theme_names().get(t, t) for t in complaint.themes or []],
        "inspectors": [u.get_full_name() or u.get_username() for u in complaint.inspectors.all()],
        "identity": shown,
        "texts": {
            name: getattr(complaint, name)
            if shown
            else complaints.redact(getattr(complaint, name), complaint)
            for name in ("subject", "content", "acceptance_note", "verification", "conclusion")
        },
        "confidential": complaints.CONFIDENTIAL,
        "may_see_identity": complaints.can_see_identity(user, complaint),
        "is_denunciation": complaint.kind == ComplaintKind.DENUNCIATION,
        "may_accept": may_decide and complaint.status == Complaint.Status.RECEIVED,
        "may_assign": complaints.can_assign(user)
        and complaint.status not in (Complaint.Status.CONCLUDED, Complaint.Status.REJECTED),
        "may_start": may_verify and complaint.status == Complaint.Status.ACCEPTED,
        "may_verify": may_verify
        and complaint.status in (Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING),
        "may_conclude": complaints.can_conclude(user, complaint)
        and complaint.status in (Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING),
        "may_extend": is_open and complaints.can_extend(user, complaint),
        "has_document": complaint.status
        in (Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING, Complaint.Status.CONCLUDED),
        "accept_form": bound.get("accept")
        or AcceptForm(initial={"complexity": complaint.complexity}),
        "reject_form": bound.get("reject") or RejectForm(),
        "assign_form": assign_form,
        "verification_form": bound.get("verification")
        or VerificationForm(initial={"verification": complaint.verification}),
        "extend_form": bound.get("extend") or ExtendForm(),
        "conclude_form": bound.get("conclude") or ConcludeForm(),
        "open_step": next(iter(bound), ""),
    }
    return TemplateResponse(request, "cases/complaints/detail.html", context, status=status)


@cases_only
def complaint_detail(request, pk: int):
    return _detail(request, _complaint(request, pk))


@cases_only
@require_POST
def complaint_identity(request, pk: int):
    """ "Xem thông tin người gửi": the page again, with the identity for an assigned inspector
    (the view is in the audit log); everybody else is told it is confidential."""
    complaint = _complaint(request, pk)
    if not complaints.can_see_identity(request.user, complaint):
        messages.error(
            request,
            _(
                "Thông tin người gửi đơn được bảo mật: chỉ thanh tra viên được giao xử lý "
                "đơn được xem."
            ),
        )
        return redirect("cases_complaint", complaint.pk)
    return _detail(request, complaint, shown=complaints.identity(complaint, request.user, request))


def _step(request, pk: int, key: str, form_class, run) -> TemplateResponse:
    """One step of the workflow: validate, call the domain, redirect; or the page again with
    the refused form and its messages."""
    complaint = _complaint(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            done = run(complaint, form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
            for message in form.non_field_errors():  # the page may no longer show this form
                messages.error(request, message)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        else:
            messages.success(request, done)
            return redirect("cases_complaint", complaint.pk)
    complaint.refresh_from_db()
    return _detail(request, complaint, bound={key: form}, status=400)


@cases_only
@require_POST
def complaint_accept(request, pk: int):
    def run(complaint, data):
        complaints.accept(complaint, request.user, data.get("note", ""), data["complexity"])
        return _("Đã thụ lý đơn %(number)s.") % {"number": complaint.number}

    return _step(request, pk, "accept", AcceptForm, run)


@cases_only
@require_POST
def complaint_reject(request, pk: int):
    def run(complaint, data):
        complaints.reject(complaint, request.user, data.get("reason", ""))
        return _("Đã ghi quyết định không thụ lý đơn %(number)s.") % {"number": complaint.number}

    return _step(request, pk, "reject", RejectForm, run)


@cases_only
@require_POST
def complaint_assign(request, pk: int):
    def run(complaint, data):
        complaints.assign(complaint, request.user, list(data.get("inspectors") or []))
        return _("Đã giao đơn %(number)s.") % {"number": complaint.number}

    return _step(request, pk, "assign", AssignForm, run)


@cases_only
@require_POST
def complaint_start_verification(request, pk: int):
    complaint = _complaint(request, pk)
    try:
        complaints.start_verification(complaint, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    else:
        messages.success(
            request, _("Đã bắt đầu xác minh đơn %(number)s.") % {"number": complaint.number}
        )
    return redirect("cases_complaint", complaint.pk)


@cases_only
@require_POST
def complaint_verification(request, pk: int):
    def run(complaint, data):
        complaints.record_verification(complaint, request.user, data.get("verification", ""))
        return _("Đã lưu kết quả xác minh.")

    return _step(request, pk, "verification", VerificationForm, run)


@cases_only
@require_POST
def complaint_extend(request, pk: int):
    def run(complaint, data):
        clock = complaints.extend_resolution(complaint, request.user, data.get("reason", ""))
        return _("Đã gia hạn giải quyết đến %(due)s.") % {"due": _local(clock.due_at)}

    return _step(request, pk, "extend", ExtendForm, run)


@cases_only
@require_POST
def complaint_conclude(request, pk: int):
    def run(complaint, data):
        complaints.conclude(
            complaint, request.user, data.get("conclusion", ""), data.get("number") or None
        )
        return _("Đã kết luận đơn %(number)s (văn bản số %(conclusion)s).") % {
            "number": complaint.number,
            "conclusion": complaint.conclusion_number,
        }

    return _step(request, pk, "conclude", ConcludeForm, run)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


@cases_only
def complaint_file(request, pk: int, fmt: str):
    """The conclusion (or its draft) as DOCX or PDF. A complaint decision names the
    complainant only for those who may see the identity (and that view is logged)."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    complaint = _complaint(request, pk)
    if complaint.status not in (
        Complaint.Status.ACCEPTED,
        Complaint.Status.VERIFYING,
        Complaint.Status.CONCLUDED,
    ):
        raise Http404
    doc = complaints.conclusion_document(complaint, request.user)
    if complaint.kind == ComplaintKind.COMPLAINT and complaints.can_see_identity(
        request.user, complaint
    ):
        complaints.identity(complaint, request.user, request)  # the name is in the file: logged
    body = documents.render_docx(doc) if fmt == "docx" else documents.render_pdf(doc)
    return file_response(body, f"{complaints.file_stem(complaint)}.{fmt}", inline=fmt == "pdf")


def case_panel_context(request, case: Case) -> dict:
    """The complaints linked to a case, for the case's page (no identity)."""
    linked = list(complaints.linked_to_case(case, request.user))
    badges = clocks.nearest(linked)
    return {
        "complaints": linked,
        "rows": [(c, badges.get(c.pk)) for c in linked],
        "new_url": reverse("cases_complaint_new"),
    }
