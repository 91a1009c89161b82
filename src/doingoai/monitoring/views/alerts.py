"""Saved searches, alert rules and alerts: HTTP in, ``monitoring.alerts`` does the work.

Every change is a POST answered by a redirect (a second submit finds the work done); a person
sees and changes only her own rules and alerts (another's rule is "not found")."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .. import alerts
from ..forms import AlertRuleForm, RenameSearchForm
from ..models import AlertRule
from . import monitoring_only

PER_PAGE = 50


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- saved searches ----------------------------------------------------------------------------

@monitoring_only
def saved_searches(request):
    if request.method == "POST":
        pk = request.POST.get("id", "")
        saved = get_object_or_404(alerts.visible_searches(request.user), pk=int(pk) if pk.isdigit() else 0)
        action = request.POST.get("action")
        try:
            if action == "rename":
                form = RenameSearchForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Hãy nhập tên mới (tối đa 200 ký tự)."))
                alerts.rename_search(saved, request.user, form.cleaned_data["name"])
                messages.success(request, _("Đã đổi tên thành «%(name)s».") % {"name": saved.name})
            elif action in ("share", "unshare"):
                alerts.share_search(saved, request.user, action == "share")
                done = _("Đã dùng chung «%(name)s».") if saved.shared else _("Đã thôi dùng chung «%(name)s».")
                messages.success(request, done % {"name": saved.name})
            elif action == "delete":
                name = saved.name
                alerts.delete_search(saved, request.user)
                messages.success(request, _("Đã xóa tìm kiếm «%(name)s».") % {"name": name})
            else:
                raise ValidationError(_("Thao tác không hợp lệ."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("monitoring_saved_searches")
    return TemplateResponse(request, "monitoring/alerts/saved_searches.html", {
        "searches": alerts.visible_searches(request.user), "page_title": _("Tìm kiếm đã lưu"),
    })


@monitoring_only
def open_saved_search(request, pk: int):
    saved = get_object_or_404(alerts.visible_searches(request.user), pk=pk)
    return redirect(alerts.search_url(saved))


# --- alert rules -------------------------------------------------------------------------------

@monitoring_only
def rules(request):
    return TemplateResponse(request, "monitoring/alerts/rules.html", {
        "rows": [(rule, alerts.theme_label(rule.theme) if rule.theme else "") for rule in alerts.rules_of(request.user)],
        "page_title": _("Quy tắc cảnh báo"),
    })


def _rule_form(request, rule: AlertRule | None):
    form = AlertRuleForm(request.POST or None, instance=rule, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = alerts.save_rule(form, request.user)
        messages.success(request, _("Đã lưu quy tắc cảnh báo «%(name)s».") % {"name": saved.name})
        return redirect("monitoring_alert_rules")
    title = _("Sửa quy tắc cảnh báo") if rule else _("Thêm quy tắc cảnh báo")
    return TemplateResponse(request, "monitoring/alerts/rule_form.html", {
        "form": form, "page_title": title,
        "has_searches": form.fields["saved_search"].queryset.exists(),
    })


@monitoring_only
def rule_create(request):
    return _rule_form(request, None)


@monitoring_only
def rule_edit(request, pk: int):
    return _rule_form(request, get_object_or_404(AlertRule, pk=pk, owner=request.user))


@monitoring_only
def rule_delete(request, pk: int):
    if request.method == "POST":
        rule = AlertRule.objects.filter(pk=pk, owner=request.user).first()
        if rule is not None:  # already deleted by a first submit: nothing left to do
            name = rule.name
            alerts.delete_rule(rule, request.user)
            messages.success(request, _("Đã xóa quy tắc cảnh báo «%(name)s».") % {"name": name})
        return redirect("monitoring_alert_rules")
    rule = get_object_or_404(AlertRule, pk=pk, owner=request.user)
    return TemplateResponse(request, "monitoring/alerts/rule_delete.html", {
        "rule": rule, "page_title": _("Xóa quy tắc cảnh báo"),
    })


# --- alerts ------------------------------------------------------------------------------------

@monitoring_only
def alert_list(request):
    try:
        number = max(1, int(request.GET.get("trang", "1")))
    except ValueError:
        number = 1
    page = Paginator(alerts.alerts_of(request.user), PER_PAGE).get_page(number)
    rows = [(a, alerts.channel_outcomes(a)) for a in page]
    return TemplateResponse(request, "monitoring/alerts/alerts.html", {
        "page": page, "rows": rows, "page_title": _("Cảnh báo"),
    })

