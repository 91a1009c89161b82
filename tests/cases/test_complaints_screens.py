"""The screens of the complaints register: the list with its deadlines and no sender, the
registration form that names every missing field and offers to open a duplicate, a letter's
page that hides the sender until an assigned inspector asks to see it (and the audit log
records it), the steps as forms that survive a double click, the conclusion as DOCX and PDF,
and the inspector's open letters on the dashboard."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from doingoai.cases import clocks, complaints
from doingoai.cases.models import Complaint, ComplaintKind
from doingoai.core import dashboard, seed
from doingoai.core.models import AuditEntry, Role

HP = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "Phạm Quốc Khánh"
ADDRESS = "Số 5 đường Trần Phú, quận Ngô Quyền, Hải Phòng"
CONTACT = "khanh.pham@example.vn"
SUBJECT = "Fanpage Z đăng tin sai về dự án cảng Lạch Huyện"


@pytest.fixture
def people(db, inspector, chief_inspector, leader, press_specialist, outsider, make_person):
    clocks.load_rules()
    clocks.load_holidays()
    seed.load_organisation()
    return {
        "inspector": inspector,
        "chief": chief_inspector,
        "leader": leader,
        "specialist": press_specialist,
        "outsider": outsider,
        "other_inspector": make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra2"),
    }


@pytest.fixture
def denunciation(people):
    complaint = complaints.receive(
        people["inspector"],
        kind=ComplaintKind.DENUNCIATION,
        received_at=timezone.now() - datetime.timedelta(days=2),
        complainant_name=NAME,
        complainant_address=ADDRESS,
        complainant_contact=CONTACT,
        subject=SUBJECT,
        content=f"Tôi là {NAME}, tố cáo fanpage Z đăng tin sai về dự án cảng.",
        themes=["kinh-te-dau-tu"],
    )
    complaints.accept(complaint, people["chief"], "Thụ lý.", "complex")
    complaints.assign(complaint, people["chief"], [people["inspector"]])
    return complaint


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_the_list_shows_numbers_subjects_and_deadlines_never_the_sender(
    people, denunciation, signed_in
):
    for person in ("inspector", "leader"):
        html = page(signed_in(people[person]), reverse("cases_complaints"))
        assert denunciation.number in html and SUBJECT in html
        assert 'data-clock-level="ok"' in html  # the resolution clock, 30 days ahead
        for secret in (NAME, ADDRESS, CONTACT):
            assert secret not in html
    html = page(signed_in(people["inspector"]), reverse("cases_complaints") + "?q=pham+quoc+khanh")
    assert denunciation.number not in html  # the sender is not searchable
    html = page(
        signed_in(people["inspector"]),
        reverse("cases_complaints") + "?q=lach+huyen&kind=denunciation",
    )
    assert denunciation.number in html


def test_people_outside_the_cases_units_are_told_why_they_cannot_enter(
    people, denunciation, signed_in
):
    client = signed_in(people["outsider"])
    for url in (reverse("cases_complaints"), reverse("cases_complaint", args=[denunciation.pk])):
        response = client.get(url)
        assert response.status_code == 403
        assert "Thanh tra Sở" in response.content.decode()


def test_registration_names_every_missing_field_and_keeps_what_was_typed(people, signed_in):
    client = signed_in(people["inspector"])
    response = client.post(
        reverse("cases_complaint_new"),
        {
            "kind": "complaint",
            "received_at": "",
            "complainant_name": "",
            "complainant_address": "",
            "subject": "Khiếu nại việc xử phạt trang tin",
            "content": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Chưa nhập ngày nhận đơn.",
        "Chưa nhập họ và tên người gửi đơn.",
        "Chưa nhập địa chỉ người gửi đơn.",
        "Chưa nhập nội dung đơn.",
    ):
        assert message in html
    assert "Khiếu nại việc xử phạt trang tin" in html
    assert not Complaint.objects.exists()

    future = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("cases_complaint_new"),
        {
            "kind": "complaint",
            "received_at": future,
            "complainant_name": NAME,
            "complainant_address": ADDRESS,
            "subject": "Khiếu nại việc xử phạt trang tin",
            "content": "Nội dung khiếu nại.",
        },
    )
    assert response.status_code == 400 and "ở tương lai" in response.content.decode()


def test_registration_of_an_old_letter_warns_and_a_duplicate_offers_the_first(people, signed_in):
    client = signed_in(people["inspector"])
    data = {
        "kind": "denunciation",
        "received_at": "02/06/2025 08:30",
        "complainant_name": NAME,
        "complainant_address": ADDRESS,
        "complainant_contact": CONTACT,
        "subject": SUBJECT,
        "content": "Nội dung tố cáo.",
        "themes": ["kinh-te-dau-tu"],
    }
    response = client.post(reverse("cases_complaint_new"), data, follow=True)
    first = Complaint.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases_complaint", args=[first.pk])
    html = response.content.decode()
    assert f"Đã vào sổ đơn số {first.number}." in html and "được vào sổ muộn" in html
    assert first.received_at == datetime.datetime(2025, 6, 2, 8, 30, tzinfo=HP)

    response = client.post(
        reverse("cases_complaint_new"),
        {**data, "complainant_name": "pham quoc khanh", "received_at": "10/06/2025"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and Complaint.objects.count() == 1
    assert f"trùng với đơn số {first.number}" in html
    assert f'href="{reverse("cases_complaint", args=[first.pk])}" data-duplicate' in html


def test_the_page_hides_the_sender_until_the_assigned_inspector_asks_and_logs_it(
    people, denunciation, signed_in
):
    url = reverse("cases_complaint", args=[denunciation.pk])
    reveal = reverse("cases_complaint_identity", args=[denunciation.pk])
    for person in ("leader", "chief", "other_inspector"):
        client = signed_in(people[person])
        html = page(client, url)
        assert "(được bảo mật)" in html and "Xem thông tin người gửi" not in html
        assert NAME not in html and ADDRESS not in html and CONTACT not in html
        assert SUBJECT in html
        response = client.post(
            reverse("cases_complaint_identity", args=[denunciation.pk]), follow=True
        )
        assert NAME not in response.content.decode()
    assert not AuditEntry.objects.filter(action="cases.complainant_viewed").exists()

    client = signed_in(people["inspector"])
    html = page(client, url)
    assert "Xem thông tin người gửi" in html and NAME not in html  # a click away, not on the page
    assert client.get(reveal).status_code == 405  # only an explicit click (POST) reveals
    response = client.post(reveal)
    html = response.content.decode()
    assert response.status_code == 200
    assert NAME in html and ADDRESS in html and CONTACT in html
    viewed = AuditEntry.objects.get(action="cases.complainant_viewed")
    assert viewed.actor == people["inspector"] and viewed.object_id == str(denunciation.pk)


def test_the_steps_through_the_page_and_a_double_click_on_the_conclusion(people, signed_in):
    chief = signed_in(people["chief"])
    data = {
        "kind": "complaint",
        "received_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "complainant_name": NAME,
        "complainant_address": ADDRESS,
        "subject": "Khiếu nại quyết định xử phạt",
        "content": "Nội dung khiếu nại.",
        "remote_area": "on",
    }
    chief.post(reverse("cases_complaint_new"), data)
    complaint = Complaint.objects.get()
    assert (
        chief.post(
            reverse("cases_complaint_accept", args=[complaint.pk]),
            {"complexity": "complex", "note": "Thụ lý."},
        ).status_code
        == 302
    )
    assert [c.rule.code for c in complaints.Clock.objects.filter(state="running")] == [
        "complaint-resolve-remote-complex"
    ]
    response = chief.post(
        reverse("cases_complaint_assign", args=[complaint.pk]),
        {"inspectors": [people["specialist"].pk]},
    )
    assert response.status_code == 400  # not an inspector: not even offered
    chief.post(
        reverse("cases_complaint_assign", args=[complaint.pk]),
        {"inspectors": [people["inspector"].pk]},
    )
    assert list(complaint.inspectors.all()) == [people["inspector"]]

    inspector = signed_in(people["inspector"])
    response = inspector.post(
        reverse("cases_complaint_verification", args=[complaint.pk]), {"verification": ""}
    )
    assert response.status_code == 400 and "Hãy nhập kết quả xác minh." in response.content.decode()
    inspector.post(
        reverse("cases_complaint_verification", args=[complaint.pk]),
        {"verification": "Đã làm việc với các bên."},
    )
    conclude = reverse("cases_complaint_conclude", args=[complaint.pk])
    assert inspector.post(conclude, {"conclusion": "Khiếu nại đúng một phần."}).status_code == 302
    response = inspector.post(conclude, {"conclusion": "Khiếu nại đúng một phần."})
    html = response.content.decode()
    assert response.status_code == 400 and "đã có kết luận số" in html
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CONCLUDED
    assert AuditEntry.objects.filter(action="cases.complaint_concluded").count() == 1

    # The leader may not extend a complaint (no button) nor conclude it again.
    html = page(signed_in(people["leader"]), reverse("cases_complaint", args=[complaint.pk]))
    assert "Gia hạn giải quyết tố cáo" not in html and "Khiếu nại đúng một phần." in html


def test_the_extension_button_is_offered_while_the_law_allows(people, denunciation, signed_in):
    client = signed_in(people["chief"])
    url = reverse("cases_complaint", args=[denunciation.pk])
    assert "Gia hạn giải quyết tố cáo" in page(client, url)
    extend = reverse("cases_complaint_extend", args=[denunciation.pk])
    assert (
        client.post(extend, {"reason": "Cần xác minh tại nền tảng nước ngoài."}).status_code == 302
    )
    assert "Gia hạn giải quyết tố cáo" not in page(client, url)  # complex: once only
    response = client.post(extend, {"reason": "Lần nữa."})
    assert response.status_code == 400 and "tối đa" in response.content.decode()


def test_the_conclusion_downloads_as_docx_and_pdf_without_the_denunciator(
    people, denunciation, signed_in
):
    complaints.record_verification(
        denunciation, people["inspector"], f"Đã làm việc với ông {NAME}."
    )
    complaints.conclude(denunciation, people["chief"], "Nội dung tố cáo là đúng.")
    client = signed_in(people["inspector"])
    response = client.get(reverse("cases_complaint_file", args=[denunciation.pk, "docx"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(
        [c.text for t in document.tables for r in t.rows for c in r.cells]
        + [p.text for p in document.paragraphs]
    )
    assert "KẾT LUẬN" in text and "Nội dung tố cáo là đúng." in text
    assert NAME not in text and ADDRESS not in text
    response = client.get(reverse("cases_complaint_file", args=[denunciation.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


def test_the_inspector_finds_her_open_letters_on_the_dashboard(people, denunciation):
    [item] = [
        i
        for i in dashboard.open_work(people["inspector"])
        if i.url == denunciation.get_absolute_url()
    ]
    assert item.module == "Khiếu nại, tố cáo" and not item.overdue
    assert item.due == (timezone.localdate() + datetime.timedelta(days=30))
    assert not [
        i for i in dashboard.open_work(people["other_inspector"]) if i.module == "Khiếu nại, tố cáo"
    ]


def test_a_case_page_lists_its_letters_without_the_sender(people, units, rf):
    from doingoai.cases import panels
    from doingoai.cases.models import Case, Origin

    case = Case.objects.create(
        number="03/VV",
        title="Tin sai về cảng Lạch Huyện",
        origin=Origin.MONITORING,
        owner_unit=units["TTBCXB"],
    )
    complaint = complaints.receive(
        people["inspector"],
        kind=ComplaintKind.COMPLAINT,
        received_at=timezone.now(),
        complainant_name=NAME,
        complainant_address=ADDRESS,
        complainant_contact=CONTACT,
        subject=SUBJECT,
        content="Nội dung.",
        case=case,
    )
    request = rf.get("/")
    request.user = people["specialist"]
    [panel] = [
        p
        for p in panels.for_case(request, case)
        if p.template == "cases/complaints/_case_panel.html"
    ]
    from django.template.loader import render_to_string

    html = render_to_string(panel.template, panel.context, request=request)
    assert complaint.number in html and SUBJECT in html and NAME not in html
    request.user = people["outsider"]
    assert not [
        p
        for p in panels.for_case(request, case)
        if p.template == "cases/complaints/_case_panel.html"
    ]
