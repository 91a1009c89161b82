"""Screens of the cases area: the list of cases, "Mở vụ việc", the page of a case (facts,
addresses, steps, notes, decision, and the panels of the other areas), the download of a note's
attachment, and the "Mở vụ việc" buttons of monitored articles and stories. Thin: the work is in
``services`` and ``selectors``."""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doingoai.core.responses import forbidden

from .. import access, panels, selectors, services
from ..forms import AssignForm, ClassifyForm, DecideForm, FilterForm, MoveForm, NoteForm, OpenForm
from ..models import Case, CaseNote, Classification, Decision, Step
from . import cases_only, file_response

PER_PAGE = 30


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _case_or_404(request, pk) -> Case:
    case = get_object_or_404(Case.objects.select_related("owner_unit", "assignee", "story", "opened_by"), pk=pk)
    if not selectors.can_view(request.user, case):
        raise PermissionDenied
    return case


def _not_yours(request):
    return forbidden(request, _("Vụ việc này do đơn vị khác xử lý và chưa được chuyển cho đơn vị của bạn."))


# --- the list --------------------------------------------------------------------------------

@cases_only
def case_list(request):
    form = FilterForm(request.GET or None)
    cases = selectors.filtered(selectors.visible_cases(request.user), form.filters(), request.user)
    page = Paginator(cases.order_by("-opened_at", "-pk"), PER_PAGE).get_page(request.GET.get("trang"))
    from .. import clocks

    nearest = clocks.nearest(page.object_list)
    rows = [{"case": c, "overdue": selectors.is_overdue(c), "clock": nearest.get(c.pk)} for c in page.object_list]
    params = urlencode([(k, v) for k, v in request.GET.items() if k != "trang" and v])
    return TemplateResponse(request, "cases/cases/list.html", {
        "page_title": _("Vụ việc"), "form": form, "rows": rows, "page": page, "params": params,
        "counts": selectors.counts(request.user),
    })


# --- opening ---------------------------------------------------------------------------------

def _opened_message(request, case: Case, created: bool) -> None:
    if created:
        messages.success(request, _("Đã mở vụ việc %(number)s.") % {"number": case.number})
    else:
        messages.info(request, _("Đã gắn vào vụ việc %(number)s đang mở (không mở vụ việc thứ hai).") % {
            "number": case.number})


@cases_only
def open_case(request):
    form = OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, created = services.open_from_url(request.user, data["url"], data["title"], data["claim"])
        except ValidationError as exc:
            form.add_error("title" if getattr(exc, "code", "") == "required" else None, _error_text(exc))
        else:
            _opened_message(request, case, created)
            return redirect(case.get_absolute_url())
    return TemplateResponse(request, "cases/cases/open.html", {"page_title": _("Mở vụ việc"), "form": form})


@cases_only
@require_POST
def open_from_article(request, pk):
    from doingoai.monitoring.models import Article

    article = get_object_or_404(Article.objects.select_related("story"), pk=pk)
    try:
        case, created = services.open_from_article(request.user, article)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("monitoring_article", pk=article.pk)
    _opened_message(request, case, created)
    return redirect(case.get_absolute_url())


@cases_only
@require_POST
def open_from_story(request, pk):
    from doingoai.monitoring.models import Story

    story = get_object_or_404(Story, pk=pk)
    try:
        case, created = services.open_from_story(request.user, story)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("monitoring_story", pk=story.pk)
    _opened_message(request, case, created)
    return redirect(case.get_absolute_url())


# --- the page of a case ----------------------------------------------------------------------

def _panels_html(request, case: Case) -> list[dict]:
    out = []
    for panel in panels.for_case(request, case):
        html = render_to_string(panel.template, {**panel.context, "case": case, "request": request}, request=request)
        out.append({"title": panel.title, "html": mark_safe(html)})  # noqa: S308  (our own templates)
    return out


