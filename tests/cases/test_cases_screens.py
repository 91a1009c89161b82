"""The staff screens of cases: the list, "Mở vụ việc", the page of a case with its forms, the
download of an attachment, and the "Mở vụ việc" button on monitored articles and stories."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from doingoai.cases import seed, services
from doingoai.cases.models import Action, Case, Classification, Decision, Step
from doingoai.core import dashboard

from .test_cases_open import FALSE_TITLE, make_story


@pytest.fixture
def case(inspector):
    opened, _ = services.open_from_url(inspector, "https://tinmoi24h.net/ca-chet.html", "Tin cá chết hàng loạt ở Đồ Sơn",
                                       "Cá chết do nhà máy xả thải")
    return opened


def at_deciding(case, user, units):
    services.move(case, user, Step.CLASSIFYING, unit=units["TTS"])
    case.refresh_from_db()
    services.classify(case, user, Classification.FALSE, "")
    for step in (Step.VERIFYING, Step.PROPOSING, Step.DECIDING):
        case.refresh_from_db()
        services.move(case, user, step, unit=units["TTS"])
    case.refresh_from_db()
    return case


def test_the_list_is_for_people_who_work_on_cases(case, signed_in, inspector, leader, press_specialist, outsider):
    url = reverse("cases_list")
    for person in (inspector, leader):
        body = signed_in(person).get(url).content.decode()
        assert case.number in body and "Tin cá chết hàng loạt ở Đồ Sơn" in body
    # the press division sees the list, not the inspectorate's case
    response = signed_in(press_specialist).get(url)
    assert response.status_code == 200 and case.number not in response.content.decode()
    response = signed_in(outsider).get(url)
    assert response.status_code == 403 and "Thanh tra Sở" in response.content.decode()


def test_the_list_marks_an_overdue_step_and_filters(case, inspector, signed_in):
    Case.objects.filter(pk=case.pk).update(step_due=timezone.now() - datetime.timedelta(hours=3))
    other, _ = services.open_from_url(inspector, "https://example.vn/khac", "Tin về giá vé xe buýt")
    client = signed_in(inspector)
    body = client.get(reverse("cases_list")).content.decode()
    assert f'data-case="{case.pk}"' in body and "data-overdue" in body
    body = client.get(reverse("cases_list"), {"qua_han": "on"}).content.decode()
    assert case.number in body and other.number not in body
    body = client.get(reverse("cases_list"), {"q": "ca chet do son"}).content.decode()  # without marks
    assert case.number in body and other.number not in body
    body = client.get(reverse("cases_list"), {"phan_loai": "false"}).content.decode()
    assert case.number not in body


def test_opening_a_case_from_the_form(signed_in, inspector):
    client = signed_in(inspector)
    assert client.get(reverse("cases_open")).status_code == 200
    response = client.post(reverse("cases_open"), {"url": "https://tinmoi24h.net/moi.html", "title": "Tin mới",
                                                   "claim": "Luận điệu cần xác minh"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    response = client.post(reverse("cases_open"), {"url": "https://tinmoi24h.net/moi.html?utm_source=fb",
                                                   "title": "Lần hai"}, follow=True)
    assert Case.objects.count() == 1
    assert f"Đã gắn vào vụ việc {case.number} đang mở" in response.content.decode()


def test_the_open_form_explains_a_malformed_address(signed_in, inspector):
    response = signed_in(inspector).post(reverse("cases_open"), {"url": "tinmoi24h.net/bai", "title": "Tin"})
    body = response.content.decode()
    assert response.status_code == 200 and "không hợp lệ" in body and "http://" in body
    assert not Case.objects.exists()


def test_the_case_page_for_its_people(case, signed_in, inspector, leader, chief_inspector, press_specialist, outsider):
    url = case.get_absolute_url()
    for person in (inspector, chief_inspector, leader):
        body = signed_in(person).get(url).content.decode()
        assert case.number in body and "https://tinmoi24h.net/ca-chet.html" in body
        assert "Tiếp nhận" in body and 'data-form="move"' in body
    assert signed_in(press_specialist).get(url).status_code == 403
    assert signed_in(outsider).get(url).status_code == 403


def test_moving_and_classifying_through_the_page(case, signed_in, inspector, chief_inspector, units):
    client = signed_in(inspector)
    due = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(case.get_absolute_url(), {
        "action": "move", "move-from_step": Step.RECEIVED, "move-step": Step.CLASSIFYING,
        "move-unit": units["TTS"].pk, "move-person": chief_inspector.pk, "move-due": due, "move-note": "Phân loại gấp"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == Step.CLASSIFYING and case.assignee == chief_inspector
    # the same form sent again (a double click, or an old tab): nothing moves, a message says why
    response = client.post(case.get_absolute_url(), {
        "action": "move", "move-from_step": Step.RECEIVED, "move-step": Step.CLASSIFYING,
        "move-unit": units["TTS"].pk, "move-due": due})
    assert response.status_code == 200 and "vừa được chuyển sang bước" in response.content.decode()
    assert case.steps.count() == 2
    client.post(case.get_absolute_url(), {"action": "classify", "classify-classification": "hostile",
                                          "classify-note": "Luận điệu thù địch"})
    case.refresh_from_db()
    assert case.classification == Classification.HOSTILE
    body = client.get(case.get_absolute_url()).content.decode()
    assert "Phân loại gấp" in body and "Luận điệu thù địch" in body and "Quan điểm thù địch" in body


def test_a_past_due_date_on_the_page_is_refused(case, signed_in, inspector, units):
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(inspector).post(case.get_absolute_url(), {
        "action": "move", "move-from_step": Step.RECEIVED, "move-step": Step.CLASSIFYING,
        "move-unit": units["TTS"].pk, "move-due": past})
    assert response.status_code == 200 and "đã qua" in response.content.decode()
    case.refresh_from_db()
    assert case.step == Step.RECEIVED


def test_the_decision_form_is_for_those_who_decide(case, signed_in, inspector, chief_inspector, units):
    seed.load_legal_bases()
    case = at_deciding(case, inspector, units)
    body = signed_in(inspector).get(case.get_absolute_url()).content.decode()
    assert 'data-form="decide"' not in body
    response = signed_in(inspector).post(case.get_absolute_url(), {
        "action": "decide", "decide-action": Action.TAKEDOWN, "decide-legal_bases": [1], "decide-reasoning": "x"})
    assert response.status_code == 403 and not Decision.objects.exists()
    client = signed_in(chief_inspector)
    body = client.get(case.get_absolute_url()).content.decode()
    assert 'data-form="decide"' in body and "Nghị định 147/2024/NĐ-CP" in body and 'type="checkbox"' in body
    from doingoai.cases.models import LegalBasis

    basis = LegalBasis.objects.get(code="nd-147-2024")
    response = client.post(case.get_absolute_url(), {
        "action": "decide", "decide-action": Action.TAKEDOWN, "decide-legal_bases": [basis.pk],
        "decide-reasoning": "Yêu cầu gỡ bỏ bài viết sai sự thật."}, follow=True)
    body = response.content.decode()
    assert "data-decision" in body and "Yêu cầu gỡ bỏ bài viết sai sự thật." in body and "data-signature" in body
    assert Decision.objects.get().decided_by == chief_inspector
    assert 'data-form="decide"' not in body  # decided: no second form


def test_a_decision_without_a_basis_keeps_the_form_with_a_message(case, signed_in, inspector, leader, units):
    seed.load_legal_bases()
    case = at_deciding(case, inspector, units)
    response = signed_in(leader).post(case.get_absolute_url(), {
        "action": "decide", "decide-action": Action.TAKEDOWN, "decide-reasoning": "Lý do đã viết"})
    body = response.content.decode()
    assert response.status_code == 200 and "ít nhất một căn cứ pháp lý" in body and "Lý do đã viết" in body


def test_an_attachment_is_downloaded_only_by_those_who_see_the_case(case, signed_in, inspector, press_specialist):
    client = signed_in(inspector)
    client.post(case.get_absolute_url(), {"action": "note", "note-text": "Ảnh chụp màn hình bài đăng",
                                          "note-attachment": SimpleUploadedFile("anh-chup.txt", "Nội dung bài".encode())})
    note = case.notes.get()
    response = client.get(reverse("cases_note_file", args=[note.pk]))
    assert response.status_code == 200 and b"".join(response).decode() == "Nội dung bài"
    assert "attachment" in response["Content-Disposition"]
    assert signed_in(press_specialist).get(reverse("cases_note_file", args=[note.pk])).status_code == 403


def test_a_secret_attachment_sent_from_the_page_is_refused_with_its_message(case, signed_in, inspector):
    response = signed_in(inspector).post(case.get_absolute_url(), {
        "action": "note", "note-text": "Tài liệu", "note-attachment": SimpleUploadedFile("mat.txt", "MẬT\nTài liệu".encode())})
    assert response.status_code == 200 and "dấu độ mật “MẬT”" in response.content.decode()
    assert not case.notes.exists()


def test_monitored_article_and_story_pages_offer_to_open_a_case(signed_in, press_specialist, db):
    article, other = make_story()
    client = signed_in(press_specialist)
    body = client.get(reverse("monitoring_article", args=[article.pk])).content.decode()
    button = reverse("cases_open_from_article", args=[article.pk])
    assert "Mở vụ việc" in body and f'action="{button}"' in body
    response = client.post(button)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.title == FALSE_TITLE and case.owner_unit.code == "TTBCXB"
    story_page = client.get(reverse("monitoring_story", args=[article.story_id])).content.decode()
    assert reverse("cases_open_from_story", args=[article.story_id]) in story_page
    response = client.post(reverse("cases_open_from_story", args=[article.story_id]), follow=True)
    assert f"Đã gắn vào vụ việc {case.number} đang mở" in response.content.decode()
    assert Case.objects.count() == 1 and case.urls.count() == 2


def test_opening_from_an_article_is_a_post_for_case_workers(signed_in, outsider, press_specialist, db):
    article, _ = make_story()
    button = reverse("cases_open_from_article", args=[article.pk])
    assert signed_in(press_specialist).get(button).status_code == 405
    assert signed_in(outsider).post(button).status_code == 403
    assert not Case.objects.exists()


def test_the_legal_bases_screen(signed_in, inspector, press_specialist):
    seed.load_legal_bases()
    body = signed_in(inspector).get(reverse("cases_legal_bases:index")).content.decode()
    assert "Luật Báo chí 2016" in body and "Điều 288" in body
    assert signed_in(inspector).get(reverse("cases_legal_bases:add")).status_code == 200
    # the press division reads the list but does not edit it
    assert signed_in(press_specialist).get(reverse("cases_legal_bases:index")).status_code == 200
    assert signed_in(press_specialist).get(reverse("cases_legal_bases:add")).status_code in (302, 403)


def test_the_dashboard_shows_my_cases_and_the_counters(case, inspector, outsider):
    Case.objects.filter(pk=case.pk).update(step_due=timezone.now() - datetime.timedelta(hours=1))
    work = [w for w in dashboard.open_work(inspector) if w.url == case.get_absolute_url()]
    assert len(work) == 1 and work[0].overdue and work[0].status == "Tiếp nhận"
    counters = {c.label: c.value for c in dashboard.counters(inspector)}
    assert counters["Vụ việc đang mở"] == 1 and counters["Vụ việc quá hạn bước"] == 1
    assert not [c for c in dashboard.counters(outsider) if c.label.startswith("Vụ việc")]
