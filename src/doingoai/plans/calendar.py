"""The plan's calendar: events and anniversaries of the year and task deadlines, on screen and
as an iCalendar feed per unit."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

import icalendar
from django.db.models import Q

from doingoai.core.models import Unit

from .models import CalendarFeed, Event, Plan, Task


@dataclass(frozen=True)
class Entry:
    day: datetime.date
    title: str
    kind: str  # "event" or "deadline"
    url: str = ""
    uid: str = ""


def entries(start: datetime.date, end: datetime.date, unit: Unit | None = None) -> list[Entry]:
    found = [
        Entry(e.date, e.name, "event", uid=f"event-{e.pk}@doingoai")
        for e in Event.objects.filter(date__gte=start, date__lte=end)
    ]
    tasks = Task.objects.filter(plan__status=Plan.Status.ACTIVE, end__gte=start, end__lte=end, continuous=False)
    if unit is not None:
        tasks = tasks.filter(Q(lead_unit=unit) | Q(coordinators=unit)).distinct()
    for task in tasks.select_related("lead_unit"):
        found.append(Entry(task.end, f"Hạn nhiệm vụ {task.no}: {task.title}", "deadline", task.get_absolute_url(),
                           f"task-{task.pk}@doingoai"))
    return sorted(found, key=lambda e: (e.day, e.kind, e.title))


def feed_for(unit: Unit) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(unit=unit, defaults={"token": secrets.token_urlsafe(32)})
    return feed


def ical(unit: Unit, year: int, base_url: str = "") -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//doingoai//Lich ke hoach//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Kế hoạch – {unit.name}")
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    stamp = datetime.datetime.now(datetime.UTC)
    for entry in entries(datetime.date(year, 1, 1), datetime.date(year, 12, 31), unit):
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + datetime.timedelta(days=1))
        event.add("categories", ["Hạn nhiệm vụ" if entry.kind == "deadline" else "Sự kiện"])
        if entry.url:
            event.add("url", base_url + entry.url)
        cal.add_component(event)
    return cal.to_ical()
