"""Reports for the Thanh tra: what a period counts (cases, decisions, complaints, takedowns,
overdue clocks, handling times), the screen with its period form and exports, and the figures
given to the plan's periodic report."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from doingoai.cases import reports
from doingoai.cases.models import (
    Action,
    Case,
    Classification,
    Clock,
    ClockRule,
    Complaint,
    ComplaintKind,
    Decision,
    Origin,
    Step,
    TakedownRequest,
)
from doingoai.plans import statistics as plan_statistics

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START, END = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
NOW = datetime.datetime(2025, 4, 2, 9, 0, tzinfo=TZ)
_n = itertools.count(1)


def at(day: int, month: int = 3, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=TZ)


def case(units, *, opened, classification="", step=Step.VERIFYING, origin=Origin.STAFF, themes=(), closed=None):
    return Case.objects.create(
        number=f"{next(_n):03d}/VV-TTS", title="Tin sai sự thật về cầu Hoàng Văn Thụ", origin=origin,
        classification=classification, step=Step.CLOSED if closed else step, themes=list(themes),
        owner_unit=units["TTS"], opened_at=opened, closed_at=closed)


def complaint(*, kind, received, status=Complaint.Status.RECEIVED, themes=(), concluded=None):
    return Complaint.objects.create(
        number=f"{next(_n):03d}/KNTC", kind=kind, received_at=received, complainant_name="Trần Thị Bình",
        subject="Phản ánh bài viết sai sự thật", content="Nội dung đơn.", themes=list(themes),
        status=Complaint.Status.CONCLUDED if concluded else status, concluded_at=concluded)


@pytest.fixture
def register(units, chief_inspector):
    """March 2025: five cases (one from February, not counted), two decisions, three
    complaints, two takedown requests, one running clock overdue and one not yet due."""
    c1 = case(units, opened=at(2), classification=Classification.FALSE, origin=Origin.MONITORING,
              themes=["du-lich", "kinh-te-dau-tu"], closed=at(6))                 # 4 days
    c2 = case(units, opened=at(5), classification=Classification.FALSE, origin=Origin.PUBLIC,
              themes=["du-lich"], closed=at(15))                                  # 10 days
    c3 = case(units, opened=at(10), classification=Classification.HOSTILE, step=Step.DECIDING)
    c4 = case(units, opened=at(20), step=Step.RECEIVED, origin=Origin.PUBLIC)
    old = case(units, opened=at(20, month=2), classification=Classification.NONE, closed=at(3))  # 11 days
    Decision.objects.create(case=c1, action=Action.REBUTTAL, reasoning="Cải chính.", decided_by=chief_inspector,
                            decided_at=at(4))
    Decision.objects.create(case=c2, action=Action.TAKEDOWN, reasoning="Gỡ bỏ.", decided_by=chief_inspector,
                            decided_at=at(12))
    Decision.objects.create(case=old, action=Action.NO_ACTION, reasoning="Không vi phạm.",
                            decided_by=chief_inspector, decided_at=at(25, month=2))
    k1 = complaint(kind=ComplaintKind.COMPLAINT, received=at(3), themes=["chinh-quyen"], concluded=at(23))  # 20
    complaint(kind=ComplaintKind.COMPLAINT, received=at(8), status=Complaint.Status.ACCEPTED,
              themes=["chinh-quyen", "du-lich"])
    complaint(kind=ComplaintKind.DENUNCIATION, received=at(9), status=Complaint.Status.VERIFYING)
    complaint(kind=ComplaintKind.DENUNCIATION, received=at(1, month=4))  # after the period
    TakedownRequest.objects.create(case=c2, target="Nền tảng Facebook", url="https://facebook.com/bai/1",
                                   status=TakedownRequest.Status.COMPLIED, created_at=at(12), sent_at=at(12),
                                   complied_at=at(13))
    TakedownRequest.objects.create(case=c3, target="Kênh YouTube", url="https://youtube.com/watch?v=1",
                                   status=TakedownRequest.Status.SENT, created_at=at(14), sent_at=at(14))
    rule = ClockRule.objects.create(code="giai-quyet-khieu-nai", name="Thời hạn giải quyết khiếu nại lần đầu",
                                    amount=30, legal_source="Luật Khiếu nại 2011, Điều 28")
    complaint_type = ContentType.objects.get_for_model(Complaint)
    late = Complaint.objects.get(status=Complaint.Status.ACCEPTED)
    Clock.objects.create(rule=rule, content_type=complaint_type, object_id=late.pk, started_at=at(8),
                         due_at=at(30))
    verifying = ClockRule.objects.create(code="xac-minh", name="Thời hạn xác minh nội dung đơn", amount=45,
                                         legal_source="Luật Khiếu nại 2011, Điều 28")
    Clock.objects.create(rule=verifying, content_type=complaint_type, object_id=late.pk, started_at=at(8),
                         due_at=at(30, month=4))
    Clock.objects.create(rule=rule, content_type=complaint_type, object_id=k1.pk, started_at=at(3),
                         due_at=at(20), state=Clock.State.MET, finished_at=at(19))
    return {"cases": [c1, c2, c3, c4, old], "late": late}


def rows(report, slug) -> dict:
    return {row[0]: row[1:] for row in report.table(slug).rows}


def test_the_period_counts_cases_by_classification_step_outcome_theme_and_origin(register):
    report = reports.period_report(START, END, now=NOW)
    assert report.totals["cases_opened"] == 4 and report.totals["cases_violating"] == 3
    by_class = rows(report, "phan-loai")
    assert by_class["Thông tin sai sự thật"] == [2] and by_class["Quan điểm thù địch"] == [1]
    assert by_class["Chưa phân loại"] == [1] and by_class["Không vi phạm"] == [0] and by_class["Tổng số"] == [4]
    by_step = rows(report, "buoc")
    assert by_step["Đóng"] == [2] and by_step["Quyết định"] == [1] and by_step["Tiếp nhận"] == [1]
    outcomes = rows(report, "ket-qua")
    assert outcomes["Cải chính, làm rõ thông tin"] == [1] and outcomes["Yêu cầu gỡ bỏ"] == [1]
    assert outcomes["Không xử lý"] == [0] and outcomes["Tổng số"] == [2]  # February's decision is not counted
    themes = rows(report, "chu-de")
    assert themes["Du lịch"] == [2] and themes["Kinh tế - đầu tư"] == [1]
    origins = rows(report, "nguon")
    assert origins["Phản ánh của người dân"] == [2] and origins["Từ theo dõi báo chí"] == [1]


def test_complaints_and_denunciations_by_kind_status_and_theme(register):
    report = reports.period_report(START, END, now=NOW)
    assert report.table("don-trang-thai").columns == ["Trạng thái", "Khiếu nại", "Tố cáo", "Tổng số"]
    statuses = rows(report, "don-trang-thai")
    assert statuses["Đã có kết luận"] == [1, 0, 1] and statuses["Đã thụ lý"] == [1, 0, 1]
    assert statuses["Đang xác minh"] == [0, 1, 1] and statuses["Tổng số"] == [2, 1, 3]
    themes = rows(report, "don-chu-de")
    assert themes["Chính quyền và người dân"] == [2, 0, 2] and themes["Du lịch"] == [1, 0, 1]
    assert (report.totals["complaints_received"], report.totals["denunciations_received"]) == (2, 1)


def test_median_handling_times_count_what_was_finished_in_the_period(register):
    times = reports.handling_times(reports.Period(START, END))
    # closed in March: 4, 10 and 11 days (the February case closed on 3 March counts)
    assert times == {"cases": 3, "cases_median_days": 10.0, "complaints": 1, "complaints_median_days": 20.0}
    assert reports.handling_times(reports.Period(datetime.date(2025, 5, 1), datetime.date(2025, 5, 31))) == {
        "cases": 0, "cases_median_days": None, "complaints": 0, "complaints_median_days": None}
    table = rows(reports.period_report(START, END, now=NOW), "thoi-gian")
    assert table["Vụ việc (tiếp nhận → đóng)"] == [3, 10.0]


def test_overdue_lists_only_running_clocks_past_due_and_takedowns_count_by_status(register):
    report = reports.period_report(START, END, now=NOW)
    (late,) = report.table("qua-han").rows
    assert register["late"].number in late[0] and late[1] == "Thời hạn giải quyết khiếu nại lần đầu"
    assert late[2] == "30/03/2025 09:00" and late[3] == 3
    assert report.totals["overdue"] == 1
    takedowns = rows(report, "go-bo")
    assert takedowns["Đã gỡ bỏ"] == [1] and takedowns["Đã gửi"] == [1] and takedowns["Tổng số"] == [2]
    assert (report.totals["takedowns_sent"], report.totals["takedowns_complied"]) == (2, 1)


def test_the_plan_report_receives_the_figures_of_tasks_9_and_10(register):
    collected = [r for r in plan_statistics.collect(START, END) if r["source"] == "cases.handling"]
    figures = {r["label"]: (r["value"], r["task_no"]) for r in collected}
    assert collected[0]["group"] == "Xử lý thông tin sai sự thật, khiếu nại, tố cáo"
    assert figures["Số vụ việc thông tin sai lệch được tiếp nhận"] == (4, 9)
    assert figures["Số vụ việc đã cải chính, làm rõ thông tin"] == (1, 9)
    assert figures["Số đơn khiếu nại tiếp nhận"] == (2, 10) and figures["Số đơn tố cáo tiếp nhận"] == (1, 10)
    assert figures["Số yêu cầu gỡ bỏ đã được thực hiện"] == (1, 10)


# --- the screen -------------------------------------------------------------------------------

def test_the_screen_shows_this_year_by_default_and_refuses_a_wrong_period(register, inspector, signed_in):
    client = signed_in(inspector)
    page = client.get(reverse("cases_reports"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vụ việc theo phân loại" in html and "Việc đang quá hạn" in html
    assert page.context["report"].start.month == 1 and page.context["report"].start.day == 1

    wrong = client.get(reverse("cases_reports"), {"tu": "31/02/2025", "den": "31/03/2025"})
    assert wrong.context["report"] is None
    assert "Ngày không hợp lệ; xin nhập theo dạng dd/mm/yyyy" in wrong.content.decode()
    backwards = client.get(reverse("cases_reports"), {"tu": "31/03/2025", "den": "01/03/2025"})
    assert backwards.context["report"] is None
    assert "Ngày bắt đầu phải trước hoặc trùng ngày kết thúc." in backwards.content.decode()
    march = client.get(reverse("cases_reports"), {"tu": "01/03/2025", "den": "31/03/2025"})
    assert march.context["report"].totals["cases_opened"] == 4


def test_every_table_exports_to_csv_and_xlsx_and_the_whole_report_to_docx(register, inspector, signed_in):
    client = signed_in(inspector)
    period = {"tu": "01/03/2025", "den": "31/03/2025"}
    response = client.get(reverse("cases_reports"), {**period, "bang": "phan-loai", "xuat": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "bao-cao-phan-loai-20250301-20250331.csv" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["Phân loại", "Số vụ việc"] and ["Thông tin sai sự thật", "2"] in table

    response = client.get(reverse("cases_reports"), {**period, "bang": "don-trang-thai", "xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Trạng thái", "Khiếu nại", "Tố cáo", "Tổng số"] and ["Tổng số", 2, 1, 3] in values

    assert client.get(reverse("cases_reports"), {**period, "bang": "khong-co", "xuat": "csv"}).status_code == 404
    docx = client.get(reverse("cases_reports"), {**period, "xuat": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "từ ngày 01/03/2025 đến ngày 31/03/2025" in text
    assert len(document.tables) >= len(reports.period_report(START, END).tables)


def test_someone_outside_the_case_units_cannot_open_the_reports(outsider, signed_in):
    response = signed_in(outsider).get(reverse("cases_reports"))
    assert response.status_code == 403
