"""The statistics screen: a period in, charts, tables and their exports out (``stats`` counts)."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import exports, stats
from . import file_response, monitoring_only

DATE_FORMATS = ["%d/%m/%Y"]


class PeriodForm(forms.Form):
    tu = forms.DateField(
        label=gettext_lazy("Từ ngày"), input_formats=DATE_FORMATS, required=False,
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ; xin nhập theo dạng dd/mm/yyyy, ví dụ 01/05/2025.")},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
    den = forms.DateField(
        label=gettext_lazy("Đến ngày"), input_formats=DATE_FORMATS, required=False,
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ; xin nhập theo dạng dd/mm/yyyy, ví dụ 31/05/2025.")},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
    lien_quan = forms.BooleanField(label=gettext_lazy("Chỉ bài liên quan đến thành phố"), required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default = stats.Period.last_days()
        start, end = data.get("tu") or None, data.get("den") or None
        if start and not end:
            end = max(start, default.end)
        end = end or default.end
        start = start or (end - (default.end - default.start))
        if start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc."))
        if (end - start).days + 1 > stats.MAX_DAYS:
            raise forms.ValidationError(_("Khoảng thời gian dài nhất là %(n)s ngày.") % {"n": stats.MAX_DAYS})
        data["period"] = stats.Period(start, end, bool(data.get("lien_quan")))
        return data


@monitoring_only
def statistics_view(request):
    submitted = any(key in request.GET for key in ("tu", "den", "lien_quan"))
    if submitted:
        form = PeriodForm(request.GET)
        period = form.cleaned_data["period"] if form.is_valid() else None
    else:
        period = stats.Period.last_days()
        form = PeriodForm(initial={"tu": period.start, "den": period.end, "lien_quan": True})
    report = stats.compute(period) if period else None

    fmt, slug = request.GET.get("xuat"), request.GET.get("bang")
    if report and fmt in ("csv", "xlsx"):
        table = report.table(slug or "")
        if table is None:
            raise Http404
        name = f"thong-ke-{slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
        if fmt == "csv":
            return file_response(exports.table_to_csv(table.columns, table.rows), name)
        return file_response(exports.table_to_xlsx(table.columns, table.rows, table.title), name)

    params = request.GET.copy()
    params.pop("xuat", None)
    params.pop("bang", None)
    if not submitted and period:
        params.update({"tu": f"{period.start:%d/%m/%Y}", "den": f"{period.end:%d/%m/%Y}", "lien_quan": "on"})
    charts = {t.slug: t.chart for t in report.tables} if report else {}
    return TemplateResponse(request, "monitoring/statistics/index.html", {
        "page_title": _("Thống kê báo chí"), "form": form, "report": report, "charts": charts,
        "params": params.urlencode(),
    })
