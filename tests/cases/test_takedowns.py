"""Takedown requests: a person drafts a request (http(s) addresses only), cites the legal basis
and records it as sent, which starts the 24-hour clock of Decree 147/2024; the platform
acknowledges and complies (the clock is met or late), or the periodic job marks it overdue.
Every transition is a compare-and-set (a double click is told the work is done) and goes to
the audit log. The case page shows the requests, their clocks and the forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from doingoai.cases import clocks, panels, takedowns
from doingoai.cases.models import Case, Clock, LegalBasis, Origin, TakedownRequest
from doingoai.core.jobs import _defaults as schedules
from doingoai.core.models import AuditEntry, Notification

Status = TakedownRequest.Status
URL = "https://www.facebook.com/trang-gia-mao/posts/123456"


@pytest.fixture
def case(units):
    clocks.load_rules()
    return Case.objects.create(number="VV-0042/2025", title="Tin giả về sự cố tràn dầu ở vịnh Lan Hạ",
                               origin=Origin.MONITORING, owner_unit=units["TTS"])


@pytest.fixture
def basis(db):
    return LegalBasis.objects.create(code="nd-147-2024", title="Nghị định 147/2024/NĐ-CP",
                                     summary="Gỡ bỏ thông tin vi phạm trong 24 giờ kể từ khi có yêu cầu.",
                                     actions=["takedown"])


@pytest.fixture
def draft(case, basis, inspector):
    return takedowns.create(case, inspector, "Công ty Meta Platforms", URL, legal_basis=basis,
                            note="Bài đăng giả mạo thông báo của Sở.")


def days_ago(n: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def the_clock(req) -> Clock:
    return Clock.objects.get(object_id=req.pk, rule__code="takedown-24h")


# --- drafting ------------------------------------------------------------------------------------

def test_a_draft_is_made_once_even_on_a_double_click(case, basis, inspector, draft):
    assert draft.status == Status.DRAFT and draft.created_by == inspector
    again = takedowns.create(case, inspector, "Công ty Meta Platforms", URL, legal_basis=basis)
    assert again.pk == draft.pk and TakedownRequest.objects.count() == 1
    assert AuditEntry.objects.filter(action="cases.takedown.create").count() == 1
    assert not Clock.objects.exists()  # the clock starts when the request is sent


@pytest.mark.parametrize("url", ["ftp://example.com/tep", "javascript:alert(1)", "www.example.com/bai", ""])
def test_only_web_addresses_can_be_taken_down(case, inspector, url):
    with pytest.raises(ValidationError, match="http:// hoặc https://"):
        takedowns.create(case, inspector, "Nền tảng YouTube", url)
    assert not TakedownRequest.objects.exists()


def test_a_request_needs_a_recipient_and_a_person_of_the_cases(case, inspector, outsider):
    with pytest.raises(ValidationError, match="cơ quan, nền tảng nhận"):
        takedowns.create(case, inspector, "  ", URL)
    with pytest.raises(ValidationError, match="không có quyền"):
        takedowns.create(case, outsider, "Nền tảng TikTok", URL)


# --- sending -------------------------------------------------------------------------------------

def test_sending_starts_the_24_hour_clock_and_is_recorded_with_the_legal_basis(draft, inspector):
    before = timezone.now()
    req = takedowns.send(draft, inspector)
    assert req.status == Status.SENT and req.sent_by == inspector and req.sent_at >= before
    clock = the_clock(req)
    assert clock.state == Clock.State.RUNNING and clock.due_at == req.sent_at + dt.timedelta(hours=24)
    entry = AuditEntry.objects.get(action="cases.takedown.send")
    assert entry.changes["legal_basis"] == "Nghị định 147/2024/NĐ-CP" and entry.changes["url"] == URL
    assert entry.actor == inspector


def test_sending_twice_says_when_and_by_whom_and_starts_one_clock(draft, inspector, chief_inspector):
    takedowns.send(draft, inspector)
    with pytest.raises(ValidationError, match="đã được gửi lúc .* Nguyễn Văn Thử"):
        takedowns.send(TakedownRequest.objects.get(pk=draft.pk), chief_inspector)
    draft.refresh_from_db()
    assert draft.sent_by == inspector
    assert Clock.objects.count() == 1


def test_no_request_leaves_without_a_legal_basis(case, inspector):
    req = takedowns.create(case, inspector, "Nền tảng YouTube", URL)
    with pytest.raises(ValidationError, match="căn cứ pháp lý"):
        takedowns.send(req, inspector)
    req.refresh_from_db()
    assert req.status == Status.DRAFT and not Clock.objects.exists()


def test_a_request_sent_earlier_is_recorded_with_its_time_but_not_a_future_one(draft, inspector):
    with pytest.raises(ValidationError, match="tương lai"):
        takedowns.send(draft, inspector, at=timezone.now() + dt.timedelta(hours=2))
    sent = days_ago(0.25)
    req = takedowns.send(draft, inspector, at=sent)
    assert req.sent_at == sent and the_clock(req).due_at == sent + dt.timedelta(hours=24)


def test_only_people_of_the_cases_send(draft, outsider):
    with pytest.raises(ValidationError, match="không có quyền"):
        takedowns.send(draft, outsider)


# --- acknowledgement, compliance, overdue ----------------------------------------------------------

def test_complied_within_24_hours_meets_the_clock(draft, inspector):
    req = takedowns.send(draft, inspector, at=days_ago(2))
    takedowns.acknowledge(req, inspector, at=req.sent_at + dt.timedelta(hours=1))
    assert req.status == Status.ACKNOWLEDGED
    takedowns.complied(req, inspector, at=req.sent_at + dt.timedelta(hours=20))
    assert req.status == Status.COMPLIED
    assert the_clock(req).state == Clock.State.MET
    with pytest.raises(ValidationError, match="«Đã gỡ bỏ»"):
        takedowns.complied(req, inspector)
    assert AuditEntry.objects.filter(action="cases.takedown.complied").count() == 1


def test_moments_before_sending_or_in_the_future_are_refused(draft, inspector):
    req = takedowns.send(draft, inspector)
    with pytest.raises(ValidationError, match="trước thời điểm gửi"):
        takedowns.acknowledge(req, inspector, at=req.sent_at - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="tương lai"):
        takedowns.complied(req, inspector, at=timezone.now() + dt.timedelta(days=1))
    req.refresh_from_db()
    assert req.status == Status.SENT


def test_a_draft_cannot_be_acknowledged_or_complied(draft, inspector):
    with pytest.raises(ValidationError, match="«Dự thảo»"):
        takedowns.acknowledge(draft, inspector)
    with pytest.raises(ValidationError, match="«Dự thảo»"):
        takedowns.complied(draft, inspector)


def test_past_24_hours_the_periodic_job_marks_it_overdue_once(draft, inspector):
    req = takedowns.send(draft, inspector, at=days_ago(2))
    assert takedowns.mark_overdue(req.sent_at + dt.timedelta(hours=23)) == 0
    assert takedowns.mark_overdue(req.sent_at + dt.timedelta(hours=25)) == 1
    assert takedowns.mark_overdue(req.sent_at + dt.timedelta(hours=26)) == 0
    req.refresh_from_db()
    assert req.status == Status.OVERDUE
    # Acknowledged late: the request stays overdue, the moment is kept.
    takedowns.acknowledge(req, inspector, at=req.sent_at + dt.timedelta(hours=27))
    assert req.status == Status.OVERDUE and req.acknowledged_at is not None
    # Removed at last: complied, and the clock says it was late.
    takedowns.complied(req, inspector, at=req.sent_at + dt.timedelta(hours=30))
    assert req.status == Status.COMPLIED and the_clock(req).state == Clock.State.LATE
    [shown] = clocks.for_object(req)
    assert shown.label == "Hoàn thành quá hạn 6 giờ"


def test_the_alert_goes_to_the_cases_assignee(draft, inspector, chief_inspector):
    req = takedowns.send(draft, inspector)
    Case.objects.filter(pk=req.case_id).update(assignee=inspector)
    assert clocks.remind_and_alert(now=req.sent_at + dt.timedelta(hours=25)) == (0, 1)
    alert = Notification.objects.get()
    assert alert.user == inspector and alert.url == reverse("cases_case", args=[req.case_id])
    assert alert.title.startswith("Quá hạn: Gỡ bỏ thông tin vi phạm theo yêu cầu – Công ty Meta Platforms")


def test_without_an_assignee_the_inspectorate_hears(draft, inspector, chief_inspector, press_specialist):
    req = takedowns.send(draft, inspector)
    assert clocks.remind_and_alert(now=req.sent_at + dt.timedelta(hours=19)) == (1, 0)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"thanhtra", "chanhthanhtra"}


def test_the_periodic_job_is_scheduled_every_15_minutes():
    [schedule] = [s for s in schedules if s["name"] == "cases.clocks"]
    assert schedule["cron"] == "*/15 * * * *"
    assert schedule["task_path"] == "doingoai.cases.tasks.check_clocks"


# --- the case page ---------------------------------------------------------------------------------

def test_the_case_page_shows_the_panel(draft, inspector, signed_in, case):
    takedowns.send(draft, inspector)
    page = signed_in(inspector).get(reverse("cases_case", args=[case.pk])).content.decode()
    assert "Yêu cầu gỡ bỏ và thời hạn" in page
    assert URL in page and "Công ty Meta Platforms" in page and "Đã gửi" in page
    assert "Còn 23 giờ" in page and "147/2024/NĐ-CP" in page
    assert reverse("cases_takedown_complied", args=[case.pk, draft.pk]) in page
    assert reverse("cases_takedown_create", args=[case.pk]) in page


def test_the_panel_is_ordered_and_hidden_from_outsiders(case, inspector, outsider):
    request = RequestFactory().get("/")
    request.user = inspector
    mine = [p for p in panels.for_case(request, case) if p.template == "cases/clocks/_case_panel.html"]
    assert [p.order for p in mine] == [40]
    request.user = outsider
    assert not [p for p in panels.for_case(request, case) if p.template == "cases/clocks/_case_panel.html"]


def test_the_screens_take_a_request_from_draft_to_complied(case, basis, inspector, signed_in):
    client = signed_in(inspector)
    create = reverse("cases_takedown_create", args=[case.pk])
    response = client.post(create, {"go-bo-target": "Nền tảng TikTok", "go-bo-url": URL,
                                    "go-bo-legal_basis": basis.pk, "go-bo-note": "Video cắt ghép."})
    assert response.status_code == 302 and response["Location"].startswith(reverse("cases_case", args=[case.pk]))
    req = TakedownRequest.objects.get()
    send = reverse("cases_takedown_send", args=[case.pk, req.pk])
    assert client.post(send).status_code == 302
    page = client.post(send, follow=True).content.decode()  # the double click
    assert "đã được gửi lúc" in page
    assert Clock.objects.count() == 1
    client.post(reverse("cases_takedown_acknowledge", args=[case.pk, req.pk]), {"at": ""})
    complied = reverse("cases_takedown_complied", args=[case.pk, req.pk])
    page = client.post(complied, {"at": "không phải ngày"}, follow=True).content.decode()
    assert "Thời điểm không hợp lệ" in page
    client.post(complied, {"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    req.refresh_from_db()
    assert req.status == Status.COMPLIED and the_clock(req).state == Clock.State.MET


def test_a_wrong_address_shows_the_form_again_with_what_was_typed(case, basis, inspector, signed_in):
    response = signed_in(inspector).post(reverse("cases_takedown_create", args=[case.pk]), {
        "go-bo-target": "Nền tảng YouTube", "go-bo-url": "youtube.com/watch?v=abc",
        "go-bo-legal_basis": basis.pk, "go-bo-note": "Ghi chú không được mất."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "http:// hoặc https://" in page and "Ghi chú không được mất." in page and "Nền tảng YouTube" in page
    assert not TakedownRequest.objects.exists()


def test_outsiders_are_turned_away(case, draft, outsider, signed_in):
    client = signed_in(outsider)
    assert client.post(reverse("cases_takedown_send", args=[case.pk, draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
