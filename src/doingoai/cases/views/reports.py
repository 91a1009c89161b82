"""Screens of the reports area: "Báo cáo" (a period in; tables, their CSV/XLSX and the whole
report as DOCX out), and the two buttons of the claim-suggestion panel on a case's page
("Gắn vào vụ việc", "Không liên quan"). Thin: ``reports`` and ``matching`` do the work."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doingoai.monitoring import exports

from .. import matching, reports
from ..models import ClaimSuggestion
from . import cases_only, file_response

DATE_FORMATS = ["%d/%m/%Y"]


def _date_field(label, example: str) -> forms.DateField:
    return forms.DateField(
        label=label, input_formats=DATE_FORMATS, required=False,
        error_messages={"invalid": gettext_lazy(
            "Ngày không hợp lệ; xin nhập theo dạng dd/mm/yyyy, ví dụ %(example)s.") % {"example": example}},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))


class PeriodForm(forms.Form):
    tu = _date_field(gettext_lazy("Từ ngày"), "01/01/2025")
    den = _date_field(gettext_lazy("Đến ngày"), "30/06/2025")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default = reports.Period.this_year()
        start, end = data.get("tu") or None, data.get("den") or None
        end = end or (default.end if not start or start <= default.end else start)
        start = start or datetime.date(end.year, 1, 1)
        if start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc."))
        if (end - start).days + 1 > reports.MAX_DAYS:
            raise forms.ValidationError(_("Khoảng thời gian dài nhất là %(n)s ngày.") % {"n": reports.MAX_DAYS})
        data["period"] = reports.Period(start, end)
        return data


@cases_only
def report_view(request):
    submitted = "tu" in request.GET or "den" in request.GET
    if submitted:
        form = PeriodForm(request.GET)
        period = form.cleaned_data["period"] if form.is_valid() else None
    else:
        period = reports.Period.this_year()
        form = PeriodForm(initial={"tu": period.start, "den": period.end})
    report = reports.period_report(period.start, period.end) if period else None

    fmt = request.GET.get("xuat")
    if report and fmt:
        stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        if fmt == "docx":
            return file_response(reports.as_docx(report), f"bao-cao-thanh-tra-{stamp}.docx")
        table = report.table(request.GET.get("bang") or "")
        if table is None or fmt not in ("csv", "xlsx"):
            raise Http404
        name = f"bao-cao-{table.slug}-{stamp}.{fmt}"
        if fmt == "csv":
            return file_response(exports.table_to_csv(table.columns, table.rows), name)
        return file_response(exports.table_to_xlsx(table.columns, table.rows, table.title), name)

    params = ""
    if period:
        params = f"tu={period.start:%d/%m/%Y}&den={period.end:%d/%m/%Y}"
    return TemplateResponse(request, "cases/reports/index.html", {
        "page_title": _("Báo cáo xử lý thông tin, khiếu nại"), "form": form, "report": report,
        "params": params, "charts": {t.slug: t.chart for t in report.tables if t.chart} if report else {},
    })


# --- the claim-suggestion panel's buttons ----------------------------------------------------------

def _back(request, suggestion) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return matching._case_url(suggestion.case) or "/admin/"


def _decide(request, suggestion_id: int, action, done: str):
    suggestion = get_object_or_404(ClaimSuggestion.objects.select_related("case"), pk=suggestion_id)
    try:
        suggestion, changed = action(suggestion.pk, request.user)
    except PermissionDenied as exc:
        from doingoai.core.responses import forbidden

        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request, suggestion))
    if changed:
        messages.success(request, done)
    return redirect(_back(request, suggestion))


@cases_only
@require_POST
def link_suggestion(request, suggestion_id: int):
    return _decide(request, suggestion_id, matching.link_suggestion,
                   _("Đã gắn bài báo vào vụ việc; bản lưu chứng cứ đang được thu thập."))


@cases_only
@require_POST
def dismiss_suggestion(request, suggestion_id: int):
    return _decide(request, suggestion_id, matching.dismiss_suggestion,
                   _("Đã đánh dấu bài báo không liên quan đến vụ việc."))