def _post(request, case: Case, forms: dict):
    """Handle one of the case page's forms; returns a redirect when done, else None (the form
    in ``forms`` then carries the errors)."""
    action = request.POST.get("action")
    user = request.user
    try:
        if action == "classify":
            forms["classify"] = form = ClassifyForm(request.POST, prefix="classify")
            if form.is_valid():
                services.classify(case, user, form.cleaned_data["classification"], form.cleaned_data["note"])
                messages.success(request, _("Đã phân loại vụ việc."))
                return redirect(case.get_absolute_url())
        elif action == "move":
            forms["move"] = form = MoveForm(request.POST, prefix="move", case=case)
            if form.is_valid():
                data = form.cleaned_data
                services.move(case, user, data["step"], unit=data["unit"], person=data["person"], due=data["due"],
                              note=data["note"], from_step=data["from_step"])
                messages.success(request, _("Đã chuyển vụ việc sang bước “%(step)s”.") % {
                    "step": Step(data["step"]).label})
                return redirect(case.get_absolute_url())
        elif action == "assign":
            forms["assign"] = form = AssignForm(request.POST, prefix="assign")
            if form.is_valid():
                services.assign(case, user, form.cleaned_data["person"], form.cleaned_data["unit"])
                messages.success(request, _("Đã giao việc."))
                return redirect(case.get_absolute_url())
        elif action == "note":
            forms["note"] = form = NoteForm(request.POST, request.FILES, prefix="note")
            if form.is_valid():
                services.add_note(case, user, form.cleaned_data["text"], form.cleaned_data["attachment"])
                messages.success(request, _("Đã ghi chú."))
                return redirect(case.get_absolute_url())
        elif action == "decide":
            forms["decide"] = form = DecideForm(request.POST, prefix="decide")
            if form.is_valid():
                data = form.cleaned_data
                services.decide(case, user, data["action"], [b.pk for b in data["legal_bases"]], data["reasoning"])
                messages.success(request, _("Đã ghi quyết định xử lý và ký vào nhật ký kiểm toán."))
                return redirect(case.get_absolute_url())
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
            return redirect(case.get_absolute_url())
    except ValidationError as exc:
        form.add_error(None, _error_text(exc))
        messages.error(request, _error_text(exc))
    return None


@cases_only
def case_page(request, pk):
    try:
        case = _case_or_404(request, pk)
    except PermissionDenied:
        return _not_yours(request)
    forms = {}
    if request.method == "POST":
        if request.POST.get("action") == "decide" and not access.can_decide(request.user):
            return forbidden(request, _("Chỉ lãnh đạo Sở và Chánh Thanh tra Sở được quyết định xử lý vụ việc."))
        try:
            done = _post(request, case, forms)
        except PermissionDenied as exc:
            return forbidden(request, _error_text(exc))
        if done is not None:
            return done
        case.refresh_from_db()
    decision = Decision.objects.filter(case=case).select_related("decided_by", "audit_entry").first()
    can_decide = access.can_decide(request.user) and case.step == Step.DECIDING and decision is None
    forms.setdefault("classify", ClassifyForm(prefix="classify", initial={"classification": case.classification}))
    forms.setdefault("move", MoveForm(prefix="move", case=case))
    forms.setdefault("assign", AssignForm(prefix="assign", initial={"person": case.assignee_id}))
    forms.setdefault("note", NoteForm(prefix="note"))
    if can_decide:
        services.ensure_legal_bases()
        forms.setdefault("decide", DecideForm(prefix="decide"))
    return TemplateResponse(request, "cases/cases/case.html", {
        "page_title": _("Vụ việc %(number)s") % {"number": case.number}, "case": case,
        "urls": case.urls.select_related("article", "article__source", "added_by"),
        "history": selectors.history(case), "notes": selectors.notes(case),
        "reports": case.reports.all(), "decision": decision,
        "decision_bases": decision.legal_bases.all() if decision else [],
        "overdue": selectors.is_overdue(case), "forms": forms, "can_decide": can_decide,
        "can_classify": case.is_open and decision is None, "can_move": case.is_open,
        "unclassified": case.classification == Classification.UNCLASSIFIED,
        "panels": _panels_html(request, case),
    })


@cases_only
def note_file(request, pk):
    note = get_object_or_404(CaseNote.objects.select_related("case"), pk=pk)
    if not selectors.can_view(request.user, note.case):
        return _not_yours(request)
    if not note.attachment:
        raise Http404
    with note.attachment.open("rb") as handle:
        body = handle.read()
    return file_response(body, PurePath(note.attachment.name).name)
