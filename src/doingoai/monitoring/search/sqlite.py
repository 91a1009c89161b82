"""Article search on SQLite: one FTS5 table of folded and exact words, read newest-first.

Tables (migration 0002):

``monitoring_search`` — FTS5, contentless (``content=''``: the index keeps no second copy of the
text), tokenizer ``unicode61 remove_diacritics 0 tokenchars '_'`` (words are folded by
``core.vntext.fold`` before they reach SQLite; the underscore marks the index's own tokens). The
rowid is the article id. Each kind of token has its own spelling, so that no query needs a
column filter and each kind has short posting lists of its own:

    column  token            holds
    text    doi              folded words of title and text (what a query must match)
    exact   _eđối            words as written, lower case (the "exact diacritics" tier)
    title   _tdoi            folded words of the title (the title tier, title phrases)
    grams   _bdoi_ngoai      folded neighbouring word pairs (phrases, the side-by-side tier)
    facets  _fl7669 …        filters: language, source, country, theme, sentiment, relevant,
                             relevance per cent, day / month / year of publication

``monitoring_search_doc`` — one row per indexed article: what was indexed (title and text,
compressed; the facet tokens; relevance; the publication day) and the index version. A
contentless FTS5 table forgets its text, yet deleting a row needs the very tokens that were
inserted: they are rebuilt from here. Relevance serves the exact ``min_relevance`` check, the
day the bounds of open date ranges.

``monitoring_search_term`` — every word ever indexed (folded, and ``_e`` + as written), to
expand a prefix into the words it stands for: FTS5's own prefix query merges the posting lists
of every matching word before returning a row (and again for each query that contains it),
where an OR of the words is read lazily. More than ``MAX_EXPANSION`` words: FTS5's prefix query.

A phrase of n words is the chain of its n-1 pairs in ``grams`` (a pair has a short posting
list where its two syllables have long ones: "hai phong" is read as one token, not as the
positions of "hai" and "phong"), a prefix the OR of the words it stands for, a date range the
fewest year, month and day tokens that cover it.

Reading. Up to ``RANK_ALL`` (5,000) matches are all read (the total is their number) and
ranked in Python: one query per ranking feature (each side-by-side pair, the exact words, the
title), each reading the feature's postings alone and keeping the candidates inside SQLite —
the query's own words, whose posting lists are the long ones, are read once. With more
matches, ``count(*)`` gives the total (stopping at ``base.TOTAL_CAP`` + 1), and the page is taken from the articles having at least
j of the side-by-side pairs for the highest j that holds enough of them (few, since pairs are
rare), ranked the same way; failing that, the tiers of ``base`` are read best first, newest
first in each, until the page is full (dense tiers fill a page after a few postings).

Why not BM25: ``bm25()`` computes its IDF by reading every posting of every phrase of the query
before the first row, and Vietnamese syllables are dense (over a million articles, "doi ngoai"
costs 52 ms before ranking anything, a ranked top 20 160–600 ms). The tiers need no statistics.
"""

from __future__ import annotations

import heapq
import json
import math
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import combinations, islice, pairwise

from django.conf import settings
from django.db import connection, transaction

from .base import Filters, IndexDoc, tier_score, total_cap
from .query import And, Not, Or, Query, Word
from .tokens import tokens

TABLE = "monitoring_search"
DOCS = "monitoring_search_doc"
TERMS = "monitoring_search_term"
COLUMNS = ("text", "exact", "title", "grams", "facets")
# Bump when the tokens of a document change; an index of another version must be rebuilt.
INDEX_VERSION = 1

_INSERT = f"INSERT INTO {TABLE}(rowid, {', '.join(COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s)"
_DELETE = (f"INSERT INTO {TABLE}({TABLE}, rowid, {', '.join(COLUMNS)}) "
           f"VALUES ('delete', %s, %s, %s, %s, %s, %s)")
_SAVE = (f"INSERT OR REPLACE INTO {DOCS}(article_id, version, day, relevance, facets, source) "
         f"VALUES (%s, %s, %s, %s, %s, %s)")


class SearchIndexError(RuntimeError):
    pass


# --- documents -------------------------------------------------------------------------------

def _hex(value: str) -> str:
    return value.encode("utf-8").hex()


def relevance_bucket(relevance: float) -> int:
    """Relevance in whole per cent, 0…100 (the facet token; exact checks use the number)."""
    if relevance != relevance:  # NaN
        return 0
    return min(100, max(0, math.floor(relevance * 100)))


