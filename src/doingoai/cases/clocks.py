"""Statutory clocks (thời hạn theo luật): the deadline of a takedown request, of accepting and
resolving a complaint or a denunciation, computed from editable rules that cite their legal
source, with public holidays as data.

Rules of time:
- ``hours`` are exact (a request sent at 10:15 is due at 10:15 the next day for 24 hours);
- ``days`` are calendar days counted from the day after the start (Bộ luật Dân sự 2015,
  Điều 147), the deadline ends at 23:59:59 (Asia/Ho_Chi_Minh) of the last day;
- ``working_days`` skip Saturdays, Sundays and the ``Holiday`` rows, and end likewise.

Any object can carry clocks (generic relation). An object may offer ``clock_recipients()`` (who
hears of reminders and alerts; else the inspectorate), ``get_absolute_url()`` (where the
notification leads) and ``clock_max_extensions(rule)`` (how many extensions this object allows,
overriding the rule's ``extension_limits``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doingoai.core import audit, notify

from .models import Clock, ClockRule, Holiday

# Deadlines set by Vietnamese law run on Vietnam's clock (no daylight saving time).
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DATA = Path(__file__).parent / "data"
RULES_FILE = DATA / "clock-rules.json"
HOLIDAYS_FILE = DATA / "holidays.json"

OK, SOON, OVERDUE, DONE = "ok", "soon", "overdue", "done"
_URGENCY = {OVERDUE: 0, SOON: 1, OK: 2, DONE: 3}


class ClockError(ValidationError):
    """A refusal with a message for the person who asked (in Vietnamese)."""

    def __str__(self):
        return " ".join(self.messages)


@dataclass(frozen=True)
class ClockView:
    """What screens show of a clock."""

    clock_id: int
    name: str
    legal_source: str
    due_at: dt.datetime
    label: str  # "Còn 5 giờ", "Quá hạn 2 ngày", "Đúng hạn"
    level: str  # "ok" | "soon" | "overdue" | "done"
    state: str
    extensions: int = 0


def can_manage_rules(user) -> bool:
    """Who edits the rules and holidays: the department's leaders, the head of the
    inspectorate, system administrators."""
    from doingoai.core import permissions

    from .access import can_decide

    if not getattr(user, "is_authenticated", False):
        return False
    return can_decide(user) or permissions.is_system_admin(user)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LOCAL)


# --- computing deadlines -------------------------------------------------------------------------

def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=LOCAL)


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LOCAL)


def _holidays(first: dt.date, last: dt.date) -> set[dt.date]:
    return set(Holiday.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True))


def is_working_day(day: dt.date, holidays: set[dt.date] | None = None) -> bool:
    if holidays is None:
        holidays = _holidays(day, day)
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: dt.date, amount: int) -> dt.date:
    """The ``amount``-th working day after ``day`` (``day`` itself is not counted)."""
    # Weekends and even a long Tết break leave well over a third of any 3-month span working.
    window = _holidays(day, day + dt.timedelta(days=amount * 3 + 62))
    current, counted = day, 0
    while counted < amount:
        current += dt.timedelta(days=1)
        if is_working_day(current, window):
            counted += 1
    return current


def due_at(rule: ClockRule, start: dt.datetime, extensions: int = 0) -> dt.datetime:
    """When a clock of ``rule`` started at ``start`` ends, after ``extensions`` extensions."""
    start = _aware(start)
    amount = rule.amount + extensions * rule.extension_amount
    if rule.unit == ClockRule.Unit.HOURS:
        return start + dt.timedelta(hours=amount)
    first = start.astimezone(LOCAL).date()
    if rule.unit == ClockRule.Unit.WORKING_DAYS:
        return _end_of_day(add_working_days(first, amount))
    return _end_of_day(first + dt.timedelta(days=amount))


# --- starting and ending ---------------------------------------------------------------------------

def _rule(code: str) -> ClockRule:
    try:
        rule = ClockRule.objects.get(code=code)
    except ClockRule.DoesNotExist:
        rule = _rule_from_data(code)
    if not rule.active:
        raise ClockError(_("Quy định thời hạn «%(name)s» đang tạm ngừng áp dụng; xin liên hệ "
                           "lãnh đạo Thanh tra Sở.") % {"name": rule.name})
    return rule


def _rule_from_data(code: str) -> ClockRule:
    """A rule missing from the database but shipped in the data file is created (never updated)
    on first use, so that a fresh installation counts time from the start."""
    for row in _read(RULES_FILE):
        if row["code"] == code:
            rule, _created = ClockRule.objects.get_or_create(code=code, defaults=_rule_fields(row))
            return rule
    raise ClockError(_("Chưa có quy định thời hạn mã «%(code)s».") % {"code": code})


def _of(subject) -> Q:
    return Q(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)


def start(subject, rule_code: str, started_at: dt.datetime | None = None) -> Clock:
    """Start the clock ``rule_code`` on ``subject``; a running clock of that rule is returned
    as it is (starting twice does not restart or duplicate it)."""
    rule = _rule(rule_code)
    ct = ContentType.objects.get_for_model(subject)
    running = Clock.objects.filter(content_type=ct, object_id=subject.pk, rule=rule,
                                   state=Clock.State.RUNNING)
    existing = running.first()
    if existing is not None:
        return existing
    begun = _aware(started_at) if started_at else timezone.now()
    try:
        with transaction.atomic():
            return Clock.objects.create(content_type=ct, object_id=subject.pk, rule=rule,
                                        started_at=begun, due_at=due_at(rule, begun))
    except IntegrityError:  # started at the same moment by someone else
        return running.get()


def _running(subject, rule_code: str | None):
    clocks = Clock.objects.filter(_of(subject), state=Clock.State.RUNNING).select_related("rule")
    if rule_code:
        clocks = clocks.filter(rule__code=rule_code)
    return clocks


def finish(subject, rule_code: str | None = None, at: dt.datetime | None = None) -> list[Clock]:
    """The work the clock counted is done: running → met (by the deadline) or late."""
    at = _aware(at) if at else timezone.now()
    done = []
    for clock in _running(subject, rule_code):
        state = Clock.State.MET if at <= clock.due_at else Clock.State.LATE
        if Clock.objects.filter(pk=clock.pk, state=Clock.State.RUNNING).update(state=state, finished_at=at):
            clock.state, clock.finished_at = state, at
            done.append(clock)
    return done


def stop(subject, rule_code: str | None = None) -> list[Clock]:
    """The clock no longer counts (the case was closed without the work): running → stopped."""
    at = timezone.now()
    stopped = []
    for clock in _running(subject, rule_code):
        if Clock.objects.filter(pk=clock.pk, state=Clock.State.RUNNING).update(
                state=Clock.State.STOPPED, finished_at=at):
            clock.state, clock.finished_at = Clock.State.STOPPED, at
            stopped.append(clock)
    return stopped


# --- extensions ------------------------------------------------------------------------------------

def max_extensions(clock: Clock, subject=None) -> int:
    """How many times this clock may be extended: the subject's ``clock_max_extensions(rule)``
    if it has one; else the rule's ``extension_limits`` by a field of the subject (e.g. the
    complexity of a denunciation); else the rule's ``max_extensions``."""
    rule = clock.rule
    if not rule.extension_amount:
        return 0
    subject = subject if subject is not None else clock.subject
    if subject is not None and hasattr(subject, "clock_max_extensions"):
        return min(int(subject.clock_max_extensions(rule)), rule.max_extensions)
    for field_name, by_value in (rule.extension_limits or {}).items():
        if subject is not None and hasattr(subject, field_name):
            return min(int(by_value.get(str(getattr(subject, field_name)), 0)), rule.max_extensions)
    return rule.max_extensions


