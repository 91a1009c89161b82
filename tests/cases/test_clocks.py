"""Statutory clocks: deadlines computed from editable rules that cite the law, public holidays
as data, one running clock per object and rule, finishing met or late, extensions only where
the law allows them, reminders before a deadline and alerts after it (each once), the list
view's nearest clock in one query, the "Thời hạn" board and the admin of rules and holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from doingoai.cases import clocks
from doingoai.cases.models import Case, Clock, ClockRule, Complaint, ComplaintKind, Holiday, Origin
from doingoai.core.models import AuditEntry, Notification

VN = clocks.LOCAL


def at(year, month, day, hour=0, minute=0, second=0):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN)


@pytest.fixture
def rules(db):
    clocks.load_rules()
    clocks.load_holidays()
    return {r.code: r for r in ClockRule.objects.all()}


_n = iter(range(1, 10**6))


@pytest.fixture
def make_case(units):
    def make(title="Tin sai sự thật về cảng Lạch Huyện", **extra):
        n = next(_n)
        return Case.objects.create(number=f"VV-{n:04d}/2025", title=title, origin=Origin.STAFF,
                                   owner_unit=units["TTS"], **extra)

    return make


@pytest.fixture
def make_denunciation(db):
    def make(complexity=Complaint.Complexity.NORMAL):
        n = next(_n)
        return Complaint.objects.create(
            number=f"TC-{n:04d}/2025", kind=ComplaintKind.DENUNCIATION, complainant_name="Trần Thị Bình",
            subject="Tố cáo việc đăng tin xuyên tạc", content="Nội dung đơn tố cáo.", complexity=complexity)

    return make


# --- deadlines ---------------------------------------------------------------------------------

def test_hours_are_exact(rules):
    sent = at(2025, 3, 10, 10, 15)
    assert clocks.due_at(rules["takedown-24h"], sent) == at(2025, 3, 11, 10, 15)


def test_calendar_days_run_over_weekends_and_end_at_the_end_of_the_last_day(rules):
    # Received on Monday 03/03/2025: the 10 days are counted from the next day, weekends included.
    due = clocks.due_at(rules["complaint-accept"], at(2025, 3, 3, 9, 0))
    assert due == at(2025, 3, 13, 23, 59, 59)


def test_days_count_in_vietnam_time_not_utc(rules):
    # 00:30 on 11/03 in Hà Nội is still 10/03 in UTC; the law's day is Vietnam's.
    received = at(2025, 3, 11, 0, 30)
    assert received.astimezone(dt.UTC).day == 10
    assert clocks.due_at(rules["complaint-accept"], received) == at(2025, 3, 21, 23, 59, 59)


def test_vietnam_time_has_no_daylight_saving(rules):
    winter = clocks.due_at(rules["takedown-24h"], at(2025, 1, 10, 8))
    summer = clocks.due_at(rules["takedown-24h"], at(2025, 7, 10, 8))
    assert winter.utcoffset() == summer.utcoffset() == dt.timedelta(hours=7)
    assert clocks.local(winter).hour == clocks.local(summer).hour == 8


def test_working_days_skip_the_weekend_and_a_public_holiday(rules):
    # Thursday 03/04/2025; Monday 07/04 is Giỗ Tổ Hùng Vương. Working days: Fri 4, Tue 8, Wed 9,
    # Thu 10, Fri 11, Mon 14, Tue 15.
    received = at(2025, 4, 3, 14, 0)
    assert clocks.due_at(rules["denunciation-accept"], received) == at(2025, 4, 15, 23, 59, 59)
    # Holidays are data: without that row the deadline is one day earlier.
    Holiday.objects.filter(day=dt.date(2025, 4, 7)).delete()
    assert clocks.due_at(rules["denunciation-accept"], received) == at(2025, 4, 14, 23, 59, 59)


def test_working_days_skip_the_lunar_new_year(rules):
    # Friday 24/01/2025; Tết: 27/01–31/01 off (weekend 25–26/01 and 01–02/02).
    due = clocks.due_at(rules["denunciation-accept"], at(2025, 1, 24, 9))
    assert due == at(2025, 2, 11, 23, 59, 59)


def test_an_extension_adds_the_rules_extension_amount(rules):
    rule = rules["denunciation-resolve"]
    accepted = at(2025, 5, 5, 9)
    assert clocks.due_at(rule, accepted) == at(2025, 6, 4, 23, 59, 59)
    assert clocks.due_at(rule, accepted, extensions=1) == at(2025, 7, 4, 23, 59, 59)
    assert clocks.due_at(rule, accepted, extensions=2) == at(2025, 8, 3, 23, 59, 59)


def test_the_rules_cite_their_legal_source(rules):
    assert "147/2024/NĐ-CP" in rules["takedown-24h"].legal_source
    assert rules["takedown-24h"].remind_before_hours == 6
    assert "Điều 27" in rules["complaint-accept"].legal_source
    assert [rules[c].amount for c in ("complaint-resolve", "complaint-resolve-complex",
                                      "complaint-resolve-remote", "complaint-resolve-remote-complex")] == [30, 45, 45, 60]
    assert rules["denunciation-accept"].unit == ClockRule.Unit.WORKING_DAYS
    assert "Điều 30" in rules["denunciation-resolve"].legal_source


def test_loading_rules_and_holidays_twice_changes_nothing(rules):
    counts = (ClockRule.objects.count(), Holiday.objects.count())
    assert clocks.load_rules()[0] == 0
    assert clocks.load_holidays()[0] == 0
    assert (ClockRule.objects.count(), Holiday.objects.count()) == counts
    assert Holiday.objects.filter(day=dt.date(2026, 2, 17)).exists()  # mùng 1 Tết Bính Ngọ


# --- starting and ending -------------------------------------------------------------------------

def test_starting_twice_returns_the_running_clock(rules, make_case):
    case = make_case()
    first = clocks.start(case, "takedown-24h", at(2025, 3, 10, 10))
    again = clocks.start(case, "takedown-24h", at(2025, 3, 10, 11))
    assert again.pk == first.pk and again.due_at == at(2025, 3, 11, 10)
    assert Clock.objects.count() == 1
    # Once finished, a new request of the same kind runs a new clock.
    clocks.finish(case, "takedown-24h", at(2025, 3, 10, 12))
    assert clocks.start(case, "takedown-24h", at(2025, 3, 12, 9)).pk != first.pk


def test_an_unknown_rule_is_refused_clearly(rules, make_case):
    with pytest.raises(ValidationError, match="Chưa có quy định thời hạn"):
        clocks.start(make_case(), "khong-co")


def test_a_rule_shipped_in_the_data_file_is_created_on_first_use(db, make_case):
    assert not ClockRule.objects.exists()
    clock = clocks.start(make_case(), "complaint-accept", at(2025, 3, 3, 9))
    assert clock.rule.code == "complaint-accept" and clock.rule.amount == 10


def test_an_inactive_rule_starts_no_clock(rules, make_case):
    ClockRule.objects.filter(code="takedown-24h").update(active=False)
    with pytest.raises(ValidationError, match="tạm ngừng áp dụng"):
        clocks.start(make_case(), "takedown-24h")


def test_finishing_by_the_deadline_is_met_and_after_it_is_late(rules, make_case):
    on_time, too_late = make_case(), make_case()
    for case in (on_time, too_late):
        clocks.start(case, "takedown-24h", at(2025, 3, 10, 10))
    [met] = clocks.finish(on_time, at=at(2025, 3, 11, 9, 59))
    [late] = clocks.finish(too_late, at=at(2025, 3, 11, 13, 0))
    assert met.state == Clock.State.MET
    assert late.state == Clock.State.LATE
    assert clocks.for_object(on_time, now=at(2025, 3, 12))[0].label == "Đúng hạn"
    [shown] = clocks.for_object(too_late, now=at(2025, 3, 12))
    assert (shown.level, shown.label) == ("done", "Hoàn thành quá hạn 3 giờ")
    # Nothing runs any more: finishing again changes nothing.
    assert clocks.finish(on_time, at=at(2025, 3, 12)) == []


def test_stopping_a_clock(rules, make_case):
    case = make_case()
    clocks.start(case, "complaint-accept", at(2025, 3, 3, 9))
    clocks.start(case, "takedown-24h", at(2025, 3, 3, 9))
    assert [c.state for c in clocks.stop(case, "complaint-accept")] == [Clock.State.STOPPED]
    assert Clock.objects.filter(state=Clock.State.RUNNING).count() == 1
    assert len(clocks.stop(case)) == 1
    assert clocks.for_object(case)[0].label == "Đã dừng"


# --- labels --------------------------------------------------------------------------------------

def test_labels_and_levels(rules, make_case):
    case = make_case()
    clocks.start(case, "takedown-24h", at(2025, 3, 10, 10))
    assert [(v.level, v.label) for v in clocks.for_object(case, now=at(2025, 3, 10, 11))] == [("ok", "Còn 23 giờ")]
    assert [(v.level, v.label) for v in clocks.for_object(case, now=at(2025, 3, 11, 5))] == [("soon", "Còn 5 giờ")]
    assert [(v.level, v.label) for v in clocks.for_object(case, now=at(2025, 3, 13, 11))] == [("overdue", "Quá hạn 2 ngày")]
    other = make_case()
    clocks.start(other, "complaint-resolve", at(2025, 3, 3, 9))
    [shown] = clocks.for_object(other, now=at(2025, 3, 20, 9))  # due at the end of 02/04
    assert (shown.level, shown.label) == ("ok", "Còn 13 ngày")
    assert shown.legal_source.startswith("Luật Khiếu nại 2011, Điều 28")


# --- extensions ----------------------------------------------------------------------------------

def test_a_complex_denunciation_is_extended_once(rules, make_denunciation, chief_inspector):
    complaint = make_denunciation(Complaint.Complexity.COMPLEX)
    clock = clocks.start(complaint, "denunciation-resolve", at(2025, 5, 5, 9))
    clock = clocks.extend(clock, chief_inspector, "Vụ việc phức tạp, cần xác minh thêm tại hai đơn vị.")
    assert clock.extensions == 1 and clock.due_at == at(2025, 7, 4, 23, 59, 59)
    entry = AuditEntry.objects.get(action="cases.clock.extend")
    assert entry.changes["reason"].startswith("Vụ việc phức tạp") and "Điều 30" in entry.changes["legal_source"]
    with pytest.raises(ValidationError, match="đã gia hạn 1 lần, là số lần tối đa"):
        clocks.extend(clock, chief_inspector, "Xin gia hạn lần nữa.")
    clock.refresh_from_db()
    assert clock.extensions == 1


def test_an_especially_complex_denunciation_is_extended_twice(rules, make_denunciation, chief_inspector):
    complaint = make_denunciation(Complaint.Complexity.VERY_COMPLEX)
    clock = clocks.start(complaint, "denunciation-resolve", at(2025, 5, 5, 9))
    clock = clocks.extend(clock, chief_inspector, "Đặc biệt phức tạp: lần 1.")
    clock = clocks.extend(clock, chief_inspector, "Đặc biệt phức tạp: lần 2.")
    assert clock.due_at == at(2025, 8, 3, 23, 59, 59)
    with pytest.raises(ValidationError, match="đã gia hạn 2 lần"):
        clocks.extend(clock, chief_inspector, "Lần 3.")


def test_no_extension_where_the_law_gives_none(rules, make_denunciation, make_case, chief_inspector):
    plain = clocks.start(make_denunciation(), "denunciation-resolve", at(2025, 5, 5, 9))
    with pytest.raises(ValidationError, match="không được gia hạn"):
        clocks.extend(plain, chief_inspector, "Xin gia hạn.")
    takedown = clocks.start(make_case(), "takedown-24h")
    with pytest.raises(ValidationError, match="không được gia hạn.*147/2024"):
        clocks.extend(takedown, chief_inspector, "Nền tảng xin thêm thời gian.")


def test_an_extension_needs_a_reason_a_running_clock_and_a_person_of_the_cases(
        rules, make_denunciation, chief_inspector, outsider):
    complaint = make_denunciation(Complaint.Complexity.COMPLEX)
    clock = clocks.start(complaint, "denunciation-resolve", at(2025, 5, 5, 9))
    with pytest.raises(ValidationError, match="lý do"):
        clocks.extend(clock, chief_inspector, "   ")
    with pytest.raises(ValidationError, match="không có quyền"):
        clocks.extend(clock, outsider, "Gia hạn.")
    clocks.finish(complaint, at=at(2025, 5, 20))
    with pytest.raises(ValidationError, match="Chỉ gia hạn được thời hạn đang tính"):
        clocks.extend(clock, chief_inspector, "Gia hạn.")


# --- reminders and alerts ------------------------------------------------------------------------

def test_a_reminder_before_the_deadline_and_an_alert_after_it_each_once(rules, make_case, inspector,
                                                                       chief_inspector):
    # A Holiday row stands for any object without ``clock_recipients``: the inspectorate hears.
    subject = Holiday.objects.get(day=dt.date(2025, 4, 7))
    clock = clocks.start(subject, "takedown-24h", at(2025, 3, 10, 10))
    assert clocks.remind_and_alert(now=at(2025, 3, 11, 3)) == (0, 0)  # 7 hours left
    assert clocks.remind_and_alert(now=at(2025, 3, 11, 5)) == (1, 0)  # 5 hours left
    assert clocks.remind_and_alert(now=at(2025, 3, 11, 6)) == (0, 0)
    reminders = Notification.objects.filter(title__startswith="Sắp đến hạn")
    assert {n.user for n in reminders} == {inspector, chief_inspector}
    assert "11/03/2025 10:00" in reminders[0].body and "147/2024" in reminders[0].body
    assert len(mail.outbox) == 1 and set(mail.outbox[0].to) == {inspector.email, chief_inspector.email}

    assert clocks.remind_and_alert(now=at(2025, 3, 11, 11)) == (0, 1)
    assert clocks.remind_and_alert(now=at(2025, 3, 12, 11)) == (0, 0)
    alerts = Notification.objects.filter(title__startswith="Quá hạn")
    assert alerts.count() == 2 and "Quá hạn 1 giờ" in alerts[0].body
    clock.refresh_from_db()
    assert clock.reminded_at == at(2025, 3, 11, 5) and clock.overdue_alerted_at == at(2025, 3, 11, 11)


def test_a_clock_found_overdue_gets_only_the_alert(rules, make_case, inspector):
    case = make_case()
    clocks.start(case, "complaint-accept", at(2025, 3, 3, 9))
    assert clocks.remind_and_alert(now=at(2025, 3, 20)) == (0, 1)
    assert clocks.remind_and_alert(now=at(2025, 3, 21)) == (0, 0)
    assert not Notification.objects.filter(title__startswith="Sắp đến hạn").exists()


def test_after_an_extension_reminders_come_again(rules, make_denunciation, chief_inspector, inspector):
    complaint = make_denunciation(Complaint.Complexity.COMPLEX)
    clock = clocks.start(complaint, "denunciation-resolve", at(2025, 5, 5, 9))
    assert clocks.remind_and_alert(now=at(2025, 6, 5, 9))[1] == 1
    clocks.extend(clock, chief_inspector, "Vụ việc phức tạp.")
    assert clocks.remind_and_alert(now=at(2025, 6, 6, 9)) == (0, 0)
    assert clocks.remind_and_alert(now=at(2025, 7, 3, 9)) == (1, 0)
    assert clocks.remind_and_alert(now=at(2025, 7, 5, 9)) == (0, 1)


def test_finished_and_stopped_clocks_stay_quiet(rules, make_case, inspector):
    done, stopped = make_case(), make_case()
    for case in (done, stopped):
        clocks.start(case, "takedown-24h", at(2025, 3, 10, 10))
    clocks.finish(done, at=at(2025, 3, 10, 12))
    clocks.stop(stopped)
    assert clocks.remind_and_alert(now=at(2025, 3, 12)) == (0, 0)
    assert not Notification.objects.exists()


# --- lists ---------------------------------------------------------------------------------------

def test_nearest_picks_the_most_urgent_running_clock_in_few_queries(rules, make_case,
                                                                   django_assert_max_num_queries):
    cases = [make_case() for _ in range(6)]
    clocks.start(cases[0], "complaint-resolve", at(2025, 3, 1, 9))
    clocks.start(cases[0], "takedown-24h", at(2025, 3, 10, 10))  # the more urgent
    clocks.start(cases[1], "takedown-24h", at(2025, 3, 10, 10))
    clocks.finish(cases[1], at=at(2025, 3, 10, 12))
    clocks.start(cases[1], "takedown-24h", at(2025, 3, 12, 10))
    clocks.finish(cases[1], at=at(2025, 3, 14, 12))  # the last finished, late
    for case in cases[2:5]:
        clocks.start(case, "complaint-accept", at(2025, 3, 3, 9))
    with django_assert_max_num_queries(2):
        found = clocks.nearest(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"),
                               now=at(2025, 3, 11, 5))
    assert found[cases[0].pk].name == "Gỡ bỏ thông tin vi phạm theo yêu cầu"
    assert found[cases[0].pk].level == "soon"
    assert found[cases[1].pk].state == "late"
    assert cases[5].pk not in found
    assert clocks.nearest([]) == {}


def test_the_board_lists_running_clocks_most_urgent_first(rules, make_case, make_denunciation):
    later, sooner, finished = make_case(title="Vụ việc thứ nhất"), make_case(title="Vụ việc thứ hai"), make_case()
    denunciation = make_denunciation()
    clocks.start(later, "complaint-resolve", at(2025, 3, 1))
    clocks.start(sooner, "takedown-24h", at(2025, 3, 10, 10))
    clocks.start(denunciation, "denunciation-accept", at(2025, 3, 3, 9))
    clocks.start(finished, "takedown-24h", at(2025, 3, 10, 10))
    clocks.finish(finished, at=at(2025, 3, 10, 11))
    # Due: the takedown 11/03 10:00, the denunciation's 7 working days at the end of 12/03, the
    # complaint at the end of 31/03.
    rows = clocks.board(now=at(2025, 3, 12, 12))
    assert [r.subject for r in rows] == [str(sooner), str(denunciation), str(later)]
    assert [r.clock.level for r in rows] == ["overdue", "soon", "ok"]
    assert rows[1].kind == "đơn khiếu nại, tố cáo"
    overdue = clocks.board(now=at(2025, 3, 12, 12), overdue_only=True)
    assert [r.subject for r in overdue] == [str(sooner)]
    assert [r.subject for r in clocks.board(now=at(2025, 3, 12, 12), rule_code="complaint-resolve")] == [str(later)]


# --- screens -------------------------------------------------------------------------------------

def test_the_board_screen(rules, make_case, signed_in, inspector, outsider):
    case = make_case(title="Tin giả về dự án cầu Nguyễn Trãi")
    clocks.start(case, "takedown-24h", at(2025, 3, 10, 10))
    client = signed_in(inspector)
    page = client.get(reverse("cases_clocks")).content.decode()
    assert "Tin giả về dự án cầu Nguyễn Trãi" in page and "Quá hạn" in page and "147/2024" in page
    assert 'data-level="overdue"' in page
    assert "Không có thời hạn nào quá hạn." not in client.get(reverse("cases_clocks") + "?qua-han=1").content.decode()
    assert signed_in(outsider).get(reverse("cases_clocks")).status_code == 403


def test_extending_from_the_board(rules, make_denunciation, signed_in, chief_inspector):
    complaint = make_denunciation(Complaint.Complexity.COMPLEX)
    clock = clocks.start(complaint, "denunciation-resolve")
    client = signed_in(chief_inspector)
    assert f'action="{reverse("cases_clock_extend", args=[clock.pk])}"' in client.get(reverse("cases_clocks")).content.decode()
    url = reverse("cases_clock_extend", args=[clock.pk])
    response = client.post(url, {"reason": "Vụ việc phức tạp.", "next": reverse("cases_clocks")})
    assert response.status_code == 302 and response["Location"] == reverse("cases_clocks")
    clock.refresh_from_db()
    assert clock.extensions == 1
    page = client.post(url, {"reason": "Lần nữa.", "next": reverse("cases_clocks")}, follow=True).content.decode()
    assert "số lần tối đa" in page
    clock.refresh_from_db()
    assert clock.extensions == 1


def test_the_chief_inspector_manages_rules_and_holidays(rules, signed_in, chief_inspector):
    client = signed_in(chief_inspector)
    rule = rules["complaint-accept"]
    holiday = Holiday.objects.first()
    for url in (reverse("cases_clock_rules:index"), reverse("cases_clock_rules:add"),
                reverse("cases_clock_rules:edit", args=[rule.pk]), reverse("cases_holidays:index"),
                reverse("cases_holidays:add"), reverse("cases_holidays:edit", args=[holiday.pk])):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("cases_clock_rules:index")).content.decode()
    assert "Luật Khiếu nại 2011, Điều 27" in page and "ngày làm việc" in page
    response = client.post(reverse("cases_holidays:add"), {"day": "2027-01-01", "name": "Tết Dương lịch"})
    assert response.status_code == 302
    assert Holiday.objects.filter(day=dt.date(2027, 1, 1), name="Tết Dương lịch").exists()


def test_an_inspector_reads_the_rules_but_does_not_change_them(rules, signed_in, inspector):
    client = signed_in(inspector)
    assert client.get(reverse("cases_clock_rules:index")).status_code == 200
    rule = rules["takedown-24h"]
    client.post(reverse("cases_clock_rules:edit", args=[rule.pk]), {
        "code": rule.code, "name": rule.name, "amount": 48, "unit": "hours", "legal_source": rule.legal_source,
        "remind_before_hours": 6, "extension_amount": 0, "max_extensions": 0, "extension_limits": "{}",
        "active": "on"})
    rule.refresh_from_db()
    assert rule.amount == 24
    assert client.get(reverse("cases_clock_rules:edit", args=[rule.pk])).status_code != 200


def test_the_board_shows_only_cases_one_may_see(rules, make_case, units, inspector, leader):
    ours = make_case(title="Vụ việc của Thanh tra Sở")
    theirs = Case.objects.create(number="VV-BC-01/2025", title="Vụ việc của phòng Báo chí",
                                 origin=Origin.STAFF, owner_unit=units["TTBCXB"])
    for case in (ours, theirs):
        clocks.start(case, "takedown-24h")
    assert [r.subject for r in clocks.board(user=inspector)] == [str(ours)]
    assert {r.subject for r in clocks.board(user=leader)} == {str(ours), str(theirs)}