def facet_tokens(doc: IndexDoc) -> list[str]:
    out = [f"_fl{_hex(doc.language)}", f"_fe{_hex(doc.sentiment)}", f"_fv{relevance_bucket(doc.relevance):03d}"]
    if doc.source_id is not None:
        out.append(f"_fs{int(doc.source_id)}")
    if doc.country:
        out.append(f"_fc{_hex(doc.country.upper())}")
    out.extend(f"_fh{_hex(theme)}" for theme in sorted(set(doc.themes)))
    if doc.relevant:
        out.append("_fr1")
    if doc.day is not None:
        d = doc.day
        out += [f"_fd{d.year:04d}{d.month:02d}{d.day:02d}", f"_fm{d.year:04d}{d.month:02d}", f"_fy{d.year:04d}"]
    return out


def columns(title: str, text: str, facets: str) -> tuple[str, ...]:
    """The column values of one document, in ``COLUMNS`` order."""
    head, body = tokens(title), tokens(text)
    head_folded = [t.folded for t in head]
    body_folded = [t.folded for t in body]
    grams = [f"_b{a}_{b}" for a, b in pairwise(head_folded)]
    grams.append("_s")  # between title and text: no phrase runs across
    grams += [f"_b{a}_{b}" for a, b in pairwise(body_folded)]
    return (
        " ".join(head_folded) + " " + " ".join(body_folded),
        " ".join(["_e" + t.exact for t in head] + ["_e" + t.exact for t in body]),
        " ".join("_t" + f for f in head_folded),
        " ".join(grams),
        facets,
    )


def _pack(title: str, text: str) -> bytes:
    return zlib.compress(f"{title}\x00{text}".encode(), 6)


def _unpack(blob: bytes) -> tuple[str, str]:
    title, _, text = zlib.decompress(blob).decode().partition("\x00")
    return title, text


def _day_number(day: date | None) -> int | None:
    return None if day is None else day.year * 10000 + day.month * 100 + day.day


def rows_for(doc: IndexDoc) -> tuple[tuple, tuple]:
    """(FTS row, document row) of one article: what ``index`` inserts, for bulk loaders."""
    facets = " ".join(facet_tokens(doc))
    fts = (doc.article_id, *columns(doc.title, doc.text, facets))
    saved = (doc.article_id, INDEX_VERSION, _day_number(doc.day), float(doc.relevance), facets,
             _pack(doc.title, doc.text))
    return fts, saved


def terms_of(fts_row: tuple) -> set[str]:
    """The words (folded and as written) of an FTS row, for the vocabulary of prefixes."""
    return set(fts_row[1].split()) | set(fts_row[2].split())


def _old_columns(version: int, facets: str, blob: bytes) -> tuple[str, ...]:
    if version != INDEX_VERSION:
        raise SearchIndexError(
            "Chỉ mục tìm kiếm bài báo được tạo bằng phiên bản cũ: hãy dựng lại chỉ mục "
            "(doingoai.monitoring.search.rebuild()) trước khi cập nhật."
        )
    title, text = _unpack(bytes(blob))
    return columns(title, text, facets)


def upsert(docs: Iterable[IndexDoc]) -> int:
    """Insert or replace these documents; unchanged ones are left alone. Returns how many
    were written."""
    written = 0
    with transaction.atomic(), connection.cursor() as cur:
        batch: dict[int, IndexDoc] = {}
        for doc in docs:
            batch[doc.article_id] = doc
            if len(batch) >= 500:
                written += _upsert_batch(cur, batch)
                batch = {}
        if batch:
            written += _upsert_batch(cur, batch)
    return written


def _existing(cur, ids) -> dict[int, tuple]:
    ids = list(ids)
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        cur.execute(
            f"SELECT article_id, version, facets, source, relevance FROM {DOCS} WHERE article_id IN "
            f"({', '.join(['%s'] * len(chunk))})", chunk,
        )
        found.update({row[0]: row for row in cur.fetchall()})
    return found


