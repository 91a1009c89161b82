"""What every search backend shares: the filters, the results, the document an article becomes
in the index, and the ranking model.

Ranking (the same on every backend), best first:

1. side by side: how many of the word pairs typed side by side ("đối ngoại") also stand side
   by side in the article (a Vietnamese word is often two syllables: "đối ngoại" apart is
   "đổi" … "ngoài", another matter);
2. exact: when the query carries diacritics, articles whose words carry the same ones
   ("truyền thông" before "truyền thống");
3. title: articles whose title alone matches;
4. newest first (the most recently collected article).

The score of a hit is ``4 × side-by-side pairs + 2 × exact + title``: equal scores are ordered
by recency. No term-frequency score (BM25) is used: with Vietnamese syllables most words occur
in a large share of articles, and BM25 in SQLite FTS5 reads every posting of every query word
before the first result (52 ms for "doi ngoai" over a million articles); the tiers above are
read newest-first and stop as soon as a page is full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from .query import QueryError

__all__ = ["Filters", "Hit", "SearchPage", "IndexDoc", "SearchConfigError", "local_day", "tier_score",
           "MAX_LIMIT"]

MAX_LIMIT = 1000


class SearchConfigError(RuntimeError):
    """Search cannot run with this configuration; the message says what to set."""


@dataclass(frozen=True)
class Filters:
    """Conditions on the articles to search. Empty sequences filter nothing; several values of
    one filter mean any of them; different filters must all hold.

    ``date_from`` / ``date_to``: calendar days (inclusive) of publication in the platform's time
    zone (Asia/Ho_Chi_Minh); an article without a publication time passes no date filter.
    ``min_relevance``: relevance score at least this (0…1).
    ``ids``: only these articles (``None``: every article; an empty sequence: none) — to ask
    whether given articles match, e.g. the newly stored ones for the alert rules."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    source_ids: Sequence[int] = ()
    countries: Sequence[str] = ()
    languages: Sequence[str] = ()
    themes: Sequence[str] = ()
    sentiments: Sequence[str] = ()
    relevant_only: bool = False
    min_relevance: float | None = None
    ids: Sequence[int] | None = None

    def normalized(self) -> Filters:
        """Checked and in the index's spelling (dates as dates, countries in capitals)."""
        date_from, date_to = _as_date(self.date_from), _as_date(self.date_to)
        if date_from and date_to and date_from > date_to:
            raise QueryError(_("Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc."))
        min_relevance = self.min_relevance
        if min_relevance is not None:
            min_relevance = float(min_relevance)
            if min_relevance != min_relevance:  # NaN
                raise QueryError(_("Mức độ liên quan tối thiểu phải là một số từ 0 đến 1."))
        return Filters(
            date_from=date_from,
            date_to=date_to,
            source_ids=tuple(sorted({int(i) for i in self.source_ids})),
            countries=tuple(sorted({c.strip().upper() for c in self.countries})),
            languages=tuple(sorted({lang.strip().lower() for lang in self.languages})),
            themes=tuple(sorted(set(self.themes))),
            sentiments=tuple(sorted(set(self.sentiments))),
            relevant_only=bool(self.relevant_only),
            min_relevance=min_relevance,
            ids=None if self.ids is None else tuple(sorted({int(i) for i in self.ids})),
        )


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return local_day(value)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise QueryError(_("Ngày không hợp lệ: «%(value)s» (cần dạng năm-tháng-ngày).") % {"value": value}) from None


def local_day(moment: dt.datetime | None) -> dt.date | None:
    """The calendar day of ``moment`` in the platform's time zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    title_html: str
    snippet_html: str


#: Beyond this many matches a page says "more than …" instead of the exact number: counting
#: every match of a query that hits 40% of a million articles costs more than finding the page
#: (``search.count`` and the exports stay exact). ``settings.SEARCH_TOTAL_CAP`` overrides it.
TOTAL_CAP = 100_000


def total_cap() -> int:
    return int(getattr(settings, "SEARCH_TOTAL_CAP", TOTAL_CAP))


@dataclass(frozen=True)
class SearchPage:
    total: int  # exact up to ``total_cap()``; above it, a backend may stop counting at cap + 1
    hits: list[Hit] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        """Whether ``total`` stands for "more than ``cap``"."""
        return self.total > total_cap()

    @property
    def cap(self) -> int:
        return total_cap()


@dataclass(frozen=True)
class IndexDoc:
    """An article as the index stores it."""

    article_id: int
    title: str
    text: str
    day: dt.date | None = None
    language: str = ""
    source_id: int | None = None
    country: str = ""
    themes: tuple[str, ...] = ()
    sentiment: str = ""
    relevant: bool = False
    relevance: float = 0.0


def tier_score(pairs: int, exact: bool, title: bool) -> float:
    return float(4 * pairs + 2 * int(exact) + int(title))
