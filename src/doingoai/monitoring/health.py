"""The health of the sources: when each was last read, how often it fails, how much it
publishes, and whether it has fallen silent.

An article's time is when it was published, or when it was fetched if the source gave no
time (and never later than its fetch: a date in the future is a site's mistake). A source's
usual interval is the median gap between its articles of the last 14 days (its polling
interval when it has too few). It is silent when nothing arrived for more than
``DOINGOAI_SILENCE_FACTOR`` times that interval (and at least twice its polling interval);
``check_silence`` then tells the monitoring staff once per silence episode.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, Window
from django.db.models.functions import Coalesce, Least, RowNumber
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Article, Source, SourceCheck

WINDOW_DAYS = 14
MIN_GAPS = 2  # a median of fewer gaps says nothing about a rhythm
GAP_SAMPLE = 1000  # the latest articles of the window used for the median gap


class Status:
    OK = "binh-thuong"
    ERROR = "loi"
    SILENT = "im-lang"
    OFF = "tat"

    LABELS = {
        OK: gettext_lazy("Bình thường"),
        ERROR: gettext_lazy("Lỗi"),
        SILENT: gettext_lazy("Im lặng"),
        OFF: gettext_lazy("Tắt"),
    }
    ORDER = {ERROR: 0, SILENT: 1, OK: 2, OFF: 3}  # most urgent first


@dataclass
class Figures:
    source: Source
    status: str
    last_success_at: datetime.datetime | None
    error_streak: int
    last_error: str
    last_error_at: datetime.datetime | None
    last_article_at: datetime.datetime | None
    today: int
    week: int
    fortnight: int
    usual_minutes: float
    usual_measured: bool  # False: too few articles, the polling interval stands in
    silent_since: datetime.datetime | None  # when the silence began (the last article), if silent

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def per_day_7(self) -> float:
        return self.week / 7

    @property
    def per_day_14(self) -> float:
        return self.fortnight / WINDOW_DAYS

    @property
    def usual_text(self) -> str:
        return human_minutes(self.usual_minutes)


def human_minutes(minutes: float) -> str:
    """45 → "45 phút", 150 → "2 giờ 30 phút", 4320 → "3 ngày"."""
    minutes = max(0, round(minutes))
    if minutes < 60:
        return ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes}
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        if rest:
            return _("%(h)d giờ %(m)d phút") % {"h": hours, "m": rest}
        return _("%(h)d giờ") % {"h": hours}
    days, rest = divmod(minutes, 24 * 60)
    hours = rest // 60
    if hours:
        return _("%(d)d ngày %(h)d giờ") % {"d": days, "h": hours}
    return _("%(d)d ngày") % {"d": days}


def _local(value: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


def _articles():
    """Articles with their time ``at``: published, else fetched, never after the fetch."""
    return Article.objects.annotate(at=Least(Coalesce("published_at", "fetched_at"), F("fetched_at")))


def _is_on(source: Source) -> bool:
    return source.active and source.polling


def _usual_minutes(source: Source, times: list[datetime.datetime]) -> tuple[float, bool]:
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() / 60 for a, b in zip(ordered, ordered[1:], strict=False)]
    if len(gaps) < MIN_GAPS:
        return float(source.poll_minutes or 30), False
    return max(1.0, statistics.median(gaps)), True


def silence_threshold_minutes(source: Source, usual_minutes: float) -> float:
    factor = getattr(settings, "DOINGOAI_SILENCE_FACTOR", 4)
    return max(factor * usual_minutes, 2 * (source.poll_minutes or 30))


def _silence_start(source: Source, last_article_at: datetime.datetime | None) -> datetime.datetime | None:
    """What silence is measured from: the last article, or (none ever) the first poll."""
    if last_article_at is not None:
        return last_article_at
    return SourceCheck.objects.filter(source=source).aggregate(first=Min("at"))["first"]


def figures_for(sources, now: datetime.datetime | None = None) -> list[Figures]:
    """The health figures of ``sources`` (in their order)."""
    now = now or timezone.now()
    sources = list(sources)
    if not sources:
        return []
    window = now - datetime.timedelta(days=WINDOW_DAYS)
    week = now - datetime.timedelta(days=7)
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = {
        row["source"]: row
        for row in _articles().filter(source__in=sources).values("source").annotate(
            last=Max("at"),
            today=Count("id", filter=Q(at__gte=today, at__lte=now)),
            week=Count("id", filter=Q(at__gte=week, at__lte=now)),
            fortnight=Count("id", filter=Q(at__gte=window, at__lte=now)),
        )
    }
    # The latest GAP_SAMPLE times of every source, in one query (a window per source).
    times: dict[int, list[datetime.datetime]] = {}
    busy = [pk for pk, row in counts.items() if row.get("fortnight")]
    if busy:
        latest = (_articles().filter(source__in=busy, at__gte=window, at__lte=now)
                  .annotate(n=Window(RowNumber(), partition_by=F("source"), order_by=F("at").desc()))
                  .filter(n__lte=GAP_SAMPLE).values_list("source", "at"))
        for source_id, at in latest:
            times.setdefault(source_id, []).append(at)
    out = []
    for source in sources:
        row = counts.get(source.pk, {})
        usual, measured = _usual_minutes(source, times.get(source.pk, []))
        last = row.get("last")
        silent_since = None
        if _is_on(source):
            start = _silence_start(source, last)
            if start is not None and (now - start).total_seconds() / 60 > silence_threshold_minutes(source, usual):
                silent_since = start
        if not _is_on(source):
            status = Status.OFF
        elif source.error_streak:
            status = Status.ERROR
        elif silent_since is not None:
            status = Status.SILENT
        else:
            status = Status.OK
        out.append(Figures(
            source=source, status=status, last_success_at=source.last_success_at,
            error_streak=source.error_streak, last_error=source.last_error, last_error_at=source.last_error_at,
            last_article_at=last, today=row.get("today", 0), week=row.get("week", 0),
            fortnight=row.get("fortnight", 0), usual_minutes=usual, usual_measured=measured,
            silent_since=silent_since,
        ))
    return out


def figures(source: Source, now: datetime.datetime | None = None) -> Figures:
    return figures_for([source], now)[0]


def troubled_count() -> int:
    """Sources that need a look, as the jobs found them: failing, or reported silent and not
    yet heard from again (the dashboard counter; cheap: one query)."""
    return Source.objects.filter(active=True, polling=True).filter(
        Q(error_streak__gt=0) | Q(silence_alerted_at__isnull=False)).count()


# --- Silence alerts -----------------------------------------------------------------------------


def check_silence(now: datetime.datetime | None = None) -> int:
    """Tell the monitoring staff (in the app and by e-mail) about each source that fell
    silent — once per silence episode: ``silence_alerted_at`` marks it, and is cleared when
    articles resume. Returns how many sources were reported."""
    from doingoai.core import notify

    from .access import monitoring_staff

    now = now or timezone.now()
    sources = Source.objects.filter(active=True, polling=True)
    reported = 0
    staff = None
    for found in figures_for(sources, now):
        source = found.source
        alerted = source.silence_alerted_at
        if found.silent_since is None:
            if alerted is not None:  # articles resumed: the episode is over
                Source.objects.filter(pk=source.pk, silence_alerted_at=alerted).update(silence_alerted_at=None)
            continue
        if alerted is not None and alerted >= found.silent_since:
            continue  # this episode was reported already
        match = Q(silence_alerted_at__isnull=True) if alerted is None else Q(silence_alerted_at=alerted)
        if not Source.objects.filter(match, pk=source.pk).update(silence_alerted_at=now):
            continue  # another checker reported it at the same moment
        staff = staff if staff is not None else list(monitoring_staff())
        title = _("Nguồn tin «%(name)s» im lặng bất thường") % {"name": source.name}
        body = silence_message(found, now)
        url = reverse("monitoring_source_health_detail", args=[source.pk])
        key = f"nguon-im-lang:{source.pk}:{int(now.timestamp())}"
        notify.in_app(staff, title, body, url=url, key=key)
        notify.email(staff, title, f"{body}\n\n{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{url}")
        reported += 1
    return reported


def silence_message(found: Figures, now: datetime.datetime) -> str:
    since = found.silent_since
    quiet = human_minutes((now - since).total_seconds() / 60) if since else "—"
    if found.last_article_at:
        opening = _("Không có bài mới từ %(when)s (đã %(quiet)s)") % {"when": _local(since), "quiet": quiet}
    else:
        opening = _("Chưa có bài nào kể từ lần lấy tin đầu tiên lúc %(when)s (đã %(quiet)s)") % {
            "when": _local(since), "quiet": quiet}
    rhythm = (_("bình thường cứ khoảng %(usual)s có một bài") if found.usual_measured
              else _("chu kỳ lấy tin là %(usual)s")) % {"usual": found.usual_text}
    tail = _("Lần lấy tin thành công gần nhất: %(when)s.") % {"when": _local(found.last_success_at)}
    if found.error_streak:
        tail += " " + _("Lỗi %(n)d lần liên tiếp; lỗi gần nhất: %(error)s") % {
            "n": found.error_streak, "error": found.last_error[:300]}
    return _("%(opening)s, trong khi %(rhythm)s. %(tail)s") % {"opening": opening, "rhythm": rhythm, "tail": tail}
