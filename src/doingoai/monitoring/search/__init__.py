"""Search of monitored press articles: Vietnamese with or without diacritics, ranked, filtered,
with highlighted snippets; an index of its own, not Wagtail's search layer.

    from doingoai.monitoring import search

    search.index_articles(articles)            # after storing or re-analysing articles
    page = search.search("đối ngoại -tuyển", filters=search.Filters(languages=["vi"]))
    page.total, page.hits[0].title_html, page.hits[0].snippet_html
    for article_id in search.iter_matches("Hải Phòng", batch=1000): ...   # exports

The backend follows the database: SQLite FTS5 (``sqlite.py``) or PostgreSQL tsvector + GIN
(``postgresql.py``); ``SEARCH_BACKEND=opensearch`` selects the cluster adapter
(``opensearch.py``). All three fold words with ``core.vntext.fold`` (through ``tokens.py``), so
"doi ngoai" finds "đối ngoại" and the other way round. The query language is in ``query.py``,
the ranking in ``base.py``.

The index is kept by calling ``index_articles`` / ``index_article_ids`` whenever an article is
stored or its title, text, source, publication time or labels change (the filters are read
from the index, not from the article table), and ``remove`` when articles are deleted (or
``index_article_ids`` with their ids: ids that are gone leave the index). ``rebuild`` indexes
every article again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from doingoai.core.batching import chunks

from .base import MAX_LIMIT, Filters, Hit, IndexDoc, SearchConfigError, SearchPage, local_day
from .query import Query, QueryError, parse_query
from .snippets import highlight, snippet

__all__ = [
    "Filters", "Hit", "SearchPage", "Query", "QueryError", "SearchConfigError", "parse_query",
    "search", "count", "iter_matches", "index_articles", "index_article_ids", "remove",
    "rebuild", "optimize", "clear",
]

_CHUNK = 500


def _backend():
    if getattr(settings, "SEARCH_BACKEND", "database") == "opensearch":
        from . import opensearch

        return opensearch
    if connection.vendor == "sqlite":
        from . import sqlite

        return sqlite
    if connection.vendor == "postgresql":
        from . import postgresql

        return postgresql
    raise SearchConfigError(
        _("Tìm kiếm bài báo chưa hỗ trợ cơ sở dữ liệu «%(vendor)s».") % {"vendor": connection.vendor}
    )


def _docs(articles: Iterable) -> Iterator[IndexDoc]:
    from ..models import Source

    for chunk in chunks(articles, _CHUNK):
        source_ids = {a.source_id for a in chunk if a.source_id is not None}
        countries = dict(Source.objects.filter(id__in=source_ids).values_list("id", "country")) if source_ids else {}
        for a in chunk:
            themes = a.themes if isinstance(a.themes, list | tuple) else ()
            yield IndexDoc(
                article_id=a.pk,
                title=a.title or "",
                text=a.text or "",
                day=local_day(a.published_at),
                language=(a.language or "").strip().lower(),
                source_id=a.source_id,
                country=(countries.get(a.source_id) or "").strip().upper(),
                themes=tuple(str(t) for t in themes),
                sentiment=a.sentiment or "",
                relevant=bool(a.relevant),
                relevance=float(a.relevance or 0.0),
            )


_FIELDS = ("id", "title", "text", "published_at", "language", "source_id", "themes", "sentiment",
           "relevant", "relevance")


def index_articles(articles: Iterable) -> int:
    """Add these articles to the index or bring their entries up to date (idempotent: an
    unchanged article is not rewritten). Returns how many entries were written."""
    return _backend().upsert(_docs(articles))


def index_article_ids(ids: Iterable[int]) -> int:
    """Index the articles with these ids as they are now in the database; ids of articles that
    no longer exist are removed from the index."""
    from ..models import Article

    written = 0
    for chunk in chunks(sorted({int(i) for i in ids}), _CHUNK):
        articles = list(Article.objects.filter(id__in=chunk).only(*_FIELDS))
        written += index_articles(articles)
        gone = set(chunk) - {a.pk for a in articles}
        if gone:
            remove(gone)
    return written


def remove(ids: Iterable[int]) -> int:
    """Take these articles out of the index; returns how many were in it."""
    return _backend().remove(ids)


def rebuild() -> int:
    """Empty the index and index every article again, a chunk per transaction (searches
    during the rebuild see part of the articles). Needed after a change of the index version."""
    from ..models import Article

    backend = _backend()
    backend.clear()
    written, last = 0, 0
    while True:
        chunk = list(Article.objects.filter(id__gt=last).order_by("id").only(*_FIELDS)[:_CHUNK])
        if not chunk:
            break
        written += backend.upsert(_docs(chunk))
        last = chunk[-1].pk
    backend.optimize()
    return written


def clear() -> None:
    """Empty the index (the articles stay)."""
    _backend().clear()


def optimize() -> None:
    """Compact the index after large loads (SQLite: merge FTS5 segments)."""
    _backend().optimize()


def _prepare(query, filters: Filters | None) -> tuple[Query, Filters]:
    parsed = query if isinstance(query, Query) else parse_query(query)
    return parsed, (filters or Filters()).normalized()


def search(query: str | Query, *, filters: Filters | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
    """The articles matching ``query`` and ``filters``, best first (see ``base`` for the
    ranking): ``total`` counts every match, ``hits`` holds ``limit`` of them from ``offset``,
    with the title and a snippet highlighted. Raises ``QueryError`` for a query that cannot be
    searched (the message is in Vietnamese, for the person who typed it)."""
    if not 0 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 0 and {MAX_LIMIT}")
    if offset < 0:
        raise ValueError("offset must not be negative")
    parsed, filters = _prepare(query, filters)
    total, ranked = _backend().search(parsed, filters, limit, offset)
    if not ranked:
        return SearchPage(total=total, hits=[])
    from ..models import Article

    articles = Article.objects.only("id", "title", "text").in_bulk([article_id for article_id, _ in ranked])
    hits = [
        Hit(article_id=article_id, score=score, title_html=highlight(a.title, parsed),
            snippet_html=snippet(a.text, parsed))
        for article_id, score in ranked
        if (a := articles.get(article_id)) is not None  # deleted since it was indexed
    ]
    return SearchPage(total=total, hits=hits)


def count(query: str | Query, filters: Filters | None = None) -> int:
    """How many articles match."""
    parsed, filters = _prepare(query, filters)
    return _backend().count(parsed, filters)


def iter_matches(query: str | Query, filters: Filters | None = None, batch: int = 1000) -> Iterator[int]:
    """The id of every matching article, best first, read ``batch`` at a time (for exports:
    memory stays at one batch)."""
    if batch <= 0:
        raise ValueError("batch must be positive")
    parsed, filters = _prepare(query, filters)  # a bad query fails here, not at the first item
    return _flatten(_backend().iter_ids(parsed, filters, batch))


def _flatten(batches: Iterator[list[int]]) -> Iterator[int]:
    for ids in batches:
        yield from ids