def extend(clock: Clock, user, reason: str) -> Clock:
    """Extend a running clock once by the rule's ``extension_amount``, where the rule (and the
    subject) allow it; a decision of a person, recorded with the reason and the legal source."""
    from .access import can_use

    if not can_use(user):
        raise ClockError(_("Bạn không có quyền gia hạn thời hạn này."))
    reason = (reason or "").strip()
    if not reason:
        raise ClockError(_("Xin ghi lý do gia hạn."))
    clock = Clock.objects.select_related("rule").get(pk=clock.pk)
    rule = clock.rule
    if clock.state != Clock.State.RUNNING:
        raise ClockError(_("Chỉ gia hạn được thời hạn đang tính; thời hạn này đã %(state)s.")
                         % {"state": clock.get_state_display().lower()})
    limit = max_extensions(clock)
    if clock.extensions >= limit:
        if limit == 0:
            raise ClockError(_("Thời hạn «%(name)s» không được gia hạn (căn cứ: %(source)s).")
                             % {"name": rule.name, "source": rule.legal_source})
        raise ClockError(_("Thời hạn «%(name)s» đã gia hạn %(count)d lần, là số lần tối đa được "
                           "phép (căn cứ: %(source)s).")
                         % {"name": rule.name, "count": clock.extensions, "source": rule.legal_source})
    new_due = due_at(rule, clock.started_at, clock.extensions + 1)
    claimed = Clock.objects.filter(pk=clock.pk, state=Clock.State.RUNNING,
                                   extensions=clock.extensions).update(
        extensions=clock.extensions + 1, due_at=new_due, reminded_at=None, overdue_alerted_at=None)
    if not claimed:
        raise ClockError(_("Thời hạn này vừa được gia hạn hoặc đã kết thúc; xin tải lại trang."))
    audit.record("cases.clock.extend", clock, user=user, changes={
        "due_at": [clock.due_at, new_due], "extensions": [clock.extensions, clock.extensions + 1],
        "reason": reason, "legal_source": rule.legal_source,
    })
    clock.refresh_from_db()
    return clock


