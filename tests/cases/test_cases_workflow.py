"""The workflow of a case: Tiếp nhận → Phân loại → Xác minh → Đề xuất xử lý → Quyết định →
Thực hiện → Theo dõi → Đóng, one step at a time (back one step with a reason), each step with
its unit, person and due date; the decision by a leader or the head of the inspectorate, on a
legal basis, signed in the audit log, once."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
import weasyprint
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from doingoai.cases import seed, services
from doingoai.cases.models import (
    Action,
    Case,
    CaseNote,
    Classification,
    Decision,
    LegalBasis,
    Step,
    StepRecord,
)
from doingoai.core import audit
from doingoai.core.models import AuditEntry, Notification


@pytest.fixture
def bases(db):
    seed.load_legal_bases()
    return {b.code: b for b in LegalBasis.objects.all()}


@pytest.fixture
def case(inspector):
    opened, _ = services.open_from_url(inspector, "https://tinmoi24h.net/cau-sap.html", "Tin cầu Rào sắp sập",
                                       "Cầu Rào sắp sập, cấm xe qua")
    return opened


def later(days=3):
    return timezone.now() + datetime.timedelta(days=days)


def walk(case, user, to, units, classification=Classification.FALSE):
    """Move ``case`` forward to step ``to`` (classifying it on the way)."""
    order = [s.value for s in Step]
    while case.step != to:
        if case.step == Step.CLASSIFYING and not case.classification:
            case = services.classify(case, user, classification, "Đã đối chiếu với thông báo của Sở Xây dựng.")
        nxt = order[order.index(case.step) + 1]
        case = services.move(case, user, nxt, unit=units["TTS"])
    return case


def test_a_case_moves_forward_one_step_with_its_unit_person_and_due(case, inspector, chief_inspector, units):
    due = later(4)
    moved = services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"], person=chief_inspector, due=due,
                          note="Chuyển phân loại")
    assert moved.step == Step.CLASSIFYING and moved.assignee == chief_inspector and moved.step_due == due
    first, second = StepRecord.objects.filter(case=case).order_by("entered_at", "pk")
    assert first.left_at is not None
    assert (second.step, second.unit, second.person, second.due, second.note, second.left_at) == (
        Step.CLASSIFYING, units["TTS"], chief_inspector, due, "Chuyển phân loại", None)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.STATE, object_id=str(case.pk)).latest("id")
    assert entry.changes["step"] == [Step.RECEIVED, Step.CLASSIFYING] and entry.actor == inspector
    note = Notification.objects.get(user=chief_inspector)
    assert case.number in note.title and note.url == case.get_absolute_url()


def test_without_a_due_date_the_step_gets_its_usual_length(case, inspector, units):
    moved = services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"])
    expected = timezone.now() + datetime.timedelta(days=services.STEP_DAYS[Step.CLASSIFYING])
    assert abs((moved.step_due - expected).total_seconds()) < 60


def test_steps_cannot_be_skipped(case, inspector, units):
    with pytest.raises(ValidationError, match="lần lượt từng bước"):
        services.move(case, inspector, Step.VERIFYING, unit=units["TTS"])
    case.refresh_from_db()
    assert case.step == Step.RECEIVED and case.steps.count() == 1


def test_leaving_classification_needs_a_classification(case, inspector, units):
    case = services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"])
    with pytest.raises(ValidationError, match="Cần phân loại"):
        services.move(case, inspector, Step.VERIFYING, unit=units["TTS"])
    case = services.classify(case, inspector, Classification.DISTORTED, "Xuyên tạc số liệu")
    assert services.move(case, inspector, Step.VERIFYING, unit=units["TTS"]).step == Step.VERIFYING
    assert case.notes.filter(text="Xuyên tạc số liệu").exists()


def test_going_back_one_step_needs_a_reason(case, inspector, units):
    case = walk(case, inspector, Step.VERIFYING, units)
    with pytest.raises(ValidationError, match="lý do"):
        services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"])
    back = services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"], note="Phân loại lại: thiếu nguồn")
    assert back.step == Step.CLASSIFYING
    with pytest.raises(ValidationError):
        services.move(back, inspector, Step.PROPOSING, unit=units["TTS"])


def test_a_due_date_in_the_past_is_refused_and_nothing_changes(case, inspector, units):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="đã qua") as caught:
        services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"], due=yesterday)
    assert timezone.localtime(yesterday).strftime("%d/%m/%Y") in caught.value.messages[0]
    case.refresh_from_db()
    assert case.step == Step.RECEIVED and case.steps.count() == 1


def test_a_stale_submit_is_refused_with_a_message(case, inspector, press_specialist, units):
    seen_by_two = Case.objects.get(pk=case.pk)  # the second person's page, loaded at the same time
    services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"])
    with pytest.raises(ValidationError, match="vừa được chuyển sang bước “Phân loại”"):
        services.move(seen_by_two, inspector, Step.CLASSIFYING, unit=units["TTS"])
    assert StepRecord.objects.filter(case=case).count() == 2


def test_the_person_must_belong_to_the_unit(case, inspector, press_specialist, units):
    with pytest.raises(ValidationError, match="không thuộc"):
        services.move(case, inspector, Step.CLASSIFYING, unit=units["TTS"], person=press_specialist)


def test_someone_who_cannot_see_the_case_cannot_move_it(case, outsider, press_specialist, units):
    for person in (outsider, press_specialist):  # the case is the inspectorate's, not shared
        with pytest.raises(PermissionDenied):
            services.move(case, person, Step.CLASSIFYING, unit=units["TTS"])


def test_a_step_given_to_another_unit_shares_the_case_with_it(case, inspector, press_specialist, units):
    services.move(case, inspector, Step.CLASSIFYING, unit=units["TTBCXB"], person=press_specialist)
    case.refresh_from_db()
    services.classify(case, press_specialist, Classification.FALSE, "")  # now she works on it
    assert Case.objects.get(pk=case.pk).classification == Classification.FALSE


def test_executing_needs_a_decision(case, inspector, units):
    case = walk(case, inspector, Step.DECIDING, units)
    with pytest.raises(ValidationError, match="Cần có quyết định"):
        services.move(case, inspector, Step.EXECUTING, unit=units["TTS"])


def test_a_leader_decides_on_a_legal_basis_and_the_decision_is_signed(case, inspector, leader, units, bases):
    case = walk(case, inspector, Step.DECIDING, units)
    decision = services.decide(case, leader, Action.TAKEDOWN,
                               [bases["nd-147-2024"].pk, bases["nd-15-2020-d101"].pk],
                               "Thông tin sai sự thật về công trình giao thông, gây hoang mang.")
    assert decision.decided_by == leader
    assert set(decision.legal_bases.values_list("code", flat=True)) == {"nd-147-2024", "nd-15-2020-d101"}
    entry = decision.audit_entry
    assert entry.action == "cases.decision" and entry.actor == leader and entry.object_id == str(case.pk)
    assert entry.changes["action"] == Action.TAKEDOWN
    assert entry.changes["legal_bases"] == ["nd-147-2024", "nd-15-2020-d101"]
    assert entry.changes["reasoning"].startswith("Thông tin sai sự thật")
    assert audit.verify().ok
    assert services.move(case, inspector, Step.EXECUTING, unit=units["TTS"]).step == Step.EXECUTING


def test_the_head_of_the_inspectorate_decides_an_inspector_does_not(case, inspector, chief_inspector, units, bases):
    case = walk(case, inspector, Step.DECIDING, units)
    with pytest.raises(PermissionDenied, match="Chỉ lãnh đạo Sở và Chánh Thanh tra Sở"):
        services.decide(case, inspector, Action.TAKEDOWN, [bases["nd-147-2024"].pk], "Lý do")
    assert not Decision.objects.exists()
    assert services.decide(case, chief_inspector, Action.REBUTTAL, [bases["luat-bao-chi-2016-d42"].pk],
                           "Đề nghị cơ quan báo chí cải chính.").decided_by == chief_inspector


def test_a_second_decision_is_refused_and_nothing_changes(case, inspector, leader, chief_inspector, units, bases):
    case = walk(case, inspector, Step.DECIDING, units)
    first = services.decide(case, leader, Action.TAKEDOWN, [bases["nd-147-2024"].pk], "Gỡ bỏ tin sai.")
    signed = AuditEntry.objects.filter(action="cases.decision").count()
    with pytest.raises(ValidationError, match="Vụ việc đã có quyết định"):
        services.decide(case, chief_inspector, Action.NO_ACTION, [bases["nd-147-2024"].pk], "Bấm lần hai")
    first.refresh_from_db()
    assert first.action == Action.TAKEDOWN and first.decided_by == leader
    assert AuditEntry.objects.filter(action="cases.decision").count() == signed == 1


def test_a_decision_needs_the_deciding_step_a_basis_and_a_reason(case, inspector, leader, units, bases):
    with pytest.raises(ValidationError, match="bước “Quyết định”"):
        services.decide(case, leader, Action.TAKEDOWN, [bases["nd-147-2024"].pk], "Sớm quá")
    case = walk(case, inspector, Step.DECIDING, units)
    with pytest.raises(ValidationError, match="ít nhất một căn cứ pháp lý"):
        services.decide(case, leader, Action.TAKEDOWN, [], "Không căn cứ")
    with pytest.raises(ValidationError, match="lý do"):
        services.decide(case, leader, Action.TAKEDOWN, [bases["nd-147-2024"].pk], "  ")
    LegalBasis.objects.filter(code="nd-119-2020").update(active=False)
    with pytest.raises(ValidationError, match="không còn áp dụng"):
        services.decide(case, leader, Action.SANCTION, [bases["nd-119-2020"].pk], "Căn cứ đã tắt")
    assert not Decision.objects.exists()


def test_no_violation_and_no_action_closes_right_after_the_decision(case, inspector, leader, units, bases):
    case = walk(case, inspector, Step.DECIDING, units, classification=Classification.NONE)
    assert Step.CLOSED not in services.allowed_moves(case)
    services.decide(case, leader, Action.NO_ACTION, [bases["luat-an-ninh-mang-2018-d16"].pk],
                    "Bài viết đúng sự thật, không vi phạm.")
    closed = services.move(case, inspector, Step.CLOSED, unit=units["TTS"])
    assert closed.step == Step.CLOSED and closed.closed_at is not None and closed.step_due is None
    with pytest.raises(ValidationError, match="đã đóng"):
        services.move(closed, inspector, Step.FOLLOWING, unit=units["TTS"], note="Mở lại")


def test_a_violation_does_not_close_straight_after_the_decision(case, inspector, leader, units, bases):
    case = walk(case, inspector, Step.DECIDING, units)
    services.decide(case, leader, Action.NO_ACTION, [bases["nd-147-2024"].pk], "Tin đã tự gỡ.")
    with pytest.raises(ValidationError, match="lần lượt từng bước"):
        services.move(case, inspector, Step.CLOSED, unit=units["TTS"])


def test_the_classification_is_fixed_once_decided(case, inspector, leader, units, bases):
    case = walk(case, inspector, Step.DECIDING, units)
    services.decide(case, leader, Action.TAKEDOWN, [bases["nd-147-2024"].pk], "Gỡ bỏ.")
    with pytest.raises(ValidationError, match="đã có quyết định"):
        services.classify(case, inspector, Classification.NONE, "")


def test_assigning_changes_the_current_step_and_tells_the_person(case, inspector, chief_inspector, units):
    services.assign(case, inspector, chief_inspector, units["TTS"])
    case.refresh_from_db()
    assert case.assignee == chief_inspector
    assert case.steps.get(left_at__isnull=True).person == chief_inspector
    assert Notification.objects.filter(user=chief_inspector, url=case.get_absolute_url()).exists()
    assert AuditEntry.objects.filter(action="cases.assign", object_id=str(case.pk)).exists()


def _docx(*lines) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_note_keeps_its_attachment(case, inspector):
    upload = SimpleUploadedFile("bien-ban-xac-minh.docx", _docx("BIÊN BẢN XÁC MINH", "Cầu Rào vẫn lưu thông."))
    note = services.add_note(case, inspector, "Đã xác minh tại hiện trường.", upload)
    assert note.step == Step.RECEIVED and note.author == inspector
    assert note.filename.startswith("bien-ban-xac-minh") and note.attachment.read().startswith(b"PK")


@pytest.mark.parametrize("name,body,mark", [
    ("to-trinh.txt", "TỐI MẬT\nTờ trình xử lý thông tin".encode(), "TỐI MẬT"),
    ("bao-cao.docx", _docx("MẬT", "Báo cáo nhanh về thông tin sai sự thật"), "MẬT"),
    ("ket-luan.pdf", weasyprint.HTML(string="<p>TUYỆT MẬT</p><p>Kết luận xác minh</p>").write_pdf(), "TUYỆT MẬT"),
])
def test_a_document_with_a_secrecy_stamp_is_refused(case, inspector, name, body, mark):
    with pytest.raises(ValidationError, match=f"dấu độ mật “{mark}”"):
        services.add_note(case, inspector, "Đính kèm", SimpleUploadedFile(name, body))
    assert not CaseNote.objects.exists()


def test_words_about_secrecy_in_prose_are_not_a_stamp(case, inspector):
    body = "Quy chế bảo vệ bí mật nhà nước được phổ biến; không đăng mật khẩu lên mạng.".encode()
    assert services.add_note(case, inspector, "", SimpleUploadedFile("quy-che.txt", body)).attachment


def test_an_attachment_over_20_mb_is_refused(case, inspector):
    big = SimpleUploadedFile("video.mp4", b"\0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="quá giới hạn 20 MB"):
        services.add_note(case, inspector, "Video bằng chứng", big)
    assert not CaseNote.objects.exists()


def test_overdue_steps_are_reminded_once(case, inspector):
    StepRecord.objects.filter(case=case).update(due=timezone.now() - datetime.timedelta(hours=2))
    assert services.remind_overdue_steps() == 1
    assert services.remind_overdue_steps() == 0
    assert Notification.objects.filter(user=inspector, title__contains="quá hạn").count() == 1


def test_legal_bases_load_idempotently_and_keep_a_basis_switched_off(db):
    created, updated = seed.load_legal_bases()
    assert created >= 9 and updated == 0
    LegalBasis.objects.filter(code="nd-119-2020").update(active=False)
    assert seed.load_legal_bases() == (0, created)
    assert not LegalBasis.objects.get(code="nd-119-2020").active
    assert LegalBasis.objects.get(code="blhs-2015-d288").actions == [Action.TRANSFER]
    assert "Nghị định 14/2022/NĐ-CP" in LegalBasis.objects.get(code="nd-15-2020-d101").title
