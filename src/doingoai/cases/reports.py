"""Reports for the Thanh tra Sở and the figures of the plan's periodic report.

    from doingoai.cases import reports

    report = reports.period_report(date(2025, 1, 1), date(2025, 6, 30))
    report.totals                      # {"cases_opened": …, "complaints_received": …, …}
    for table in report.tables: table.slug, table.title, table.columns, table.rows
    reports.as_docx(report)            # the whole report, Decree 30 layout

What counts in a period (calendar days ``start``–``end``, both included, Asia/Ho_Chi_Minh):
cases *opened* in it (by classification, step reached, origin, theme), decisions *made* in it
(by outcome), cases *closed* in it (median handling time, opened → closed), complaints and
denunciations *received* in it (by kind, status, theme), complaints *concluded* in it (median
received → concluded), takedown requests *created* in it (by status). Overdue items are the
statutory clocks still running past their due time at the moment the report is made (a
clock's past state is not kept, so "overdue at the end of a past period" cannot be told).

Themes are a JSON list per case and per complaint: counted in Python over one narrow query
(``__contains`` on a JSONField is not supported on SQLite), as ``monitoring.stats`` does.
"""

from __future__ import annotations

import datetime
import statistics as pystats
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doingoai.core import seed
from doingoai.plans import statistics as plan_statistics