# --- what screens show -----------------------------------------------------------------------------

def _span(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 3600:
        n = max(1, seconds // 60)
        return ngettext("%(n)d phút", "%(n)d phút", n) % {"n": n}
    if seconds < 48 * 3600:
        n = seconds // 3600
        return ngettext("%(n)d giờ", "%(n)d giờ", n) % {"n": n}
    n = seconds // 86400
    return ngettext("%(n)d ngày", "%(n)d ngày", n) % {"n": n}


def view(clock: Clock, now: dt.datetime | None = None) -> ClockView:
    now = now or timezone.now()
    rule = clock.rule
    if clock.state == Clock.State.RUNNING:
        left = (clock.due_at - now).total_seconds()
        if left < 0:
            level, label = OVERDUE, _("Quá hạn %(span)s") % {"span": _span(-left)}
        else:
            level = SOON if left <= rule.remind_before_hours * 3600 else OK
            label = _("Còn %(span)s") % {"span": _span(left)}
    else:
        level = DONE
        if clock.state == Clock.State.MET:
            label = _("Đúng hạn")
        elif clock.state == Clock.State.LATE:
            late = (clock.finished_at - clock.due_at).total_seconds() if clock.finished_at else 0
            label = _("Hoàn thành quá hạn %(span)s") % {"span": _span(late)}
        else:
            label = _("Đã dừng")
    return ClockView(clock_id=clock.pk, name=rule.name, legal_source=rule.legal_source,
                     due_at=clock.due_at, label=label, level=level, state=clock.state,
                     extensions=clock.extensions)


def _order(clock: Clock):
    """Running clocks first, soonest deadline first; then the last finished."""
    if clock.state == Clock.State.RUNNING:
        return (0, clock.due_at.timestamp())
    finished = clock.finished_at or clock.due_at
    return (1, -finished.timestamp())


def for_object(subject, now=None) -> list[ClockView]:
    """Every clock of ``subject``: running ones soonest first, then the finished ones."""
    clocks = sorted(Clock.objects.filter(_of(subject)).select_related("rule"), key=_order)
    return [view(c, now) for c in clocks]


def for_objects(subjects, now=None) -> dict[int, list[ClockView]]:
    """``for_object`` for a list of objects of one model, in one query: pk → its clocks."""
    subjects = list(subjects)
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0])
    found: dict[int, list[Clock]] = {s.pk: [] for s in subjects}
    for clock in Clock.objects.filter(content_type=ct, object_id__in=list(found)).select_related("rule"):
        found[clock.object_id].append(clock)
    return {pk: [view(c, now) for c in sorted(held, key=_order)] for pk, held in found.items()}