def _upsert_batch(cur, batch: dict[int, IndexDoc]) -> int:
    existing = _existing(cur, batch)
    deletes, inserts, saves, terms = [], [], [], set()
    for article_id, doc in batch.items():
        fts, saved = rows_for(doc)
        terms |= terms_of(fts)
        old = existing.get(article_id)
        if old is not None:
            _, version, facets, blob, relevance = old
            if (version == INDEX_VERSION and facets == saved[4] and relevance == saved[3]
                    and _unpack(bytes(blob)) == (doc.title, doc.text)):
                continue
            deletes.append((article_id, *_old_columns(version, facets, blob)))
        inserts.append(fts)
        saves.append(saved)
    if deletes:
        cur.executemany(_DELETE, deletes)
    if inserts:
        cur.executemany(_INSERT, inserts)
        cur.executemany(_SAVE, saves)
        if _has_terms(cur):
            cur.executemany(f"INSERT OR IGNORE INTO {TERMS}(term) VALUES (%s)", [(t,) for t in sorted(terms)])
    return len(inserts)


_with_terms: set[str] = set()


def _has_terms(cur) -> bool:
    """Whether the vocabulary table exists (it came with a later state of migration 0002; an
    older database without it searches prefixes with FTS5's own prefix queries). Once found,
    it is not looked for again in that database file."""
    name = str(connection.settings_dict["NAME"])
    if name in _with_terms:
        return True
    cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TERMS])
    if cur.fetchone() is None:
        return False
    _with_terms.add(name)
    return True


def remove(ids: Iterable[int]) -> int:
    ids = {int(i) for i in ids}
    with transaction.atomic(), connection.cursor() as cur:
        existing = _existing(cur, ids)
        if existing:
            cur.executemany(_DELETE, [(i, *_old_columns(v, f, b)) for i, v, f, b, _ in existing.values()])
            cur.executemany(f"DELETE FROM {DOCS} WHERE article_id = %s", [(i,) for i in existing])
    return len(existing)


def clear() -> None:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
        cur.execute(f"DELETE FROM {DOCS}")
        if _has_terms(cur):
            cur.execute(f"DELETE FROM {TERMS}")


def optimize() -> None:
    """Merge the index's segments into one (faster reads; run after large loads)."""
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")


# --- queries ---------------------------------------------------------------------------------

RANK_ALL = 5000  # settings.SEARCH_RANK_ALL overrides it


def _rank_all() -> int:
    return int(getattr(settings, "SEARCH_RANK_ALL", RANK_ALL))


def _string(token: str, prefix: bool = False) -> str:
    """An FTS5 string: every user-derived token is quoted (a quote inside is doubled, though
    tokens hold only letters, digits and underscores), so no FTS5 syntax can come from input."""
    return '"' + token.replace('"', '""') + '"' + (" *" if prefix else "")


_NOTHING = '"_none"'  # a token never indexed
MAX_EXPANSION = 64


def _leaf(word: Word, mode: str, expand) -> str:
    toks = word.tokens
    if mode == "exact":  # each word typed with diacritics, as written, anywhere
        strings = [_string("_e" + t.exact) for t in toks[:-1]]
        last = "_e" + toks[-1].exact
        strings.append(_prefix(last, expand(last), "") if word.prefix else _string(last))
        return _all_of(strings)
    if len(toks) == 1 and word.prefix:
        terms = expand(toks[0].folded)
        return _prefix(toks[0].folded, terms, "_t" if mode == "title" else "")
    if mode == "title":
        return _string(" ".join("_t" + t.folded for t in toks), word.prefix)
    if len(toks) == 1:
        return _string(toks[0].folded)
    return _string(" ".join(f"_b{a.folded}_{b.folded}" for a, b in pairwise(toks)), word.prefix)


def _prefix(prefix: str, terms: list[str] | None, mark: str) -> str:
    """A prefix as the OR of the words of the index that begin with it (read lazily by FTS5,
    where its own prefix query merges every such posting list before the first row), or an
    FTS5 prefix query when they are too many."""
    if terms is None:
        return _string(mark + prefix, True)
    if not terms:
        return _NOTHING
    return _any_of([_string(mark + t) for t in terms])


def _render(node, mode: str, expand=lambda prefix: None) -> str:
    if isinstance(node, Word):
        return _leaf(node, mode, expand)
    if isinstance(node, Or):
        return "(" + " OR ".join(_render(i, mode, expand) for i in node.items) + ")"
    if isinstance(node, And):
        positive = [_render(i, mode, expand) for i in node.items if not isinstance(i, Not)]
        negative = [_render(i.item, mode, expand) for i in node.items if isinstance(i, Not)]
        expr = "(" + " AND ".join(positive) + ")"
        if negative:
            expr = f"({expr} NOT ({' OR '.join(negative)}))"
        return expr
    raise TypeError(node)


def _any_of(strings: list[str]) -> str:
    return strings[0] if len(strings) == 1 else "(" + " OR ".join(strings) + ")"


