"""Screens of the clocks area: the "Thời hạn" board of running clocks, extending a clock, the
takedown requests of a case (create, send, acknowledge, complied), and the admin of rules and
holidays. Thin: ``cases.clocks`` and ``cases.takedowns`` do the work.

Every change is a POST answered by a redirect (a second submit is told the work is done); a
form with a mistake is shown again with what was typed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from doingoai.core.responses import forbidden

from .. import clocks, takedowns
from ..access import can_use
from ..models import Case, Clock, ClockRule, Holiday, LegalBasis, TakedownRequest
from ..selectors import can_view
from . import cases_only


def _not_yours(request):
    return forbidden(request, _("Vụ việc này do đơn vị khác xử lý và chưa được chuyển cho đơn vị của bạn."))

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"]


# --- forms ---------------------------------------------------------------------------------------

class TakedownForm(forms.Form):
    target = forms.CharField(label=gettext_lazy("Cơ quan, nền tảng nhận yêu cầu"), max_length=300)
    url = forms.CharField(label=gettext_lazy("Địa chỉ cần gỡ"), max_length=2000,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))
    legal_basis = forms.ModelChoiceField(label=gettext_lazy("Căn cứ pháp lý"),
                                         queryset=LegalBasis.objects.filter(active=True),
                                         error_messages={"required": gettext_lazy(
                                             "Xin chọn căn cứ pháp lý của yêu cầu gỡ bỏ.")})
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "go-bo")
        super().__init__(*args, **kwargs)
        # The bases meant for takedowns (or for any action when the list says none).
        active = LegalBasis.objects.filter(active=True)
        fitting = [b.pk for b in active if not b.actions or "takedown" in b.actions]
        self.fields["legal_basis"].queryset = active.filter(pk__in=fitting)


class MomentForm(forms.Form):
    at = forms.DateTimeField(label=gettext_lazy("Thời điểm (để trống: bây giờ)"), required=False,
                             input_formats=MOMENT_FORMATS,
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                             error_messages={"invalid": gettext_lazy(
                                 "Thời điểm không hợp lệ; xin nhập theo dạng dd/mm/yyyy hh:mm.")})


class ExtendForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do gia hạn"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": gettext_lazy("Xin ghi lý do gia hạn.")})


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def case_url(case_pk: int) -> str:
    try:
        return reverse("cases_case", args=[case_pk]) + "#go-bo"
    except NoReverseMatch:  # the case page is registered by the cases area
        return reverse("cases_clocks")


# --- takedown requests ---------------------------------------------------------------------------

@cases_only
def takedown_create(request, case_pk: int):
    """GET: the form alone; POST: a draft request, back to the case page (or the form again,
    with what was typed, when something is wrong)."""
    case = get_object_or_404(Case, pk=case_pk)
    if not can_view(request.user, case):
        return _not_yours(request)
    form = TakedownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = takedowns.create(case, request.user, data["target"], data["url"],
                                   legal_basis=data["legal_basis"], note=data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lập dự thảo yêu cầu gỡ bỏ gửi «%(target)s».")
                             % {"target": req.target})
            return redirect(case_url(case.pk))
    return TemplateResponse(request, "cases/clocks/takedown_form.html", {
        "case": case, "form": form, "page_title": _("Yêu cầu gỡ bỏ mới"), "back": case_url(case.pk),
    }, status=400 if form.is_bound else 200)


def _transition(request, case_pk: int, pk: int, act, done: str):
    req = get_object_or_404(TakedownRequest.objects.select_related("legal_basis", "case"), pk=pk, case_id=case_pk)
    if not can_view(request.user, req.case):
        return _not_yours(request)
    form = MomentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        act(req, request.user, at=form.cleaned_data["at"])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done % {"target": req.target})
    return redirect(case_url(case_pk))


@require_POST
@cases_only
def takedown_send(request, case_pk: int, pk: int):
    return _transition(request, case_pk, pk, takedowns.send,
                       _("Đã ghi nhận gửi yêu cầu gỡ bỏ tới «%(target)s»; thời hạn 24 giờ bắt đầu tính."))


@require_POST
@cases_only
def takedown_acknowledge(request, case_pk: int, pk: int):
    return _transition(request, case_pk, pk, takedowns.acknowledge,
                       _("Đã ghi nhận «%(target)s» xác nhận yêu cầu gỡ bỏ."))


@require_POST
@cases_only
def takedown_complied(request, case_pk: int, pk: int):
    return _transition(request, case_pk, pk, takedowns.complied,
                       _("Đã ghi nhận «%(target)s» gỡ bỏ thông tin."))


# --- clocks --------------------------------------------------------------------------------------

@cases_only
def board(request):
    """Every running clock, most urgent first."""
    overdue_only = request.GET.get("qua-han") == "1"
    rule_code = request.GET.get("quy-dinh", "")
    return TemplateResponse(request, "cases/clocks/board.html", {
        "rows": clocks.board(overdue_only=overdue_only, rule_code=rule_code, user=request.user),
        "rules": ClockRule.objects.all(), "overdue_only": overdue_only, "rule_code": rule_code,
        "page_title": _("Thời hạn"),
    })


@require_POST
@cases_only
def clock_extend(request, pk: int):
    clock = get_object_or_404(Clock.objects.select_related("rule"), pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    subject = clock.subject
    back = back or (subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else "")
    form = ExtendForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        clock = clocks.extend(clock, request.user, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã gia hạn «%(name)s» đến %(due)s.") % {
            "name": clock.rule.name, "due": f"{clocks.local(clock.due_at):%d/%m/%Y %H:%M}"})
    return redirect(back or reverse("cases_clocks"))


# --- rules and holidays (admin) ------------------------------------------------------------------

class ManagedPolicy(ModelPermissionPolicy):
    """Seen by those who work on cases; changed by the department's leaders, the head of the
    inspectorate and system administrators (``clocks.can_manage_rules``)."""

    def __init__(self, model, deletable: bool):
        super().__init__(model)
        self.deletable = deletable

    def user_has_permission(self, user, action):
        if action == "view":
            return can_use(user) or clocks.can_manage_rules(user)
        if action == "delete" and not self.deletable:
            return False
        return action in ("add", "change", "delete") and clocks.can_manage_rules(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class ClockRuleViewSet(ModelViewSet):
    model = ClockRule
    icon = "time"
    menu_label = gettext_lazy("Quy định thời hạn")
    url_prefix = "vu-viec/quy-dinh-thoi-han"
    add_to_admin_menu = False
    name = "cases_clock_rules"
    # A rule that clocks have used stays (its clocks cite it); it is made inactive instead.
    permission_policy = ManagedPolicy(ClockRule, deletable=False)
    list_display = ["name", "code", "amount", "unit", "legal_source", "max_extensions", "active"]
    list_filter = ["unit", "active"]
    search_fields = ["name", "code", "legal_source"]
    form_fields = ["code", "name", "amount", "unit", "legal_source", "remind_before_hours",
                   "extension_amount", "max_extensions", "extension_limits", "active"]
    copy_view_enabled = False


class HolidayViewSet(ModelViewSet):
    model = Holiday
    icon = "date"
    menu_label = gettext_lazy("Ngày nghỉ lễ")
    url_prefix = "vu-viec/ngay-nghi-le"
    add_to_admin_menu = False
    name = "cases_holidays"
    permission_policy = ManagedPolicy(Holiday, deletable=True)
    list_display = ["day", "name"]
    search_fields = ["name"]
    form_fields = ["day", "name"]
    copy_view_enabled = False
    list_per_page = 100
