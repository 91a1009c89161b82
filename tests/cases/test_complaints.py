"""The register of complaints and denunciations (khiếu nại, tố cáo), task 10 of the plan: a
letter is entered with its number and its acceptance clock, accepted or refused by the chief
inspector, given to inspectors, verified and concluded within the periods of Luật Khiếu nại
2011 and Luật Tố cáo 2018; the sender's identity is seen only by the assigned inspectors and
every view of it is in the audit log; the conclusion is an official document that never names
a denunciator."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doingoai.cases import clocks, complaints
from doingoai.cases.models import Case, Clock, Complaint, ComplaintKind, Origin
from doingoai.core import seed
from doingoai.core.models import AuditEntry, Notification, Role

HP = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=HP)  # Thứ Hai 02/06/2025
NAME = "Trần Thị Bích Ngọc"
ADDRESS = "Số 12 phố Lạch Tray, phường Lạch Tray, quận Ngô Quyền, Hải Phòng"
CONTACT = "0912 345 678"


@pytest.fixture
def rules(db):
    clocks.load_rules()
    clocks.load_holidays()
    seed.load_organisation()


@pytest.fixture
def people(rules, inspector, chief_inspector, leader, press_specialist, outsider, make_person):
    return {
        "inspector": inspector,
        "chief": chief_inspector,
        "leader": leader,
        "specialist": press_specialist,
        "outsider": outsider,
        "other_inspector": make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra2"),
    }


def letter(**overrides) -> dict:
    values = {
        "kind": ComplaintKind.DENUNCIATION,
        "received_at": MONDAY,
        "complainant_name": NAME,
        "complainant_address": ADDRESS,
        "complainant_contact": CONTACT,
        "subject": "Trang tin điện tử đăng thông tin sai lệch về lễ hội Hoa Phượng Đỏ",
        "content": "Tôi là Trần Thị Bích Ngọc, xin tố cáo trang tin X đăng tin sai về lễ hội.",
        "themes": ["su-kien-ky-niem"],
    }
    values.update(overrides)
    return values


def running(complaint: Complaint) -> list[Clock]:
    return [
        c
        for c in Clock.objects.filter(
            object_id=complaint.pk, state=Clock.State.RUNNING
        ).select_related("rule")
        if c.content_type.model == "complaint"
    ]


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=HP)


# --- receipt ----------------------------------------------------------------------------------


def test_a_letter_missing_fields_is_refused_naming_each_field_and_nothing_is_stored(people):
    with pytest.raises(ValidationError) as refused:
        complaints.receive(
            people["inspector"],
            **letter(
                kind="",
                received_at=None,
                complainant_name="  ",
                complainant_address="",
                subject="",
                content="",
            ),
        )
    errors = refused.value.message_dict
    assert errors["kind"] == ["Chưa chọn loại đơn (khiếu nại hay tố cáo)."]
    assert errors["received_at"] == ["Chưa nhập ngày nhận đơn."]
    assert errors["complainant_name"] == ["Chưa nhập họ và tên người gửi đơn."]
    assert errors["complainant_address"] == ["Chưa nhập địa chỉ người gửi đơn."]
    assert errors["subject"] == ["Chưa nhập nội dung tóm tắt của đơn."]
    assert errors["content"] == ["Chưa nhập nội dung đơn."]
    assert "complainant_contact" not in errors  # a letter may come without a phone number
    assert not Complaint.objects.exists() and not Clock.objects.exists()


def test_a_letter_received_in_the_future_is_refused(people):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        complaints.receive(people["inspector"], **letter(received_at=tomorrow))
    assert "ở tương lai" in refused.value.message_dict["received_at"][0]
    assert not Complaint.objects.exists()


def test_an_old_letter_is_registered_with_a_warning_and_its_clock_counts_from_the_receipt(people):
    complaint = complaints.receive(people["inspector"], **letter(kind=ComplaintKind.COMPLAINT))
    assert complaint.number == "01/KN"
    assert complaint.warnings and "được vào sổ muộn" in complaint.warnings[0]
    [clock] = running(complaint)
    assert clock.rule.code == "complaint-accept"
    assert clock.started_at == MONDAY
    assert clock.due_at == end_of(datetime.date(2025, 6, 12))  # 10 ngày kể từ ngày nhận đơn
    assert clocks.for_object(complaint)[0].level == "overdue"


def test_numbers_follow_the_register_of_each_kind(people):
    first = complaints.receive(people["inspector"], **letter())
    second = complaints.receive(people["inspector"], **letter(complainant_name="Lê Văn Hùng"))
    other = complaints.receive(
        people["inspector"],
        **letter(kind=ComplaintKind.COMPLAINT, subject="Khiếu nại quyết định xử phạt"),
    )
    assert (first.number, second.number, other.number) == ("01/TC", "02/TC", "01/KN")


def test_a_denunciation_must_be_handled_within_seven_working_days(people):
    complaint = complaints.receive(people["inspector"], **letter())
    [clock] = running(complaint)
    assert clock.rule.code == "denunciation-accept"
    assert clock.due_at == end_of(datetime.date(2025, 6, 11))  # thứ Tư tuần sau: 7 ngày làm việc


def test_the_same_letter_twice_within_30_days_is_refused_naming_the_first(people):
    first = complaints.receive(people["inspector"], **letter())
    again = letter(
        complainant_name="tran thi bich ngoc",
        subject="TRANG TIN ĐIỆN TỬ ĐĂNG THÔNG TIN SAI LỆCH VỀ LỄ HỘI HOA PHƯỢNG ĐỎ",
        received_at=MONDAY + datetime.timedelta(days=12),
    )
    with pytest.raises(complaints.DuplicateComplaint) as refused:
        complaints.receive(people["inspector"], **again)
    assert refused.value.existing == first
    assert "01/TC" in refused.value.messages[0] and "02/06/2025" in refused.value.messages[0]
    assert Complaint.objects.count() == 1

    # Another matter of the same person, or the same matter 31 days later, is a new letter.
    complaints.receive(people["inspector"], **letter(subject="Phản ánh về một bài đăng khác"))
    complaints.receive(
        people["inspector"], **letter(received_at=MONDAY + datetime.timedelta(days=31))
    )
    assert Complaint.objects.count() == 3


def test_a_letter_whose_first_one_is_closed_is_a_new_letter(people):
    first = complaints.receive(people["inspector"], **letter())
    complaints.reject(
        first, people["chief"], "Đơn không đủ điều kiện thụ lý (Điều 25 Luật Tố cáo 2018)."
    )
    complaints.receive(
        people["inspector"], **letter(received_at=MONDAY + datetime.timedelta(days=3))
    )
    assert Complaint.objects.count() == 2


def test_unknown_themes_are_refused(people):
    with pytest.raises(ValidationError) as refused:
        complaints.receive(people["inspector"], **letter(themes=["khong-co"]))
    assert "khong-co" in refused.value.message_dict["themes"][0]


def test_people_outside_the_cases_units_cannot_register(people):
    with pytest.raises(PermissionDenied):
        complaints.receive(people["outsider"], **letter())


# --- acceptance -------------------------------------------------------------------------------

ACCEPTED_AT = datetime.datetime(2025, 6, 5, 10, 0, tzinfo=HP)


@pytest.mark.parametrize(
    ("kind", "complexity", "remote", "rule", "due"),
    [
        (ComplaintKind.COMPLAINT, "normal", False, "complaint-resolve", datetime.date(2025, 7, 5)),
        (
            ComplaintKind.COMPLAINT,
            "complex",
            False,
            "complaint-resolve-complex",
            datetime.date(2025, 7, 20),
        ),
        (
            ComplaintKind.COMPLAINT,
            "very_complex",
            False,
            "complaint-resolve-complex",
            datetime.date(2025, 7, 20),
        ),
        (
            ComplaintKind.COMPLAINT,
            "normal",
            True,
            "complaint-resolve-remote",
            datetime.date(2025, 7, 20),
        ),
        (
            ComplaintKind.COMPLAINT,
            "complex",
            True,
            "complaint-resolve-remote-complex",
            datetime.date(2025, 8, 4),
        ),
        (
            ComplaintKind.DENUNCIATION,
            "complex",
            True,
            "denunciation-resolve",
            datetime.date(2025, 7, 5),
        ),
    ],
)
def test_acceptance_ends_the_acceptance_clock_and_starts_the_resolution_clock(
    people, kind, complexity, remote, rule, due
):
    complaint = complaints.receive(people["inspector"], **letter(kind=kind, remote_area=remote))
    complaints.accept(
        complaint, people["chief"], "Quyết định thụ lý số 12/QĐ-TTS.", complexity, at=ACCEPTED_AT
    )
    assert complaint.status == Complaint.Status.ACCEPTED and complaint.accepted_at == ACCEPTED_AT
    accepting = Clock.objects.get(object_id=complaint.pk, rule__code__endswith="-accept")
    assert accepting.state == Clock.State.MET
    [clock] = running(complaint)
    assert (clock.rule.code, clock.due_at) == (rule, end_of(due))
    entry = AuditEntry.objects.filter(action="cases.complaint_accepted").get()
    assert entry.object_id == str(complaint.pk) and entry.actor == people["chief"]


def test_only_the_chief_inspector_or_a_leader_decides_the_acceptance(people):
    complaint = complaints.receive(people["inspector"], **letter())
    for person in (people["inspector"], people["specialist"]):
        with pytest.raises(PermissionDenied):
            complaints.accept(complaint, person, "", "normal")
    complaints.accept(complaint, people["leader"], "", "normal")
    with pytest.raises(ValidationError, match="đã được thụ lý"):
        complaints.accept(complaint, people["chief"], "", "normal")  # a second click


def test_a_refusal_needs_its_reason_and_ends_the_acceptance_clock(people):
    complaint = complaints.receive(people["inspector"], **letter())
    with pytest.raises(ValidationError) as refused:
        complaints.reject(complaint, people["chief"], "  ")
    assert refused.value.message_dict["reason"] == ["Hãy ghi lý do không thụ lý (căn cứ pháp lý)."]
    complaints.reject(complaint, people["chief"], "Tố cáo nặc danh (Điều 25 Luật Tố cáo 2018).")
    assert complaint.status == Complaint.Status.REJECTED
    assert not running(complaint)
    assert AuditEntry.objects.filter(
        action="cases.complaint_rejected", object_id=str(complaint.pk)
    ).exists()


# --- extension of a denunciation --------------------------------------------------------------


def accepted(people, complexity, kind=ComplaintKind.DENUNCIATION) -> Complaint:
    complaint = complaints.receive(people["inspector"], **letter(kind=kind))
    return complaints.accept(complaint, people["chief"], "", complexity, at=ACCEPTED_AT)


def test_an_ordinary_denunciation_cannot_be_extended(people):
    complaint = accepted(people, "normal")
    with pytest.raises(ValidationError, match="không được gia hạn"):
        complaints.extend_resolution(complaint, people["chief"], "Cần xác minh thêm.")


def test_a_complex_denunciation_is_extended_once_by_30_days(people):
    complaint = accepted(people, "complex")
    with pytest.raises(ValidationError):
        complaints.extend_resolution(complaint, people["chief"], "")  # the reason is required
    with pytest.raises(PermissionDenied):
        complaints.extend_resolution(complaint, people["inspector"], "Cần xác minh thêm.")
    clock = complaints.extend_resolution(
        complaint, people["chief"], "Cần xác minh tại hai nền tảng."
    )
    assert clock.extensions == 1 and clock.due_at == end_of(datetime.date(2025, 8, 4))
    with pytest.raises(ValidationError, match="tối đa"):
        complaints.extend_resolution(complaint, people["chief"], "Thêm lần nữa.")
    assert AuditEntry.objects.filter(action="cases.complaint_extended").count() == 1


def test_a_very_complex_denunciation_is_extended_twice(people):
    complaint = accepted(people, "very_complex")
    complaints.extend_resolution(complaint, people["leader"], "Lần một.")
    clock = complaints.extend_resolution(complaint, people["leader"], "Lần hai.")
    assert clock.extensions == 2 and clock.due_at == end_of(datetime.date(2025, 9, 3))
    with pytest.raises(ValidationError):
        complaints.extend_resolution(complaint, people["leader"], "Lần ba.")


def test_a_complaint_has_no_extension(people):
    complaint = accepted(people, "very_complex", kind=ComplaintKind.COMPLAINT)
    with pytest.raises(ValidationError, match="Luật Khiếu nại"):
        complaints.extend_resolution(complaint, people["chief"], "Cần thêm thời gian.")


# --- assignment -------------------------------------------------------------------------------


def test_only_the_chief_inspector_or_a_leader_assigns_and_only_inspectors(people):
    complaint = accepted(people, "normal")
    with pytest.raises(PermissionDenied):
        complaints.assign(complaint, people["inspector"], [people["inspector"]])
    with pytest.raises(ValidationError) as refused:
        complaints.assign(complaint, people["chief"], [people["inspector"], people["specialist"]])
    assert "Không phải thanh tra viên" in refused.value.message_dict["inspectors"][0]
    with pytest.raises(ValidationError):
        complaints.assign(complaint, people["chief"], [])
    assert not complaint.inspectors.exists()

    complaints.assign(complaint, people["chief"], [people["inspector"]])
    complaints.assign(complaint, people["leader"], [people["inspector"], people["other_inspector"]])
    assert set(complaint.inspectors.all()) == {people["inspector"], people["other_inspector"]}
    assert (
        Notification.objects.filter(
            user=people["inspector"], url=complaint.get_absolute_url()
        ).count()
        == 1
    )
    assert set(complaint.clock_recipients()) == {people["inspector"], people["other_inspector"]}


def test_reminders_go_to_the_inspectorate_until_someone_is_assigned(people):
    complaint = complaints.receive(people["inspector"], **letter())
    assert set(complaint.clock_recipients()) == {
        people["inspector"],
        people["chief"],
        people["other_inspector"],
    }


# --- identity ---------------------------------------------------------------------------------


def test_the_identity_is_seen_only_by_the_assigned_inspector_and_each_view_is_logged(people):
    complaint = accepted(people, "normal")
    complaints.assign(complaint, people["chief"], [people["inspector"]])

    for person in ("leader", "chief", "other_inspector", "specialist"):
        assert not complaints.can_see_identity(people[person], complaint)
        assert complaints.identity(complaint, people[person]) == {
            "complainant_name": "(được bảo mật)",
            "complainant_address": "(được bảo mật)",
            "complainant_contact": "(được bảo mật)",
        }
    assert not AuditEntry.objects.filter(action="cases.complainant_viewed").exists()

    assert complaints.can_see_identity(people["inspector"], complaint)
    shown = complaints.identity(complaint, people["inspector"])
    assert shown == {
        "complainant_name": NAME,
        "complainant_address": ADDRESS,
        "complainant_contact": CONTACT,
    }
    complaints.identity(complaint, people["inspector"])
    views = AuditEntry.objects.filter(
        action="cases.complainant_viewed", object_id=str(complaint.pk)
    )
    assert views.count() == 2 and {v.actor for v in views} == {people["inspector"]}


def test_the_audit_log_never_carries_the_identity(people):
    complaint = accepted(people, "normal")
    complaints.assign(complaint, people["chief"], [people["inspector"]])
    complaints.identity(complaint, people["inspector"])
    complaints.record_verification(complaint, people["inspector"], "Đã làm việc với trang tin X.")
    complaints.conclude(complaint, people["inspector"], "Nội dung tố cáo là đúng.")
    logged = " ".join(f"{e.object_repr} {e.changes}" for e in AuditEntry.objects.all())
    for secret in (NAME, ADDRESS, CONTACT):
        assert secret not in logged


def test_texts_shown_to_others_hide_the_name_written_in_the_letter(people):
    complaint = complaints.receive(people["inspector"], **letter())
    assert NAME not in complaints.redact(complaint.content, complaint)
    assert "(được bảo mật)" in complaints.redact(complaint.content, complaint)


# --- verification and conclusion --------------------------------------------------------------


def test_verification_and_conclusion_by_the_assigned_inspector(people):
    complaint = accepted(people, "normal")
    complaints.assign(complaint, people["chief"], [people["inspector"]])
    with pytest.raises(PermissionDenied):
        complaints.start_verification(complaint, people["other_inspector"])
    complaints.start_verification(complaint, people["inspector"])
    complaints.start_verification(complaint, people["inspector"])  # a second click changes nothing
    assert complaint.status == Complaint.Status.VERIFYING
    with pytest.raises(ValidationError):
        complaints.record_verification(complaint, people["inspector"], "")
    complaints.record_verification(
        complaint, people["inspector"], "Trang tin X đã đăng bài ngày 01/6/2025."
    )

    with pytest.raises(PermissionDenied):
        complaints.conclude(complaint, people["other_inspector"], "Tố cáo đúng.")
    with pytest.raises(ValidationError) as refused:
        complaints.conclude(complaint, people["inspector"], " ")
    assert refused.value.message_dict["conclusion"] == ["Hãy nhập nội dung kết luận."]

    complaints.conclude(
        complaint,
        people["inspector"],
        "Nội dung tố cáo là đúng.",
        at=datetime.datetime(2025, 6, 30, 16, 0, tzinfo=HP),
    )
    assert complaint.status == Complaint.Status.CONCLUDED
    assert (
        complaint.conclusion_number == "01/KL-TTS" and complaint.concluded_by == people["inspector"]
    )
    assert not running(complaint)
    assert (
        Clock.objects.get(object_id=complaint.pk, rule__code="denunciation-resolve").state
        == Clock.State.MET
    )

    with pytest.raises(ValidationError) as twice:  # the double click
        complaints.conclude(complaint, people["inspector"], "Nội dung tố cáo là đúng.")
    assert "đã có kết luận số 01/KL-TTS" in twice.value.messages[0]
    assert AuditEntry.objects.filter(action="cases.complaint_concluded").count() == 1


def test_a_stale_object_cannot_conclude_twice(people):
    complaint = accepted(people, "normal")
    stale = Complaint.objects.get(pk=complaint.pk)
    complaints.conclude(complaint, people["chief"], "Tố cáo không đúng.", number="07/KL-TTS")
    with pytest.raises(ValidationError, match="07/KL-TTS"):
        complaints.conclude(stale, people["leader"], "Tố cáo đúng.")
    assert Complaint.objects.get(pk=complaint.pk).conclusion == "Tố cáo không đúng."


def test_a_letter_not_yet_accepted_cannot_be_concluded(people):
    complaint = complaints.receive(people["inspector"], **letter())
    with pytest.raises(ValidationError, match="chưa được thụ lý"):
        complaints.conclude(complaint, people["chief"], "Tố cáo đúng.")


# --- the conclusion document ------------------------------------------------------------------


def document_text(body: bytes) -> str:
    document = docx.Document(io.BytesIO(body))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(cells + [p.text for p in document.paragraphs])


def test_the_conclusion_of_a_denunciation_never_names_the_denunciator(people):
    complaint = accepted(people, "normal")
    complaints.assign(complaint, people["chief"], [people["inspector"]])
    complaints.record_verification(
        complaint,
        people["inspector"],
        "Làm việc với bà Trần Thị Bích Ngọc và đại diện trang tin X.",
    )
    complaints.conclude(
        complaint, people["chief"], "Nội dung tố cáo là đúng; yêu cầu trang tin X gỡ bài."
    )
    body, pdf = complaints.conclusion_files(complaint, people["chief"])
    text = document_text(body)
    assert "KẾT LUẬN" in text and "Nội dung tố cáo" in text
    assert (
        "Số: 01/KL-TTS" in text
        and "THANH TRA SỞ" in text
        and "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text
    )
    assert "Căn cứ Luật Tố cáo ngày 12 tháng 6 năm 2018;" in text
    for heading in ("I. NỘI DUNG TỐ CÁO", "II. KẾT QUẢ XÁC MINH", "III. KẾT LUẬN"):
        assert heading in text
    assert "yêu cầu trang tin X gỡ bài" in text and "CHÁNH THANH TRA" in text
    for secret in (NAME, ADDRESS, CONTACT):
        assert secret not in text
    assert pdf.startswith(b"%PDF")


def test_the_decision_on_a_complaint_names_the_complainant_for_the_assigned_inspector(people):
    complaint = accepted(people, "normal", kind=ComplaintKind.COMPLAINT)
    complaints.assign(complaint, people["chief"], [people["inspector"]])
    complaints.conclude(complaint, people["leader"], "Khiếu nại là đúng một phần.")
    text = document_text(complaints.conclusion_files(complaint, people["inspector"])[0])
    assert "QUYẾT ĐỊNH" in text and "Giải quyết khiếu nại (lần đầu)" in text
    assert "Số: 01/QĐ-TTS" in text and "GIÁM ĐỐC" in text and "UBND THÀNH PHỐ HẢI PHÒNG" in text
    assert NAME in text and "Khiếu nại là đúng một phần." in text
    assert NAME not in document_text(complaints.conclusion_files(complaint, people["leader"])[0])


# --- who reads the register -------------------------------------------------------------------


def test_the_register_is_read_by_the_inspectorate_and_leaders_others_see_their_cases(people, units):
    case = Case.objects.create(
        number="01/VV", title="Tin sai về lễ hội", origin=Origin.STAFF, owner_unit=units["TTBCXB"]
    )
    linked = complaints.receive(people["inspector"], **letter(case=case))
    unlinked = complaints.receive(people["inspector"], **letter(complainant_name="Lê Văn Hùng"))
    for person in ("inspector", "chief", "leader"):
        assert set(complaints.visible(people[person])) == {linked, unlinked}
    assert list(complaints.visible(people["specialist"])) == [linked]
    assert not complaints.visible(people["outsider"]).exists()


def test_the_search_finds_numbers_and_subjects_without_diacritics_never_the_sender(people):
    complaint = complaints.receive(people["inspector"], **letter())
    complaints.receive(
        people["inspector"],
        **letter(
            kind=ComplaintKind.COMPLAINT,
            complainant_name="Lê Văn Hùng",
            subject="Khiếu nại quyết định xử phạt",
            themes=[],
        ),
    )
    user = people["inspector"]
    assert list(complaints.search(user, complaints.Filters(q="hoa phuong do"))) == [complaint]
    assert list(complaints.search(user, complaints.Filters(q="01/TC"))) == [complaint]
    assert not complaints.search(user, complaints.Filters(q="bich ngoc")).exists()
    assert list(complaints.search(user, complaints.Filters(kind="denunciation"))) == [complaint]
    assert list(complaints.search(user, complaints.Filters(theme="su-kien-ky-niem"))) == [complaint]
    assert (
        complaints.search(user, complaints.Filters(overdue=True)).count() == 2
    )  # both registered late
    assert complaints.search(user, complaints.Filters(status="open")).count() == 2