def nearest(subjects, now=None) -> dict[int, ClockView]:
    """For a list of objects of one model: pk → its most urgent running clock, or its last
    finished one. One query for the whole list."""
    subjects = list(subjects)
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0])
    best: dict[int, Clock] = {}
    clocks = Clock.objects.filter(content_type=ct, object_id__in=[s.pk for s in subjects])
    for clock in clocks.select_related("rule"):
        held = best.get(clock.object_id)
        if held is None or _order(clock) < _order(held):
            best[clock.object_id] = clock
    return {pk: view(clock, now) for pk, clock in best.items()}


@dataclass(frozen=True)
class BoardRow:
    """A line of the "Thời hạn" screen: a clock and what it runs on."""

    clock: ClockView
    kind: str
    subject: str
    url: str
    can_extend: bool = False


def _visible(user):
    """A test of whether ``user`` may see a clock's subject: a case (and its takedown requests)
    only where the case is visible to her; other subjects to all who work on cases."""
    from .models import Case, TakedownRequest
    from .selectors import visible_cases

    if user is None:
        return lambda obj: True
    cases = set(visible_cases(user).values_list("pk", flat=True))

    def visible(obj) -> bool:
        if isinstance(obj, Case):
            return obj.pk in cases
        if isinstance(obj, TakedownRequest):
            return obj.case_id in cases
        return True

    return visible


def board(now=None, overdue_only: bool = False, rule_code: str = "", user=None) -> list[BoardRow]:
    """All running clocks across cases, complaints and takedowns, most urgent first (with
    ``user``: only those on what she may see)."""
    now = now or timezone.now()
    visible = _visible(user)
    clocks = Clock.objects.filter(state=Clock.State.RUNNING).select_related("rule", "content_type")
    if overdue_only:
        clocks = clocks.filter(due_at__lt=now)
    if rule_code:
        clocks = clocks.filter(rule__code=rule_code)
    clocks = list(clocks.order_by("due_at"))
    wanted: dict[int, set[int]] = {}
    for clock in clocks:
        wanted.setdefault(clock.content_type_id, set()).add(clock.object_id)
    subjects = {}
    for ct_id, pks in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        for pk, obj in model._default_manager.in_bulk(pks).items():
            subjects[(ct_id, pk)] = obj
    rows = []
    for clock in clocks:
        obj = subjects.get((clock.content_type_id, clock.object_id))
        if obj is None or not visible(obj):
            continue
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        rows.append(BoardRow(clock=view(clock, now), kind=str(obj._meta.verbose_name),
                             subject=str(obj), url=url,
                             can_extend=clock.extensions < max_extensions(clock, obj)))
    return rows


# --- reminders and alerts --------------------------------------------------------------------------

def _recipients(subject):
    if hasattr(subject, "clock_recipients"):
        return list(subject.clock_recipients())
    from .access import inspectorate_staff

    return list(inspectorate_staff())


