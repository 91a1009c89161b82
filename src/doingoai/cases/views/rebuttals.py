"""Screens of the rebuttals area: "Soạn bài cải chính" from a case's page (staff), and the
public pages of published clarifications with their ClaimReview markup (no sign-in). HTTP in;
``cases.rebuttals`` and ``cases.claimreview`` do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doingoai.core.responses import forbidden

from .. import claimreview, rebuttals, selectors
from ..models import Argument, Case, Clarification
from . import cases_only

PER_PAGE = 20
ARGUMENT_FIELD = "tu_lieu"


def edit_url(clarification: Clarification) -> str:
    return reverse(Clarification.snippet_viewset.get_url_name("edit"), args=[quote(clarification.pk)])


@cases_only
@require_POST
def draft(request, case_pk: int):
    """"Soạn bài cải chính": a draft from the case and the arguments ticked, then its editor."""
    case = get_object_or_404(Case, pk=case_pk)
    if not selectors.can_view(request.user, case):
        return forbidden(request, _("Vụ việc này không thuộc đơn vị của bạn."))
    if not request.user.has_perm("cases.add_clarification"):
        return forbidden(request, _(
            "Soạn bài cải chính dành cho Thanh tra viên, Chuyên viên, Biên tập viên, Kiểm duyệt viên, "
            "trưởng đơn vị và lãnh đạo Sở."))
    wanted = {int(v) for v in request.POST.getlist(ARGUMENT_FIELD) if v.isdigit()}
    arguments = list(Argument.objects.filter(pk__in=wanted).order_by("title"))
    if len(arguments) != len(wanted):
        messages.warning(request, _("Một số tư liệu đã chọn không còn trong thư viện và không được đưa vào bài."))
    existing = rebuttals.open_draft(case)
    clarification = rebuttals.draft_from_case(case, request.user, arguments)
    if existing is not None and existing.pk == clarification.pk:
        messages.info(request, _("Vụ việc đã có bài cải chính đang soạn: mời tiếp tục với bản nháp này."))
    else:
        messages.success(request, _("Đã tạo bản nháp bài cải chính từ vụ việc. Hãy hoàn thiện rồi gửi duyệt."))
    return redirect(edit_url(clarification))


def public_index(request):
    """Published clarifications, newest first."""
    items = Clarification.objects.filter(live=True).order_by("-first_published_at", "-pk")
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang"))
    return TemplateResponse(request, "cases/public/clarifications.html", {
        "page": page, "page_title": _("Thông tin cải chính, làm rõ"),
    })


def public_detail(request, slug: str):
    """One published clarification (a draft is not found), with its ClaimReview JSON-LD."""
    clarification = get_object_or_404(Clarification.objects.select_related("case"), slug=slug, live=True)
    return TemplateResponse(request, "cases/public/clarification.html", {
        "clarification": clarification,
        "claim_review": claimreview.script_tag(claimreview.claim_review(clarification, request)),
    })