from .models import (
    Action,
    Case,
    Classification,
    Clock,
    Complaint,
    ComplaintKind,
    Decision,
    Origin,
    Step,
    TakedownRequest,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_DAYS = 3 * 366
VIOLATIONS = (Classification.FALSE, Classification.DISTORTED, Classification.UNOFFICIAL,
              Classification.HOSTILE, Classification.DEFAMATION)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        start = datetime.datetime.combine(self.start, datetime.time.min, TZ)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, TZ)
        return start, end

    @classmethod
    def this_year(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(datetime.date(today.year, 1, 1), today)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""
    chart: dict = field(default_factory=dict)


@dataclass
class Report:
    start: datetime.date
    end: datetime.date
    made_at: datetime.datetime
    totals: dict
    tables: list[Table]

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _in(qs, field_name: str, period: Period):
    start, end = period.bounds()
    return qs.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _counted(qs, field_name: str) -> dict:
    return {row[field_name]: row["n"] for row in qs.values(field_name).annotate(n=Count("pk")).order_by()}


def _choice_rows(counts: dict, choices) -> list[list]:
    """One row per choice (zeros kept, so that two periods read side by side), then any value
    the choices do not know, then the total."""
    rows = [[str(label), counts.get(value, 0)] for value, label in choices]
    known = {value for value, _label in choices}
    rows += [[str(value) or _("Không rõ"), n] for value, n in sorted(counts.items(), key=lambda i: str(i[0]))
             if value not in known]
    rows.append([_("Tổng số"), sum(counts.values())])
    return rows


def _theme_counts(rows) -> Counter:
    counts: Counter = Counter()
    for themes in rows:
        if isinstance(themes, list):
            counts.update(set(themes))
    return counts


def _days(pairs) -> list[float]:
    return [(b - a).total_seconds() / 86400 for a, b in pairs if a is not None and b is not None and b >= a]


def _median(values: list[float]) -> float | None:
    return round(pystats.median(values), 1) if values else None


def _chart(table_rows: list[list], label: str, *, total_row: bool = True) -> dict:
    data = [r for r in (table_rows[:-1] if total_row else table_rows) if r[-1]]
    return {"type": "bar", "labels": [r[0] for r in data], "datasets": [{"label": label, "data": [r[-1] for r in data]}]}


# --- the pieces --------------------------------------------------------------------------------

def overdue_clocks(now: datetime.datetime | None = None) -> list[Clock]:
    """Running clocks past their due time, most overdue first, with their subject."""
    now = now or timezone.now()
    return list(Clock.objects.filter(state=Clock.State.RUNNING, due_at__lt=now)
                .select_related("rule", "content_type").prefetch_related("subject").order_by("due_at"))


def _subject_label(clock: Clock) -> str:
    subject = clock.subject
    kind = clock.content_type.model_class()._meta.verbose_name if clock.content_type.model_class() else ""
    if subject is None:
        return f"{kind} #{clock.object_id}".strip()
    if isinstance(subject, TakedownRequest):
        return f"{kind}: {subject.target} ({subject.case.number})"
    return f"{str(kind).capitalize()}: {subject}"


def handling_times(period: Period) -> dict:
    cases = _in(Case.objects.exclude(closed_at=None), "closed_at", period).values_list("opened_at", "closed_at")
    complaints = _in(Complaint.objects.exclude(concluded_at=None), "concluded_at", period).values_list(
        "received_at", "concluded_at")
    case_days, complaint_days = _days(cases), _days(complaints)
    return {"cases": len(case_days), "cases_median_days": _median(case_days),
            "complaints": len(complaint_days), "complaints_median_days": _median(complaint_days)}


def period_report(start: datetime.date, end: datetime.date, *, now: datetime.datetime | None = None) -> Report:
    if start > end:
        raise ValueError("start after end")
    period = Period(start, end)
    now = now or timezone.now()
    opened = _in(Case.objects.all(), "opened_at", period)
    complaints = _in(Complaint.objects.all(), "received_at", period)
    decisions = _in(Decision.objects.all(), "decided_at", period)
    takedowns = _in(TakedownRequest.objects.all(), "created_at", period)
    names = seed.theme_names()
    tables: list[Table] = []
    count = _("Số vụ việc")

    by_class = _choice_rows(_counted(opened, "classification"), Classification.choices)
    tables.append(Table("phan-loai", _("Vụ việc theo phân loại"), [_("Phân loại"), count], by_class,
                        chart=_chart(by_class, count)))
    by_step = _choice_rows(_counted(opened, "step"), Step.choices)
    tables.append(Table("buoc", _("Vụ việc theo bước xử lý hiện tại"), [_("Bước"), count], by_step,
                        note=_("Vụ việc tiếp nhận trong kỳ, theo bước đang ở vào thời điểm lập báo cáo."),
                        chart=_chart(by_step, count)))
    by_action = _choice_rows(_counted(decisions, "action"), Action.choices)
    tables.append(Table("ket-qua", _("Kết quả xử lý (quyết định trong kỳ)"), [_("Hình thức xử lý"), count],
                        by_action, chart=_chart(by_action, count)))
    themes = _theme_counts(opened.values_list("themes", flat=True).iterator(chunk_size=2000))
    theme_rows = [[names.get(code, code), n] for code, n in sorted(themes.items(), key=lambda i: (-i[1], i[0]))]
    tables.append(Table("chu-de", _("Vụ việc theo chủ đề"), [_("Chủ đề"), count], theme_rows + [
        [_("Số vụ việc trong kỳ"), opened.count()]],
        note=_("Một vụ việc có thể thuộc nhiều chủ đề."), chart=_chart(theme_rows, count, total_row=False)))
    by_origin = _choice_rows(_counted(opened, "origin"), Origin.choices)
    tables.append(Table("nguon", _("Vụ việc theo nguồn tiếp nhận"), [_("Nguồn tiếp nhận"), count], by_origin,
                        chart=_chart(by_origin, count)))

    kinds = ComplaintKind.choices
    per_status = {(row["status"], row["kind"]): row["n"]
                  for row in complaints.values("status", "kind").annotate(n=Count("pk")).order_by()}
    status_rows = []
    for value, label in Complaint.Status.choices:
        cells = [per_status.get((value, k), 0) for k, _label in kinds]
        status_rows.append([str(label), *cells, sum(cells)])
    totals_row = [sum(r[i] for r in status_rows) for i in range(1, len(kinds) + 2)]
    status_rows.append([_("Tổng số"), *totals_row])
    kind_columns = [str(label) for _value, label in kinds]
    tables.append(Table("don-trang-thai", _("Đơn khiếu nại, tố cáo theo trạng thái"),
                        [_("Trạng thái"), *kind_columns, _("Tổng số")], status_rows))
    theme_kind: Counter = Counter()
    for kind, row_themes in complaints.values_list("kind", "themes").iterator(chunk_size=2000):
        for code in set(row_themes or []):
            theme_kind[(code, kind)] += 1
    complaint_theme_rows = []
    for code in sorted({c for c, _k in theme_kind}, key=lambda c: (-sum(theme_kind[(c, k)] for k, _l in kinds), c)):
        cells = [theme_kind[(code, k)] for k, _label in kinds]
        complaint_theme_rows.append([names.get(code, code), *cells, sum(cells)])
    tables.append(Table("don-chu-de", _("Đơn khiếu nại, tố cáo theo chủ đề"),
                        [_("Chủ đề"), *kind_columns, _("Tổng số")], complaint_theme_rows,
                        note=_("Một đơn có thể thuộc nhiều chủ đề.")))

    times = handling_times(period)
    none = "—"
    tables.append(Table("thoi-gian", _("Thời gian xử lý (trung vị, ngày)"),
                        [_("Loại việc"), _("Số việc hoàn thành trong kỳ"), _("Trung vị (ngày)")], [
                            [_("Vụ việc (tiếp nhận → đóng)"), times["cases"],
                             none if times["cases_median_days"] is None else times["cases_median_days"]],
                            [_("Đơn khiếu nại, tố cáo (nhận đơn → kết luận)"), times["complaints"],
                             none if times["complaints_median_days"] is None else times["complaints_median_days"]],
                        ]))

    by_takedown = _choice_rows(_counted(takedowns, "status"), TakedownRequest.Status.choices)
    tables.append(Table("go-bo", _("Yêu cầu gỡ bỏ theo trạng thái"), [_("Trạng thái"), _("Số yêu cầu")],
                        by_takedown, chart=_chart(by_takedown, _("Số yêu cầu"))))

    late = overdue_clocks(now)
    tables.append(Table("qua-han", _("Việc đang quá hạn"),
                        [_("Việc"), _("Thời hạn"), _("Hạn"), _("Số ngày quá hạn")],
                        [[_subject_label(c), c.rule.name, timezone.localtime(c.due_at, TZ).strftime("%d/%m/%Y %H:%M"),
                          int((now - c.due_at).total_seconds() // 86400)] for c in late],
                        note=_("Thời hạn còn đang tính và đã quá hạn vào thời điểm lập báo cáo.")))

    totals = {
        "cases_opened": opened.count(),
        "cases_violating": opened.filter(classification__in=VIOLATIONS).count(),
        "cases_closed": times["cases"],
        "rebuttals": decisions.filter(action=Action.REBUTTAL).count(),
        "complaints_received": complaints.filter(kind=ComplaintKind.COMPLAINT).count(),
        "denunciations_received": complaints.filter(kind=ComplaintKind.DENUNCIATION).count(),
        "complaints_concluded": times["complaints"],
        "takedowns": takedowns.count(),
        "takedowns_sent": _in(TakedownRequest.objects.exclude(sent_at=None), "sent_at", period).count(),
        "takedowns_complied": _in(TakedownRequest.objects.exclude(complied_at=None), "complied_at", period).count(),
        "overdue": len(late),
    }
    return Report(start, end, now, totals, tables)


# --- the whole report as an official document ----------------------------------------------------

def _cell(value) -> str:
    return str(value)


def as_document(report: Report):
    from doingoai.core import documents
    from doingoai.core.models import Organisation

    org = Organisation.on(report.end)
    t = report.totals
    intro = _("Thanh tra Sở báo cáo kết quả xử lý thông tin sai sự thật, khiếu nại, tố cáo trong hoạt động "
              "thông tin đối ngoại từ ngày %(start)s đến ngày %(end)s như sau:") % {
        "start": _date(report.start), "end": _date(report.end)}
    summary = [
        _("Tiếp nhận %(n)s vụ việc, trong đó %(v)s vụ việc xác định có vi phạm; đóng %(c)s vụ việc.") % {
            "n": t["cases_opened"], "v": t["cases_violating"], "c": t["cases_closed"]},
        _("Tiếp nhận %(c)s đơn khiếu nại và %(d)s đơn tố cáo; %(k)s đơn đã có kết luận.") % {
            "c": t["complaints_received"], "d": t["denunciations_received"], "k": t["complaints_concluded"]},
        _("Lập %(n)s yêu cầu gỡ bỏ, đã gửi %(s)s, đã được gỡ bỏ %(g)s.") % {
            "n": t["takedowns"], "s": t["takedowns_sent"], "g": t["takedowns_complied"]},
        _("Số việc đang quá hạn: %(n)s.") % {"n": t["overdue"]},
    ]
    body: list = [documents.Paragraph(intro), documents.Heading(_("I. TÌNH HÌNH CHUNG"), level=1),
                  documents.Bullets(summary), documents.Heading(_("II. SỐ LIỆU CHI TIẾT"), level=1)]
    for n, table in enumerate(report.tables, start=1):
        body.append(documents.Heading(f"{n}. {table.title}", level=2))
        if table.rows:
            body.append(documents.Table([str(c) for c in table.columns],
                                        [[_cell(v) for v in row] for row in table.rows]))
        else:
            body.append(documents.Paragraph(_("Không có số liệu trong kỳ."), italic=True))
        if table.note:
            body.append(documents.Paragraph(table.note, italic=True))
    title = _("Kết quả xử lý thông tin sai sự thật, khiếu nại, tố cáo từ ngày %(start)s đến ngày %(end)s") % {
        "start": _date(report.start), "end": _date(report.end)}
    unit = settings.DOINGOAI_CASES_UNIT
    return documents.OfficialDocument(
        parent_body=(org.name if org else "").upper(),
        issuer=_("THANH TRA SỞ"),
        number=f"/BC-{unit}",
        place=org.place if org else "",
        date=timezone.localdate(),
        kind=_("BÁO CÁO"),
        title=title,
        body=body,
        recipients=[_("Giám đốc Sở (để b/c)"), _("Các Phó Giám đốc Sở")],
        signature=documents.Signature(authority=_("CHÁNH THANH TRA"), title=_("CHÁNH THANH TRA"), name=""),
        archive_note=f"VT, {unit}",
    )


def as_docx(report: Report) -> bytes:
    from doingoai.core import documents

    return documents.render_docx(as_document(report))


# --- figures for the plan's periodic report ------------------------------------------------------

def report_figures(start: datetime.date, end: datetime.date) -> list:
    """Task 9 (explaining and countering false information) and task 10 (inspection: handling
    violations, takedowns, complaints and denunciations) of the plan."""
    from doingoai.plans.statistics import Stat

    t = period_report(start, end).totals
    return [
        Stat(_("Số vụ việc thông tin sai lệch được tiếp nhận"), t["cases_opened"], 9),
        Stat(_("Số vụ việc đã cải chính, làm rõ thông tin"), t["rebuttals"], 9),
        Stat(_("Số vụ việc xác định có vi phạm"), t["cases_violating"], 10),
        Stat(_("Số vụ việc đã xử lý xong"), t["cases_closed"], 10),
        Stat(_("Số yêu cầu gỡ bỏ đã gửi"), t["takedowns_sent"], 10),
        Stat(_("Số yêu cầu gỡ bỏ đã được thực hiện"), t["takedowns_complied"], 10),
        Stat(_("Số đơn khiếu nại tiếp nhận"), t["complaints_received"], 10),
        Stat(_("Số đơn tố cáo tiếp nhận"), t["denunciations_received"], 10),
        Stat(_("Số đơn khiếu nại, tố cáo đã có kết luận"), t["complaints_concluded"], 10),
        Stat(_("Số việc đang quá hạn"), t["overdue"], 10),
    ]


plan_statistics.register("cases.handling", gettext_noop("Xử lý thông tin sai sự thật, khiếu nại, tố cáo"),
                         report_figures)