def _tell(clock: Clock, subject, kind: str, now) -> None:
    shown = view(clock, now)
    local_due = timezone.localtime(clock.due_at, LOCAL)
    names = {"name": clock.rule.name, "subject": str(subject)}
    if kind == "overdue":
        title = _("Quá hạn: %(name)s – %(subject)s") % names
    else:
        title = _("Sắp đến hạn: %(name)s – %(subject)s") % names
    body = _("Hạn: %(due)s (%(label)s). Căn cứ: %(source)s.") % {
        "due": f"{local_due:%d/%m/%Y %H:%M}", "label": shown.label, "source": clock.rule.legal_source}
    url = subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else ""
    people = _recipients(subject)
    notify.in_app(people, title, body, url=url, key=f"clock:{clock.pk}:{kind}:{clock.extensions}")
    link = f"\n\n{str(settings.WAGTAILADMIN_BASE_URL).rstrip('/')}{url}" if url else ""
    notify.email(people, title, body + link)


def remind_and_alert(now=None) -> tuple[int, int]:
    """The periodic check: a reminder ``remind_before_hours`` before each deadline, an alert
    once it has passed; each once per clock (and again after an extension).
    Returns (reminders, alerts)."""
    now = now or timezone.now()
    ahead = ClockRule.objects.aggregate(h=Max("remind_before_hours"))["h"] or 0
    candidates = Clock.objects.filter(state=Clock.State.RUNNING).filter(
        Q(reminded_at__isnull=True, due_at__lte=now + dt.timedelta(hours=ahead))
        | Q(overdue_alerted_at__isnull=True, due_at__lte=now)
    ).select_related("rule", "content_type")
    reminders = alerts = 0
    for clock in candidates:
        subject = clock.subject
        if subject is None:  # the object is gone: nothing left to count
            Clock.objects.filter(pk=clock.pk, state=Clock.State.RUNNING).update(
                state=Clock.State.STOPPED, finished_at=now)
            continue
        if clock.due_at <= now:
            if clock.overdue_alerted_at is None and Clock.objects.filter(
                    pk=clock.pk, overdue_alerted_at__isnull=True).update(overdue_alerted_at=now):
                # Past the deadline, a reminder would come too late: only the alert is sent.
                Clock.objects.filter(pk=clock.pk, reminded_at__isnull=True).update(reminded_at=now)
                _tell(clock, subject, "overdue", now)
                alerts += 1
        elif clock.due_at - dt.timedelta(hours=clock.rule.remind_before_hours) <= now:
            if Clock.objects.filter(pk=clock.pk, reminded_at__isnull=True).update(reminded_at=now):
                _tell(clock, subject, "remind", now)
                reminders += 1
    return reminders, alerts


# --- data ------------------------------------------------------------------------------------------

def _read(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


_RULE_FIELDS = ("name", "amount", "unit", "legal_source", "remind_before_hours", "extension_amount",
                "max_extensions", "extension_limits", "active")


def _rule_fields(row: dict) -> dict:
    return {k: row[k] for k in _RULE_FIELDS if k in row}


def load_rules(path: Path | None = None) -> tuple[int, int]:
    """Add the rules of ``data/clock-rules.json`` missing by code; rules already there, perhaps
    edited by staff, are kept as they are. Returns (created, kept)."""
    created = kept = 0
    for row in _read(path or RULES_FILE):
        _rule_obj, made = ClockRule.objects.get_or_create(code=row["code"], defaults=_rule_fields(row))
        created += made
        kept += not made
    return created, kept


def load_holidays(path: Path | None = None) -> tuple[int, int]:
    """Add the days of ``data/holidays.json`` missing; days already there are kept as staff
    left them. Returns (created, kept)."""
    created = kept = 0
    for row in _read(path or HOLIDAYS_FILE):
        _day, made = Holiday.objects.get_or_create(day=dt.date.fromisoformat(row["day"]),
                                                   defaults={"name": row["name"]})
        created += made
        kept += not made
    return created, kept
