"""The calendar (in the app and as iCalendar per unit) and the reminders before and after a
task's end date."""

import datetime

import icalendar
from django.core import mail

from doingoai.core.models import Notification
from doingoai.plans import calendar, reminders
from doingoai.plans.models import Event, Task


def test_entries_hold_events_and_deadlines(plan):
    Event.objects.create(plan=plan, date=datetime.date(2025, 5, 13), name="70 năm Ngày giải phóng Hải Phòng")
    entries = calendar.entries(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    titles = [(e.day, e.title) for e in entries]
    assert (datetime.date(2025, 5, 10), "Hạn nhiệm vụ 2: Xây dựng thư viện điện tử về biển, đảo") in titles
    assert (datetime.date(2025, 5, 13), "70 năm Ngày giải phóng Hải Phòng") in titles
    assert not any("Thông tin về chủ trương" in t for _, t in titles)  # continuous tasks have no deadline


def test_the_ical_feed_of_a_unit_holds_its_deadlines(plan, units, client):
    feed = calendar.feed_for(units["TTS"])
    response = client.get(f"/lich/{feed.token}.ics?nam=2025")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert summaries == ["Hạn nhiệm vụ 2: Xây dựng thư viện điện tử về biển, đảo", "Hạn nhiệm vụ 3: Xử lý thông tin sai sự thật"]
    assert client.get("/lich/sai-ma.ics").status_code == 404


def test_reminders_before_the_end_date_and_when_overdue_once_a_day(plan, people):
    t3 = plan.tasks.get(no=3)  # Quý II/2025 → ends 30/06/2025, lead TTS
    t3.responsible.add(people["inspector"])
    counts = reminders.send_reminders(datetime.date(2025, 6, 25))
    assert counts["sắp đến hạn"] == 1
    note = Notification.objects.get(user=people["inspector"])
    assert note.title == "Nhiệm vụ 3 đến hạn ngày 30/06/2025" and note.url == t3.get_absolute_url()
    assert any("Nhiệm vụ 3 đến hạn" in m.subject for m in mail.outbox)
    assert reminders.send_reminders(datetime.date(2025, 6, 25))["sắp đến hạn"] == 0  # once a day
    counts = reminders.send_reminders(datetime.date(2025, 7, 2))
    assert counts["quá hạn"] == 2  # tasks 2 and 3
    Task.objects.filter(pk=t3.pk).update(status=Task.Status.DONE)
    assert reminders.send_reminders(datetime.date(2025, 7, 3))["quá hạn"] == 1