def _all_of(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _day_cover(first: date, last: date) -> list[str]:
    """The fewest year, month and day tokens covering first…last."""
    out, day = [], first
    while day <= last:
        if day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= last:
            out.append(f"_fy{day.year:04d}")
            if day.year == 9999:
                break
            day = date(day.year + 1, 1, 1)
            continue
        if day.day == 1:
            month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            if month_end <= last:
                out.append(f"_fm{day.year:04d}{day.month:02d}")
                day = month_end + timedelta(days=1)
                continue
        out.append(f"_fd{day.year:04d}{day.month:02d}{day.day:02d}")
        if day == date.max:
            break
        day += timedelta(days=1)
    return [_string(t) for t in out]


class _Impossible(Exception):
    """The filters exclude every article."""


def _date_bounds(cur, filters: Filters) -> tuple[date, date]:
    first, last = filters.date_from, filters.date_to
    if first is None or last is None:
        cur.execute(f"SELECT min(day), max(day) FROM {DOCS}")
        low, high = cur.fetchone()
        if low is None:
            raise _Impossible
        if first is None:
            first = date(low // 10000, low // 100 % 100, low % 100)
        if last is None:
            last = date(high // 10000, high // 100 % 100, high % 100)
    if first > last:
        raise _Impossible
    return first, last


def _filter_arms(cur, filters: Filters) -> list[tuple[str | None, float | None]]:
    """The filters as FTS5 expressions: one (expression, None), or with ``min_relevance`` two
    arms: the per-cent buckets wholly above the threshold, and the bucket that holds it, whose
    rows are checked against the exact number."""
    groups: list[str] = []
    if filters.languages:
        groups.append(_any_of([_string(f"_fl{_hex(v)}") for v in filters.languages]))
    if filters.source_ids:
        groups.append(_any_of([_string(f"_fs{int(v)}") for v in filters.source_ids]))
    if filters.countries:
        groups.append(_any_of([_string(f"_fc{_hex(v)}") for v in filters.countries]))
    if filters.themes:
        groups.append(_any_of([_string(f"_fh{_hex(v)}") for v in filters.themes]))
    if filters.sentiments:
        groups.append(_any_of([_string(f"_fe{_hex(v)}") for v in filters.sentiments]))
    if filters.relevant_only:
        groups.append(_string("_fr1"))
    if filters.date_from is not None or filters.date_to is not None:
        groups.append(_any_of(_day_cover(*_date_bounds(cur, filters))))
    if filters.min_relevance is None:
        return [(_all_of(groups) if groups else None, None)]
    threshold = filters.min_relevance
    edge = relevance_bucket(threshold)
    arms: list[tuple[str | None, float | None]] = []
    if edge < 100:
        above = _any_of([_string(f"_fv{k:03d}") for k in range(edge + 1, 101)])
        arms.append((_all_of([*groups, above]), None))
    arms.append((_all_of([*groups, _string(f"_fv{edge:03d}")]), threshold))
    return arms


class _Plan:
    """One query with its filters: the FTS5 expressions of the query, of each ranking feature,
    of each filter arm; counts and reads them."""

    def __init__(self, cur, query: Query, filters: Filters):
        self.cur = cur
        self._expansions: dict[str, list[str] | None] = {}
        self.match = _render(query.root, "text", self.expand)
        if filters.ids is not None and not filters.ids:
            raise _Impossible
        self.arms = _filter_arms(cur, filters)
        # Only these articles: their rowid range (which FTS5 seeks to), then the ids themselves
        # checked inside SQLite ("+rowid": no lookup per id).
        self.ids = json.dumps(list(filters.ids)) if filters.ids is not None else None
        self.id_range = (min(filters.ids), max(filters.ids)) if filters.ids else None
        exact = query.exact
        self.exact = _render(exact, "exact", self.expand) if exact is not None else None
        self.title = _render(query.positive, "title", self.expand)
        self.pairs = [_string(f"_b{p.first.folded}_{p.second.folded}", p.prefix) for p in query.pairs]

    def expand(self, prefix: str) -> list[str] | None:
        """The indexed words beginning with ``prefix`` (None: more than ``MAX_EXPANSION``)."""
        if prefix not in self._expansions:
            if not _has_terms(self.cur):
                return None
            self.cur.execute(
                f"SELECT term FROM {TERMS} WHERE term >= %s AND term < %s ORDER BY term LIMIT %s",
                [prefix, prefix + "\U0010ffff", MAX_EXPANSION + 1],
            )
            terms = [row[0] for row in self.cur.fetchall()]
            self._expansions[prefix] = terms if len(terms) <= MAX_EXPANSION else None
        return self._expansions[prefix]

    # -- reading ----------------------------------------------------------------------------

    def _arm_sql(self, arm, expr: str, select: str) -> tuple[str, list]:
        facets, threshold = arm
        match = expr if facets is None else f"({expr} AND {facets})"
        if threshold is None:
            sql, params = f"SELECT {select} FROM {TABLE} WHERE {TABLE} MATCH %s", [match]
        else:
            sql, params = (f"SELECT {select} FROM {TABLE} JOIN {DOCS} ON {DOCS}.article_id = {TABLE}.rowid "
                           f"WHERE {TABLE} MATCH %s AND {DOCS}.relevance >= %s", [match, threshold])
        if self.ids is not None:
            sql += (f" AND {TABLE}.rowid BETWEEN %s AND %s "
                    f"AND +{TABLE}.rowid IN (SELECT value FROM json_each(%s))")
            params += [*self.id_range, self.ids]
        return sql, params

    def count(self, expr: str, cap: int | None = None) -> int:
        """The number of matches; with ``cap``, counting stops at ``cap + 1``."""
        total = 0
        for arm in self.arms:
            if cap is None:
                sql, params = self._arm_sql(arm, expr, "count(*)")
            else:
                inner, params = self._arm_sql(arm, expr, "1")
                sql = f"SELECT count(*) FROM ({inner} LIMIT {int(cap) + 1 - total})"
            self.cur.execute(sql, params)
            total += self.cur.fetchone()[0]
            if cap is not None and total > cap:
                break
        return total

    def _read(self, arm, expr: str, *, below=None, low=None, high=None, limit=None, offset=0) -> list[int]:
        sql, params = self._arm_sql(arm, expr, f"{TABLE}.rowid")
        if below is not None:
            sql += f" AND {TABLE}.rowid < %s"
            params.append(below)
        if low is not None:
            sql += f" AND {TABLE}.rowid BETWEEN %s AND %s"
            params += [low, high]
        sql += f" ORDER BY {TABLE}.rowid DESC"
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        self.cur.execute(sql, params)
        return [row[0] for row in self.cur.fetchall()]

    def read(self, expr: str, **kwargs) -> list[int]:
        """Ids matching ``expr`` and the filters, newest first."""
        if len(self.arms) == 1:
            return self._read(self.arms[0], expr, **kwargs)
        limit, offset = kwargs.pop("limit", None), kwargs.pop("offset", 0)
        if limit is not None:
            kwargs["limit"] = limit + offset
        streams = [self._read(arm, expr, **kwargs) for arm in self.arms]
        merged = heapq.merge(*streams, reverse=True)
        return list(islice(merged, offset, None if limit is None else offset + limit))

    def read_all(self, expr: str, most: int) -> list[int] | None:
        """Every id matching ``expr`` and the filters, in no order; None if more than ``most``
        (rowid order is FTS5's natural one: cheaper than newest first)."""
        ids: list[int] = []
        for arm in self.arms:
            sql, params = self._arm_sql(arm, expr, f"{TABLE}.rowid")
            self.cur.execute(sql + " LIMIT %s", [*params, most + 1 - len(ids)])
            ids += [row[0] for row in self.cur.fetchall()]
            if len(ids) > most:
                return None
        return ids

    # -- ranking ------------------------------------------------------------------------------

    def _having(self, feature: str, candidates: str, low: int, high: int) -> set[int]:
        """The candidates (a JSON list) that have ``feature``: the feature's postings are read
        alone, not ANDed with the query again (whose words are the long posting lists), and
        checked against the candidates inside SQLite ("+rowid": no per-id lookups)."""
        self.cur.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid BETWEEN %s AND %s "
            f"AND +rowid IN (SELECT value FROM json_each(%s))",
            [feature, low, high, candidates],
        )
        return {row[0] for row in self.cur.fetchall()}

    def rank_all(self, ids: list[int]) -> list[tuple[int, int, bool, bool]]:
        """``ids`` in ranking order: (id, side-by-side pairs, exact, title)."""
        if not ids:
            return []
        candidates, low, high = json.dumps(ids), min(ids), max(ids)
        level = dict.fromkeys(ids, 0)
        for pair in self.pairs:
            for article_id in self._having(pair, candidates, low, high):
                level[article_id] += 1
        exact = self._having(self.exact, candidates, low, high) if self.exact else set()
        title = self._having(self.title, candidates, low, high)
        ranked = sorted(ids, key=lambda i: (level[i], i in exact, i in title, i), reverse=True)
        return [(i, level[i], i in exact, i in title) for i in ranked]

    def at_least(self, n: int) -> str:
        if n == 1:
            return _any_of(self.pairs)
        return _any_of([_all_of(list(c)) for c in combinations(self.pairs, n)])

    def tiers(self) -> Iterator[tuple[str, float]]:
        """(FTS5 expression, score) of each tier, best first; together they are the matches."""
        k = len(self.pairs)
        for level in range(k, -1, -1):
            for exact in ((True, False) if self.exact else (None,)):
                for title in (True, False):
                    must, must_not = [self.match], []
                    if level:
                        must.append(self.at_least(level))
                    if level < k:
                        must_not.append(self.at_least(level + 1))
                    if exact is not None:
                        (must if exact else must_not).append(self.exact)
                    (must if title else must_not).append(self.title)
                    expr = _all_of(must)
                    if must_not:
                        expr = f"({expr} NOT {_any_of(must_not)})"
                    yield expr, tier_score(level, bool(exact), title)

    def tier_ids(self, expr: str, size: int) -> Iterator[int]:
        """Every id of one tier, newest first; each ``size`` ids one query of their own (keyset
        on the rowid), so no statement stays open between batches."""
        below = None
        while True:
            got = self.read(expr, below=below, limit=size)
            yield from got
            if len(got) < size:
                return
            below = got[-1]


def _start(cur, query: Query, filters: Filters) -> tuple[_Plan | None, int, list[int] | None]:
    """The plan, the total, and all the ids when there are at most ``RANK_ALL``."""
    try:
        plan = _Plan(cur, query, filters)
    except _Impossible:
        return None, 0, None
    # Read up to RANK_ALL ids: all of them when there are few (no count needed), else count.
    ids = plan.read_all(plan.match, _rank_all())
    if ids is not None:
        return plan, len(ids), ids
    return plan, plan.count(plan.match, cap=total_cap()), None


def _scored(rows) -> list[tuple[int, float]]:
    return [(i, tier_score(level, exact, title)) for i, level, exact, title in rows]


def search(query: Query, filters: Filters, limit: int, offset: int) -> tuple[int, list[tuple[int, float]]]:
    with connection.cursor() as cur:
        plan, total, ids = _start(cur, query, filters)
        if plan is None or total == 0 or offset >= total or limit <= 0:
            return total, []
        if ids is not None:
            return total, _scored(plan.rank_all(ids)[offset:offset + limit])
        # Too many matches to rank them all. The page lies among the articles with at least j
        # side-by-side pairs as soon as there are enough of them: rank those when they are few.
        most, need = _rank_all(), offset + limit
        for level in range(len(plan.pairs), 0, -1):
            best = plan.read_all(f"({plan.match} AND {plan.at_least(level)})", most)
            if best is None:
                break
            if len(best) >= need:
                return total, _scored(plan.rank_all(best)[offset:offset + limit])
        # Else read the tiers best first, newest first in each, until the page is full.
        hits: list[tuple[int, float]] = []
        skip = offset
        for expr, score in plan.tiers():
            want = limit - len(hits)
            if want <= 0:
                break
            if skip:
                size = plan.count(expr)
                if size <= skip:
                    skip -= size
                    continue
            hits += [(i, score) for i in plan.read(expr, limit=want, offset=skip)]
            skip = 0
        return total, hits


def count(query: Query, filters: Filters) -> int:
    with connection.cursor() as cur:
        try:
            plan = _Plan(cur, query, filters)
        except _Impossible:
            return 0
        return plan.count(plan.match)


def iter_ids(query: Query, filters: Filters, batch: int) -> Iterator[list[int]]:
    with connection.cursor() as cur:
        plan, total, ids = _start(cur, query, filters)
        if plan is None or total == 0:
            return
        if ids is not None:
            ranked = [row[0] for row in plan.rank_all(ids)]
            for start in range(0, len(ranked), batch):
                yield ranked[start:start + batch]
            return
        chunk: list[int] = []
        for expr, _score in list(plan.tiers()):
            for article_id in plan.tier_ids(expr, batch):
                chunk.append(article_id)
                if len(chunk) >= batch:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk
