"""The periodic report: compiled from the plan, edited as a draft, issued with the next number
of the register and frozen, as DOCX (Decree 30 layout) and PDF."""

import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doingoai.core.models import Organisation, Unit
from doingoai.plans import reports, services, statistics
from doingoai.plans.models import Report

H1 = (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Sở Thông tin và Truyền thông", parent_name="UBND thành phố Hải Phòng",
                                       place="Hải Phòng")


@pytest.fixture
def report(plan, people, organisation):
    services.add_update(plan.tasks.get(no=1), people["specialist"], unit=Unit.objects.get(code="TTBCXB"),
                        text="Đã tổ chức 02 cuộc giao ban báo chí.", day=datetime.date(2025, 3, 20))
    services.add_update(plan.tasks.get(no=1), people["specialist"], unit=Unit.objects.get(code="TTBCXB"),
                        text="Cập nhật ngoài kỳ báo cáo.", day=datetime.date(2025, 7, 20))
    return reports.compile_report(plan, people["specialist"], kind=Report.Kind.HALF_YEAR, start=H1[0], end=H1[1])


def test_the_draft_is_compiled_from_tasks_and_updates_of_the_period(report):
    assert report.title == "Kết quả thực hiện công tác thông tin đối ngoại 6 tháng đầu năm 2025"
    text = "\n".join(s["heading"] + "\n" + s["text"] for s in report.sections)
    assert "Thực hiện Kế hoạch số 14/KH-STTTT ngày 18/02/2025" in text
    assert "Ngày 20/03/2025 (Phòng Thông tin – Báo chí – Xuất bản): Đã tổ chức 02 cuộc giao ban báo chí." in text
    assert "ngoài kỳ" not in text
    assert "1. Thông tin về chủ trương, đường lối của Đảng" in text
    assert report.status == Report.Status.DRAFT and report.number == ""


def test_modules_contribute_figures(plan, people, organisation, monkeypatch):
    monkeypatch.setattr(statistics, "_providers", {})
    statistics.register("monitoring", "Theo dõi báo chí",
                        lambda start, end: [statistics.Stat("Số tin bài về thành phố", 1250, task_no=9)])
    report = reports.compile_report(plan, people["head"], kind=Report.Kind.HALF_YEAR, start=H1[0], end=H1[1])
    assert report.statistics == [{"group": "Theo dõi báo chí", "label": "Số tin bài về thành phố", "value": 1250,
                                  "task_no": 9, "source": "monitoring"}]


def test_only_the_owner_unit_and_leaders_compile_and_issue(plan, people, organisation):
    with pytest.raises(PermissionDenied):
        reports.compile_report(plan, people["editor"], kind=Report.Kind.YEAR, start=H1[0], end=H1[1])
    report = reports.compile_report(plan, people["specialist"], kind=Report.Kind.YEAR, start=H1[0], end=H1[1])
    report = reports.update_draft(report, people["specialist"], signer_name="Phạm Văn Tuấn")
    with pytest.raises(PermissionDenied):
        reports.issue(report, people["specialist"])  # a specialist drafts; the head or a leader issues


def test_issue_takes_the_next_number_freezes_and_renders(report, people):
    reports.update_draft(report, people["specialist"], signer_mode="KT.", signer_title="PHÓ GIÁM ĐỐC",
                         signer_name="Nguyễn Quang Huy")
    issued = reports.issue(report, people["head"], on=datetime.date(2025, 7, 5))
    assert issued.number == "01/BC-STTTT" and issued.issued_on == datetime.date(2025, 7, 5)
    second = reports.compile_report(report.plan, people["head"], kind=Report.Kind.PERIOD, start=H1[0], end=H1[1])
    reports.update_draft(second, people["head"], signer_name="Phạm Văn Tuấn")
    assert reports.issue(second, people["leader"], on=datetime.date(2025, 7, 6)).number == "02/BC-STTTT"
    with pytest.raises(ValidationError, match="đã được ban hành"):  # a double click on "ban hành"
        reports.issue(issued, people["head"])
    with pytest.raises(ValidationError, match="không sửa được"):
        reports.update_draft(issued, people["head"], title="khác")
    document = docx.Document(io.BytesIO(issued.docx.read()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Số: 01/BC-STTTT" in text
    assert "Hải Phòng, ngày 05 tháng 7 năm 2025" in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and "Nguyễn Quang Huy" in text
    assert "BÁO CÁO" in text
    assert issued.pdf.read(5) == b"%PDF-"


def test_issuing_needs_a_signer(report, people):
    with pytest.raises(ValidationError, match="người ký"):
        reports.update_draft(report, people["specialist"], signer_name="")
        reports.issue(report, people["head"])
