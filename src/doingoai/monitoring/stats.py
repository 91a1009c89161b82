"""Statistics of the monitored press: how much was written, about what, in which tone, in which
language and country, by which outlets.

    from doingoai.monitoring import stats

    report = stats.compute(stats.Period(date(2025, 5, 1), date(2025, 5, 31)))
    report.total.stories, report.total.articles
    for table in report.tables: table.title, table.columns, table.rows, table.chart

Counts count **stories** (near-duplicate articles grouped, ``Story``), with the number of
articles beside. A story is counted once per day and per value it has that day: a story
written up by a negative and by a neutral article counts in both sentiments. An article
without a story counts as a story of its own.

The day of an article is its publication time, else its fetch time, in Asia/Ho_Chi_Minh. Every
figure comes from aggregate queries (``GROUP BY`` day and value) over the period, except
themes: they are a JSON list per article, and ``__contains`` on a JSONField is not supported on
SQLite, so themes are counted in Python over one narrow query of the period
(``values_list(themes, story, day).iterator()``), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from doingoai.plans import statistics as plan_statistics

from .labels import language_name, theme_codes, theme_names
from .models import Article, Source

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_DAYS = 30
MAX_DAYS = 732
TOP_OUTLETS = 20

# Countries of the outlets followed, by their ISO code (others are shown by their code).
# Lazy: each name is translated when it is used (``country_name`` returns plain ``str``, which
# the charts' JSON needs).
COUNTRY_NAMES = {
    "VN": gettext_lazy("Việt Nam"), "CN": gettext_lazy("Trung Quốc"), "KR": gettext_lazy("Hàn Quốc"),
    "JP": gettext_lazy("Nhật Bản"), "US": gettext_lazy("Hoa Kỳ"), "GB": gettext_lazy("Anh"),
    "FR": gettext_lazy("Pháp"), "DE": gettext_lazy("Đức"), "RU": gettext_lazy("Nga"),
    "SG": gettext_lazy("Singapore"), "TH": gettext_lazy("Thái Lan"), "ID": gettext_lazy("Indonesia"),
    "MY": gettext_lazy("Malaysia"), "PH": gettext_lazy("Philippines"), "LA": gettext_lazy("Lào"),
    "KH": gettext_lazy("Campuchia"), "AU": gettext_lazy("Australia"), "IN": gettext_lazy("Ấn Độ"),
    "TW": gettext_lazy("Đài Loan (Trung Quốc)"), "HK": gettext_lazy("Hồng Kông (Trung Quốc)"),
    "CA": gettext_lazy("Canada"), "IT": gettext_lazy("Italia"), "ES": gettext_lazy("Tây Ban Nha"),
    "NL": gettext_lazy("Hà Lan"), "BE": gettext_lazy("Bỉ"), "CH": gettext_lazy("Thụy Sĩ"),
    "QA": gettext_lazy("Qatar"), "AE": gettext_lazy("UAE"),
}


def country_name(code: str | None) -> str:
    if not code:
        return _("Không rõ")
    code = code.upper()
    return str(COUNTRY_NAMES[code]) if code in COUNTRY_NAMES else code


@dataclass(frozen=True)
class Period:
    """Calendar days from ``start`` to ``end`` (both included), in Asia/Ho_Chi_Minh."""

    start: datetime.date
    end: datetime.date
    relevant_only: bool = True

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, *, today: datetime.date | None = None,
                  relevant_only: bool = True) -> Period:
        today = today or datetime.datetime.now(TZ).date()
        return cls(today - datetime.timedelta(days=days - 1), today, relevant_only)

    def days(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        start = datetime.datetime.combine(self.start, datetime.time.min, TZ)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, TZ)
        return start, end


def articles(period: Period):
    """The articles of the period. Written as two indexed ranges (published, else fetched)
    rather than a filter on the coalesced time, which no index serves."""
    start, end = period.bounds()
    qs = Article.objects.filter(
        Q(published_at__gte=start, published_at__lt=end)
        | Q(published_at__isnull=True, fetched_at__gte=start, fetched_at__lt=end)
    )
    return qs.filter(relevant=True) if period.relevant_only else qs


def _day():
    return TruncDate(Coalesce("published_at", "fetched_at"), tzinfo=TZ)


def _counts() -> dict:
    """Stories (an article without a story is one of its own) and articles."""
    return {"stories_": Count("story", distinct=True), "loose_": Count("id", filter=Q(story__isnull=True)),
            "articles": Count("id")}


def _pair(row: dict) -> tuple[int, int]:
    return row["stories_"] + row["loose_"], row["articles"]


@dataclass
class Total:
    stories: int = 0
    articles: int = 0


def totals(period: Period) -> Total:
    return Total(*_pair(articles(period).aggregate(**_counts())))


# --- the series ----------------------------------------------------------------------------------

@dataclass
class Split:
    """Per-day story and article counts of each value of one dimension, and their totals over
    the whole period (distinct stories, so not the sum of the days)."""

    values: list[tuple[str, str]] = field(default_factory=list)      # (code, label), most stories first
    daily: dict[tuple[datetime.date, str], tuple[int, int]] = field(default_factory=dict)
    overall: dict[str, tuple[int, int]] = field(default_factory=dict)


def volume(period: Period) -> dict[datetime.date, tuple[int, int]]:
    """Day → (stories, articles)."""
    rows = articles(period).annotate(day=_day()).values("day").annotate(**_counts()).order_by()
    return {row["day"]: _pair(row) for row in rows}


def _split_by(period: Period, field_name: str, label) -> Split:
    qs = articles(period)
    split = Split()
    for row in qs.annotate(day=_day()).values("day", field_name).annotate(**_counts()).order_by():
        split.daily[(row["day"], row[field_name] or "")] = _pair(row)
    for row in qs.values(field_name).annotate(**_counts()).order_by():
        split.overall[row[field_name] or ""] = _pair(row)
    codes = sorted(split.overall, key=lambda c: (-split.overall[c][0], -split.overall[c][1], c))
    split.values = [(code, label(code)) for code in codes]
    return split


def by_sentiment(period: Period) -> Split:
    split = _split_by(period, "sentiment", _sentiment_label)
    order = list(Article.Sentiment.values)
    split.values.sort(key=lambda v: order.index(v[0]) if v[0] in order else len(order))
    return split


def _sentiment_label(code: str) -> str:
    try:
        return str(Article.Sentiment(code).label)
    except ValueError:
        return code or _("Không rõ")


def by_language(period: Period) -> Split:
    return _split_by(period, "language", lambda code: language_name(code) if code else _("Không rõ"))


def by_country(period: Period) -> Split:
    return _split_by(period, "source__country", country_name)


def by_theme(period: Period) -> Split:
    """Themes, counted in one pass over the period's (themes, story, day) — see the module's
    docstring for why not in SQL."""
    stories: dict[tuple[datetime.date, str], set] = defaultdict(set)
    counted: dict[tuple[datetime.date, str], int] = defaultdict(int)
    all_stories: dict[str, set] = defaultdict(set)
    all_articles: dict[str, int] = defaultdict(int)
    rows = articles(period).annotate(day=_day()).values_list("id", "themes", "story_id", "day")
    for pk, themes, story_id, day in rows.iterator(chunk_size=2000):
        if not isinstance(themes, list):
            continue
        story = story_id if story_id is not None else f"a{pk}"
        for code in set(themes):
            stories[(day, code)].add(story)
            counted[(day, code)] += 1
            all_stories[code].add(story)
            all_articles[code] += 1
    names = theme_names()
    split = Split()
    split.daily = {key: (len(stories[key]), counted[key]) for key in stories}
    split.overall = {code: (len(all_stories[code]), all_articles[code]) for code in all_stories}
    order = {code: i for i, code in enumerate(theme_codes())}
    split.values = [(code, names.get(code, code)) for code in sorted(split.overall, key=lambda c: order.get(c, 99))]
    return split


def top_outlets(period: Period, limit: int = TOP_OUTLETS) -> list[dict]:
    """The outlets that carried most articles: name, kind, country, articles, stories."""
    rows = (articles(period).values("source_id", "source__name", "source__kind", "source__country")
            .annotate(**_counts()).order_by("-articles", "source__name")[:limit])
    kinds = dict(Source.Kind.choices)
    out = []
    for row in rows:
        stories, count = _pair(row)
        out.append({"name": row["source__name"] or _("Không rõ nguồn"), "kind": str(kinds.get(row["source__kind"], "")),
                    "country": country_name(row["source__country"]) if row["source_id"] else "",
                    "articles": count, "stories": stories})
    return out


# --- tables and charts ---------------------------------------------------------------------------

@dataclass
class Table:
    """One table of the screen, exported as it is shown; ``groups`` (label, span) is an upper
    header row; ``chart`` is what Chart.js draws above it."""

    slug: str
    title: str
    columns: list[str]
    rows: list[list]
    groups: list[tuple[str, int]] = field(default_factory=list)
    chart: dict = field(default_factory=dict)
    note: str = ""


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _daily_table(slug: str, title: str, period: Period, split: Split, chart_type: str = "line") -> Table:
    days = period.days()
    columns = [_("Ngày")]
    for _code, label in split.values:
        columns += [f"{label}: " + _("số câu chuyện"), f"{label}: " + _("số bài")]
    rows = []
    for day in days:
        row: list = [_date(day)]
        for code, _label in split.values:
            row += list(split.daily.get((day, code), (0, 0)))
        rows.append(row)
    total: list = [_("Cả kỳ")]
    for code, _label in split.values:
        total += list(split.overall.get(code, (0, 0)))
    rows.append(total)
    chart = {"type": chart_type, "stacked": chart_type == "bar", "labels": [_date(d) for d in days], "datasets": [
        {"label": label, "data": [split.daily.get((d, code), (0, 0))[0] for d in days]} for code, label in split.values]}
    return Table(slug, title, columns, rows, groups=[(label, 2) for _code, label in split.values], chart=chart)


@dataclass
class Report:
    period: Period
    total: Total
    tables: list[Table]

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def compute(period: Period) -> Report:
    days = period.days()
    per_day = volume(period)
    total = totals(period)

    rows = [[_date(d), *per_day.get(d, (0, 0))] for d in days] + [[_("Cả kỳ"), total.stories, total.articles]]
    volume_table = Table(
        "ngay", _("Số câu chuyện và số bài theo ngày"), [_("Ngày"), _("Số câu chuyện"), _("Số bài")], rows,
        chart={"type": "bar", "labels": [_date(d) for d in days], "datasets": [
            {"label": _("Số câu chuyện"), "data": [per_day.get(d, (0, 0))[0] for d in days]},
            {"label": _("Số bài"), "data": [per_day.get(d, (0, 0))[1] for d in days], "type": "line"},
        ]},
    )
    themes = by_theme(period)
    tables = [
        volume_table,
        _daily_table("chu-de", _("Theo chủ đề (số câu chuyện mỗi ngày)"), period, themes),
        _daily_table("sac-thai", _("Theo sắc thái (số câu chuyện mỗi ngày)"), period, by_sentiment(period), "bar"),
        _daily_table("ngon-ngu", _("Theo ngôn ngữ (số câu chuyện mỗi ngày)"), period, by_language(period), "bar"),
        _daily_table("quoc-gia", _("Theo quốc gia của nguồn (số câu chuyện mỗi ngày)"), period, by_country(period),
                     "bar"),
    ]

    outlets = top_outlets(period)
    tables.append(Table(
        "nguon", _("Các cơ quan báo chí đăng nhiều bài nhất"),
        [_("Cơ quan báo chí"), _("Loại nguồn"), _("Quốc gia"), _("Số bài"), _("Số câu chuyện")],
        [[o["name"], o["kind"], o["country"], o["articles"], o["stories"]] for o in outlets],
        chart={"type": "bar", "horizontal": True, "labels": [o["name"] for o in outlets], "datasets": [
            {"label": _("Số bài"), "data": [o["articles"] for o in outlets]},
            {"label": _("Số câu chuyện"), "data": [o["stories"] for o in outlets]},
        ]},
    ))

    names = theme_names()
    theme_total = sum(s for s, _a in themes.overall.values())
    share_rows = []
    for code in theme_codes():
        stories, count = themes.overall.get(code, (0, 0))
        share_rows.append([names.get(code, code), stories, count,
                           round(100 * stories / theme_total, 1) if theme_total else 0.0,
                           round(100 * stories / total.stories, 1) if total.stories else 0.0])
    share_rows.sort(key=lambda r: (-r[1], -r[2]))
    tables.append(Table(
        "ty-trong-chu-de", _("Tỷ trọng các chủ đề"),
        [_("Chủ đề"), _("Số câu chuyện"), _("Số bài"), _("Tỷ trọng (%)"), _("Tỷ lệ trên tổng số câu chuyện (%)")],
        share_rows,
        chart={"type": "doughnut", "labels": [r[0] for r in share_rows if r[1]],
               "datasets": [{"label": _("Số câu chuyện"), "data": [r[1] for r in share_rows if r[1]]}]},
        note=_("Một câu chuyện có thể thuộc nhiều chủ đề: tỷ trọng tính trên tổng số lượt chủ đề, "
               "tỷ lệ tính trên tổng số câu chuyện trong kỳ."),
    ))
    return Report(period, total, tables)


# --- figures for the plan's periodic report ------------------------------------------------------

def report_figures(start: datetime.date, end: datetime.date) -> list:
    """The press about the city in a report period (task 9 of the plan): stories and articles,
    on domestic and on foreign outlets, negative stories."""
    from doingoai.plans.statistics import Stat

    period = Period(start, end, relevant_only=True)
    qs = articles(period)
    total = totals(period)
    domestic = Total(*_pair(qs.filter(source__country="VN").aggregate(**_counts())))
    foreign = Total(*_pair(qs.exclude(source__country="VN").exclude(source=None).aggregate(**_counts())))
    negative = Total(*_pair(qs.filter(sentiment=Article.Sentiment.NEGATIVE).aggregate(**_counts())))
    return [
        Stat(_("Số câu chuyện về thành phố trên báo chí"), total.stories, 9),
        Stat(_("Số bài báo về thành phố"), total.articles, 9),
        Stat(_("Số câu chuyện trên báo chí trong nước"), domestic.stories, 9),
        Stat(_("Số câu chuyện trên báo chí nước ngoài"), foreign.stories, 9),
        Stat(_("Số câu chuyện có sắc thái tiêu cực"), negative.stories, 9),
        Stat(_("Số bài báo có sắc thái tiêu cực"), negative.articles, 9),
    ]


# Figures of task 9 for the plan's periodic report (the plans app imports no monitoring module).
plan_statistics.register("monitoring.press", gettext_noop("Theo dõi báo chí"), report_figures)
