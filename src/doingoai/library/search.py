"""Search of the library catalogue: Vietnamese with or without diacritics, facets, ranked, with
highlighted snippets; an index of its own (migration ``0002_catalogue_search``).

    from doingoai.library import search

    search.index_items(items)        # after saving, publishing, unpublishing, removing items
    search.remove_items(ids)         # deleted items
    search.rebuild()                 # everything again (after a change of INDEX_VERSION)
    result = search.search("hoang sa", facets={"theme": ["bien-dao"], "year": ["2014"]})
    result.total, result.items, result.facet_counts["kind"], result.snippets[item.pk]

What an item is indexed with: its title, the Dublin Core text elements (creator, subject,
description, publisher, contributor, identifier, source, relation, coverage, rights), the
names of its themes (Vietnamese and English), and its full text (``Item.text``, or the text of
its ``ItemPage``\\ s when that is empty). Words are folded by ``core.vntext.fold`` (through the
monitoring search's tokenizer), so "hoang sa" finds "Hoàng Sa" and "bach long vi" "Bạch Long
Vĩ". The query language is the monitoring search's (``parse_query``): words, "phrases",
prefix*, OR / HOẶC, NOT / KHÔNG / -word, parentheses.

Every item is indexed, whatever its state, with its visibility as tokens and columns
(``public`` = live, access public, not removed; ``live``, ``access``, ``removed``): the public
catalogue (``public=True``) reads only ``public`` items, the staff side (``public=False``)
every item not removed. The page of results is read again through ``access.public_items()``,
so an index that lags behind the items can never show a non-public item.

The index holds, per item, the set of its distinct tokens (no positions):

    doi            folded word
    _eđối          word as written, lower case (when it has diacritics): the exact tier
    _tdoi          folded title word: the title tier
    _bdoi_ngoai    two folded words side by side: phrases, and the side-by-side tier
    _vp _va _vr    public / not removed (every staff-visible item) / removed

A phrase of n words is the n-1 pairs it is made of (each present in the item; their order is
not checked beyond the pairs). SQLite: one FTS5 table (contentless, ``detail=none``: the
smallest and fastest FTS5 index; what the index needs of positions is in the pairs).
PostgreSQL: the same tokens in a ``tsvector`` with a GIN index. OpenSearch is not offered for
the catalogue (100,000 items are well within the database's reach; see ``bench/catalogue.py``).

Ranking (as the monitoring search, without BM25, whose statistics cost a full read of every
posting on dense Vietnamese syllables): ``4 × side-by-side pairs + 2 × exact diacritics +
title`` then the newest item first.

Facets — theme (codes), kind, year (of ``date``, else of first publication), language (codes
of ``Item.language``), collection (ids) — are counted over the whole match set, each
dimension with the selections of the other dimensions applied (several values of one
dimension: any of them). The counts are made in memory: every process keeps the (item,
facet value) pairs of the index as two NumPy arrays and brings them up to date from the rows
written since (``library_search_state`` / ``library_search_log``); the matching ids are read
once from the index and counted with ``bincount``.
"""

from __future__ import annotations

import math
import re
import secrets
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html import escape
from itertools import pairwise

import numpy as np
from django.db import connection, transaction
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from doingoai.core import seed
from doingoai.core.batching import chunks
from doingoai.core.vntext import fold
from doingoai.monitoring.search.query import And, Not, Or, Query, QueryError, Word, parse_query
from doingoai.monitoring.search.snippets import highlight, snippet
from doingoai.monitoring.search.tokens import tokens

__all__ = [
    "FACETS", "Doc", "Result", "QueryError", "SearchIndexError", "document", "index_items",
    "index_item_ids", "remove_items", "rebuild", "clear", "optimize", "search", "rows_for",
    "terms_of", "words_of", "parse_query", "INDEX_VERSION",
]

TABLE = "library_search"
DOCS = "library_search_doc"
STATE = "library_search_state"
LOG = "library_search_log"
TERMS = "library_search_term"  # SQLite: every folded word indexed, to expand prefixes
MAX_EXPANSION = 64
# Bump when the tokens of an item change; an index of another version must be rebuilt.
INDEX_VERSION = 1
FACETS = ("theme", "kind", "year", "language", "collection")
MAX_PER_PAGE = 100
_CHUNK = 500
_LOG_KEEP = 10_000
_LANGUAGE_SPLIT = re.compile(r"[\s,;/]+")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})?$")
_FACET_VALUE = re.compile(r"^[\w-]{1,64}$")


class SearchIndexError(RuntimeError):
    pass


# --- documents -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    """An item as the index sees it."""

    item_id: int
    title: str
    fields: tuple[str, ...]  # the other text elements, each cut into words alone
    text: str
    facets: tuple[str, ...]  # "dimension:value"
    public: bool
    live: bool
    access: str
    removed: bool


_TEXT_FIELDS = ("creator", "subject", "description", "publisher", "contributor", "identifier", "source",
                "relation", "coverage", "rights")


@cache
def _theme_names() -> dict[str, tuple[str, ...]]:
    return {t["code"]: tuple(n for n in (t.get("vi"), t.get("en")) if n) for t in seed.themes()}


def languages_of(value: str) -> list[str]:
    """The language codes of ``Item.language`` ("vi, EN;zh" → ["vi", "en", "zh"])."""
    out = []
    for code in _LANGUAGE_SPLIT.split((value or "").strip().lower()):
        if _LANGUAGE_CODE.match(code) and code not in out:
            out.append(code)
    return out


def year_of(item) -> int | None:
    """The year of ``date``, else of first publication."""
    if item.date is not None:
        return item.date.year
    first = getattr(item, "first_published_at", None)
    if first is not None:
        from django.utils import timezone

        return timezone.localtime(first).year if timezone.is_aware(first) else first.year
    return None


def facet_values(item, collection_ids: Iterable[int]) -> tuple[str, ...]:
    out = [f"kind:{item.kind}"]
    year = year_of(item)
    if year is not None:
        out.append(f"year:{year}")
    out += [f"language:{code}" for code in languages_of(item.language)]
    themes = item.themes if isinstance(item.themes, list | tuple) else ()
    out += [f"theme:{code}" for code in dict.fromkeys(str(t) for t in themes) if _FACET_VALUE.match(code)]
    out += [f"collection:{int(c)}" for c in sorted(set(collection_ids))]
    return tuple(out)


def document(item, *, text: str | None = None, collection_ids: Iterable[int] | None = None) -> Doc:
    """The index document of ``item``; ``text`` (the full text) and ``collection_ids`` are read
    from the database when not given."""
    from .models import Access

    if collection_ids is None:
        collection_ids = item.collections.values_list("pk", flat=True) if item.pk else ()
    if text is None:
        text = item.text or ""
        if not text and item.pk:
            text = "\n".join(item.text_pages.order_by("number").values_list("text", flat=True))
    fields = [getattr(item, name) or "" for name in _TEXT_FIELDS]
    themes = item.themes if isinstance(item.themes, list | tuple) else ()
    for code in themes:
        fields.extend(_theme_names().get(str(code), ()))
    removed = item.removed_at is not None
    return Doc(
        item_id=item.pk,
        title=item.title or "",
        fields=tuple(f for f in fields if f),
        text=text,
        facets=facet_values(item, collection_ids),
        public=bool(item.live and item.access == Access.PUBLIC and not removed),
        live=bool(item.live),
        access=item.access,
        removed=removed,
    )


def _visibility(public: bool, removed: bool) -> list[str]:
    if removed:
        return ["_vr"]
    return ["_vp", "_va"] if public else ["_va"]


def _terms(title: str, fields: Iterable[str], text: str, public: bool, removed: bool) -> list[str]:
    out: set[str] = set(_visibility(public, removed))
    head = tokens(title)
    out.update("_t" + t.folded for t in head)
    for part in (head, *(tokens(f) for f in fields), tokens(text)):
        for t in part:
            out.add(t.folded)
            if t.exact != t.folded:
                out.add("_e" + t.exact)
        out.update(f"_b{a.folded}_{b.folded}" for a, b in pairwise(part))
    return list(out)  # no order: the index keeps no positions


def terms_of(doc: Doc) -> list[str]:
    """The distinct tokens of a document (what the index holds for it)."""
    return _terms(doc.title, doc.fields, doc.text, doc.public, doc.removed)


def words_of(fts_row: tuple) -> set[str]:
    """The folded words of an FTS row (not the index's own ``_`` tokens): the vocabulary that
    prefixes expand into."""
    return {t for t in fts_row[1].split(" ") if not t.startswith("_")}


def _pack(doc: Doc) -> bytes:
    return zlib.compress("\x00".join([doc.title, "\x1f".join(doc.fields), doc.text]).encode(), 1)


def _unpack(blob: bytes) -> tuple[str, tuple[str, ...], str]:
    title, fields, text = zlib.decompress(bytes(blob)).decode().split("\x00", 2)
    return title, tuple(f for f in fields.split("\x1f") if f), text


def rows_for(doc: Doc, generation: int = 0) -> tuple[tuple, tuple]:
    """(FTS row, document row) of one item on SQLite: what ``index_items`` inserts, for bulk
    loaders (``bench/catalogue.py``)."""
    fts = (doc.item_id, " ".join(terms_of(doc)))
    saved = (doc.item_id, INDEX_VERSION, generation, int(doc.public), int(doc.live), doc.access,
             int(doc.removed), " ".join(doc.facets), _pack(doc))
    return fts, saved


# --- writing ---------------------------------------------------------------------------------

def _docs(items: Iterable) -> Iterator[Doc]:
    """Documents of items, a chunk at a time (collections and page texts in one query each)."""
    from .models import Item, ItemPage

    for chunk in chunks(items, _CHUNK):
        ids = [i.pk for i in chunk]
        through = Item.collections.through
        collections: dict[int, list[int]] = {}
        for item_id, collection_id in through.objects.filter(item_id__in=ids).values_list(
                "item_id", "collection_id"):
            collections.setdefault(item_id, []).append(collection_id)
        without_text = [i.pk for i in chunk if not i.text]
        pages: dict[int, list[str]] = {}
        if without_text:
            for item_id, text in ItemPage.objects.filter(item_id__in=without_text).order_by(
                    "item_id", "number").values_list("item_id", "text"):
                pages.setdefault(item_id, []).append(text)
        for item in chunk:
            text = item.text or "\n".join(pages.get(item.pk, ()))
            yield document(item, text=text, collection_ids=collections.get(item.pk, ()))


def _next_generation(cur) -> int:
    cur.execute(f"UPDATE {STATE} SET generation = generation + 1 WHERE id = 1")
    cur.execute(f"SELECT generation FROM {STATE} WHERE id = 1")
    generation = cur.fetchone()[0]
    cur.execute(f"INSERT INTO {LOG} (generation, stamp) VALUES (%s, %s)", [generation, secrets.randbits(62)])
    if generation % 1000 == 0:
        cur.execute(f"DELETE FROM {LOG} WHERE generation < %s", [generation - _LOG_KEEP])
    return generation


def index_items(items: Iterable) -> int:
    """Add these items to the index or bring their entries up to date (idempotent: an
    unchanged item is not rewritten). Returns how many entries were written."""
    backend = _backend()
    written = 0
    for chunk in chunks(_docs(items), _CHUNK):
        with transaction.atomic(), connection.cursor() as cur:
            written += backend.upsert(cur, chunk)
    return written


def index_item_ids(ids: Iterable[int]) -> int:
    """Index the items with these ids as they are now in the database; ids of items that no
    longer exist leave the index."""
    from .models import Item

    written = 0
    for chunk in chunks(sorted({int(i) for i in ids}), _CHUNK):
        items = list(Item.objects.filter(pk__in=chunk))
        written += index_items(items)
        gone = set(chunk) - {i.pk for i in items}
        if gone:
            remove_items(gone)
    return written


def remove_items(ids: Iterable[int]) -> int:
    """Take these items out of the index; returns how many were in it."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return 0
    with transaction.atomic(), connection.cursor() as cur:
        return _backend().remove(cur, ids)


def rebuild() -> int:
    """Empty the index and index every item again, a chunk per transaction."""
    from .models import Item

    clear()
    written, last = 0, 0
    while True:
        chunk = list(Item.objects.filter(pk__gt=last).order_by("pk")[:_CHUNK])
        if not chunk:
            break
        written += index_items(chunk)
        last = chunk[-1].pk
    optimize()
    return written


def clear() -> None:
    with transaction.atomic(), connection.cursor() as cur:
        _backend().clear(cur)
        _next_generation(cur)


def optimize() -> None:
    """Merge the index's segments (SQLite; after large loads)."""
    with connection.cursor() as cur:
        _backend().optimize(cur)


# --- backends --------------------------------------------------------------------------------

def _fts_string(token: str, prefix: bool = False) -> str:
    """An FTS5 string: every token is quoted, so no FTS5 syntax can come from the query."""
    return '"' + token.replace('"', '""') + '"' + (" *" if prefix else "")


def _all(parts: list[str], op: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {op} ".join(parts) + ")"


class _SQLite:
    """FTS5, contentless, ``detail=none``."""

    _INSERT = f"INSERT INTO {TABLE}(rowid, body) VALUES (%s, %s)"
    _DELETE = f"INSERT INTO {TABLE}({TABLE}, rowid, body) VALUES ('delete', %s, %s)"
    _SAVE = (f"INSERT OR REPLACE INTO {DOCS}(item_id, version, generation, public, live, access, removed, "
             f"facets, source) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)")

    # -- writing --

    @staticmethod
    def _existing(cur, ids) -> dict[int, tuple]:
        found = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            cur.execute(f"SELECT item_id, version, public, removed, facets, source, live, access FROM {DOCS} "
                        f"WHERE item_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.update({row[0]: row for row in cur.fetchall()})
        return found

    @staticmethod
    def _old_body(row) -> str:
        _, version, public, removed, _facets, blob, _live, _access = row
        if version != INDEX_VERSION:
            raise SearchIndexError(
                "Chỉ mục tìm kiếm thư viện được tạo bằng phiên bản cũ: hãy dựng lại chỉ mục "
                "(doingoai.library.search.rebuild()) trước khi cập nhật.")
        title, fields, text = _unpack(blob)
        return " ".join(_terms(title, fields, text, bool(public), bool(removed)))

    def upsert(self, cur, docs: list[Doc]) -> int:
        existing = self._existing(cur, [d.item_id for d in docs])
        deletes, inserts, saves = [], [], []
        for doc in docs:
            old = existing.get(doc.item_id)
            if old is not None:
                _, version, public, removed, facets, blob, live, access = old
                if (version == INDEX_VERSION and bool(public) == doc.public and bool(removed) == doc.removed
                        and bool(live) == doc.live and access == doc.access
                        and facets == " ".join(doc.facets) and _unpack(blob) == (doc.title, doc.fields, doc.text)):
                    continue
                deletes.append((doc.item_id, self._old_body(old)))
            fts, saved = rows_for(doc)
            inserts.append(fts)
            saves.append(saved)
        if not inserts:
            return 0
        generation = _next_generation(cur)
        if deletes:
            cur.executemany(self._DELETE, deletes)
        cur.executemany(self._INSERT, inserts)
        cur.executemany(self._SAVE, [(*s[:2], generation, *s[3:]) for s in saves])
        words = set().union(*(words_of(fts) for fts in inserts))
        cur.executemany(f"INSERT OR IGNORE INTO {TERMS}(term) VALUES (%s)", [(w,) for w in sorted(words)])
        return len(inserts)

    def remove(self, cur, ids: list[int]) -> int:
        existing = self._existing(cur, ids)
        if existing:
            _next_generation(cur)
            cur.executemany(self._DELETE, [(i, self._old_body(row)) for i, row in existing.items()])
            cur.executemany(f"DELETE FROM {DOCS} WHERE item_id = %s", [(i,) for i in existing])
        return len(existing)

    def clear(self, cur) -> None:
        cur.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
        cur.execute(f"DELETE FROM {DOCS}")
        cur.execute(f"DELETE FROM {TERMS}")

    def optimize(self, cur) -> None:
        cur.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")

    # -- reading --

    @staticmethod
    def _leaf(word: Word, mode: str, expand) -> str:
        toks = word.tokens
        if mode == "exact":  # each word typed with diacritics, as written
            parts = [_fts_string("_e" + t.exact) for t in toks[:-1]]
            parts.append(_fts_string("_e" + toks[-1].exact, word.prefix))
            return _all(parts, "AND")
        if mode == "title":
            parts = [_fts_string("_t" + t.folded) for t in toks[:-1]]
            parts.append(_fts_string("_t" + toks[-1].folded, word.prefix))
            return _all(parts, "AND")
        if len(toks) == 1:
            if word.prefix and expand is not None:
                terms = expand(toks[0].folded)
                if terms is not None:
                    return _all([_fts_string(t) for t in terms], "OR") if terms else _fts_string("_none")
            return _fts_string(toks[0].folded, word.prefix)
        last = len(toks) - 2
        return _all([_fts_string(f"_b{a.folded}_{b.folded}", word.prefix and k == last)
                     for k, (a, b) in enumerate(pairwise(toks))], "AND")

    def render(self, node, mode: str = "text", expand=None) -> str:
        if isinstance(node, Word):
            return self._leaf(node, mode, expand)
        if isinstance(node, Or):
            return "(" + " OR ".join(self.render(i, mode, expand) for i in node.items) + ")"
        if isinstance(node, And):
            positive = [self.render(i, mode, expand) for i in node.items if not isinstance(i, Not)]
            negative = [self.render(i.item, mode, expand) for i in node.items if isinstance(i, Not)]
            expr = _all(positive, "AND")
            if negative:
                expr = f"({expr} NOT {_all(negative, 'OR')})"
            return expr
        raise TypeError(node)

    @staticmethod
    def _expander(cur):
        """A prefix → the indexed words that begin with it (None: more than ``MAX_EXPANSION``).
        FTS5's own prefix query merges every such posting list before the first row, even
        beside a rare word; an OR of the words is read lazily, skipping along the rare one."""
        def expand(prefix: str) -> list[str] | None:
            cur.execute(f"SELECT term FROM {TERMS} WHERE term >= %s AND term < %s ORDER BY term LIMIT %s",
                        [prefix, prefix + "\U0010ffff", MAX_EXPANSION + 1])
            terms = [row[0] for row in cur.fetchall()]
            return terms if len(terms) <= MAX_EXPANSION else None

        return expand

    @staticmethod
    def _ids(cur, match: str, low: int | None = None, high: int | None = None) -> np.ndarray:
        """The rowids matching ``match``, ascending: read as one string (a Python object per
        row would cost more than the search itself at 100,000 matches)."""
        sql, params = f"SELECT group_concat(rowid, ' ') FROM {TABLE} WHERE {TABLE} MATCH %s", [match]
        if low is not None:
            sql += " AND rowid BETWEEN %s AND %s"
            params += [low, high]
        cur.execute(sql, params)
        text = cur.fetchone()[0]
        if not text:
            return np.empty(0, dtype=np.int64)
        ids = np.fromstring(text, dtype=np.int64, sep=" ")
        if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):  # FTS5 reads in rowid order
            ids = np.unique(ids)
        return ids

    def match(self, cur, query: Query | None, public: bool):
        scope = _fts_string("_vp" if public else "_va")
        expr = scope if query is None else f"({self.render(query.root, 'text', self._expander(cur))} AND {scope})"
        return self._ids(cur, expr), None

    def scores(self, cur, query: Query | None, ids: np.ndarray, _precomputed) -> np.ndarray:
        score = np.zeros(len(ids), dtype=np.int64)
        if query is None or len(ids) <= 1:
            return score
        features = [(4, _fts_string(f"_b{p.first.folded}_{p.second.folded}", p.prefix)) for p in query.pairs]
        if query.exact is not None:
            features.append((2, self.render(query.exact, "exact")))
        features.append((1, self.render(query.positive, "title")))
        low, high = int(ids[0]), int(ids[-1])
        for weight, expr in features:
            having = self._ids(cur, expr, low, high)
            if len(having):
                score += weight * np.isin(ids, having, assume_unique=True, kind="sort")
        return score


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


class _PostgreSQL:
    """A ``tsvector`` of the same tokens, GIN; the scores computed with the match."""

    _UPSERT = f"""
INSERT INTO {DOCS} AS d (item_id, generation, public, live, access, removed, facets, terms)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s::tsvector)
ON CONFLICT (item_id) DO UPDATE SET
    generation = EXCLUDED.generation, public = EXCLUDED.public, live = EXCLUDED.live,
    access = EXCLUDED.access, removed = EXCLUDED.removed, facets = EXCLUDED.facets, terms = EXCLUDED.terms
WHERE (d.public, d.live, d.access, d.removed, d.facets, d.terms)
    IS DISTINCT FROM (EXCLUDED.public, EXCLUDED.live, EXCLUDED.access, EXCLUDED.removed, EXCLUDED.facets,
                      EXCLUDED.terms)
"""
    MAX_VECTOR = 900_000  # PostgreSQL refuses a tsvector over 1 MB: the last word pairs are left out

    def _vector(self, doc: Doc) -> str:
        out, size = [], 0
        for term in terms_of(doc):
            lexeme = _lexeme(term)
            size += len(lexeme.encode()) + 8
            if size > self.MAX_VECTOR and term.startswith("_b"):
                continue
            out.append(lexeme)
        return " ".join(out)

    def upsert(self, cur, docs: list[Doc]) -> int:
        generation = _next_generation(cur)
        written = 0
        for doc in docs:
            cur.execute(self._UPSERT, [doc.item_id, generation, doc.public, doc.live, doc.access, doc.removed,
                                       " ".join(doc.facets), self._vector(doc)])
            written += cur.rowcount
        return written

    def remove(self, cur, ids: list[int]) -> int:
        _next_generation(cur)
        cur.execute(f"DELETE FROM {DOCS} WHERE item_id = ANY(%s)", [ids])
        return cur.rowcount

    def clear(self, cur) -> None:
        cur.execute(f"DELETE FROM {DOCS}")

    def optimize(self, cur) -> None:
        """Nothing to do: autovacuum merges the GIN index's pending list."""

    @staticmethod
    def _leaf(word: Word, mode: str) -> str:
        toks = word.tokens

        def lex(token: str, prefix: bool) -> str:
            return _lexeme(token) + (":*" if prefix else "")

        last = len(toks) - 1
        if mode in ("exact", "title"):
            mark, attr = ("_e", "exact") if mode == "exact" else ("_t", "folded")
            return _all([lex(mark + getattr(t, attr), word.prefix and k == last) for k, t in enumerate(toks)], "&")
        if len(toks) == 1:
            return lex(toks[0].folded, word.prefix)
        return _all([lex(f"_b{a.folded}_{b.folded}", word.prefix and k == last - 1)
                     for k, (a, b) in enumerate(pairwise(toks))], "&")

    def render(self, node, mode: str = "text") -> str:
        if isinstance(node, Word):
            return self._leaf(node, mode)
        if isinstance(node, Or):
            return "(" + " | ".join(self.render(i, mode) for i in node.items) + ")"
        if isinstance(node, And):
            parts = [self.render(i, mode) for i in node.items if not isinstance(i, Not)]
            parts += ["!" + self.render(i.item, mode) for i in node.items if isinstance(i, Not)]
            return _all(parts, "&")
        raise TypeError(node)

    def match(self, cur, query: Query | None, public: bool):
        scope = "public" if public else "NOT removed"
        if query is None:
            cur.execute(f"SELECT item_id, 0 FROM {DOCS} WHERE {scope} ORDER BY item_id")
        else:
            params: list = []
            parts = []
            for pair in query.pairs:
                parts.append("4 * (terms @@ %s::tsquery)::int")
                params.append(_lexeme(f"_b{pair.first.folded}_{pair.second.folded}") + (":*" if pair.prefix else ""))
            if query.exact is not None:
                parts.append("2 * (terms @@ %s::tsquery)::int")
                params.append(self.render(query.exact, "exact"))
            parts.append("(terms @@ %s::tsquery)::int")
            params.append(self.render(query.positive, "title"))
            cur.execute(f"SELECT item_id, {' + '.join(parts)} FROM {DOCS} WHERE terms @@ %s::tsquery AND {scope} "
                        f"ORDER BY item_id", [*params, self.render(query.root)])
        rows = cur.fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return ids, np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))

    def scores(self, cur, query, ids, precomputed) -> np.ndarray:
        return precomputed


_BACKENDS = {"sqlite": _SQLite(), "postgresql": _PostgreSQL()}


def _backend():
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise SearchIndexError(
            _("Tìm kiếm thư viện chưa hỗ trợ cơ sở dữ liệu «%(vendor)s».") % {"vendor": connection.vendor}
        ) from None


# --- facets in memory ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Pairs:
    """(item, facet value) pairs of the whole index as of ``generation``."""

    database: str
    generation: int
    stamp: int | None
    values: tuple[str, ...]        # code → "dimension:value"
    dims: np.ndarray               # code → index in FACETS
    items: np.ndarray              # pair → item id
    codes: np.ndarray              # pair → code

    def code_map(self) -> dict[str, int]:
        return {v: k for k, v in enumerate(self.values)}


_pairs_lock = threading.Lock()
_pairs: dict[str, _Pairs] = {}


def _parse_rows(rows, values: list[str], codes: dict[str, int], dims: list[int]):
    items, pcodes = [], []
    for item_id, facets in rows:
        for value in facets.split():
            code = codes.get(value)
            if code is None:
                dim = value.partition(":")[0]
                if dim not in FACETS:
                    continue
                code = codes[value] = len(values)
                values.append(value)
                dims.append(FACETS.index(dim))
            items.append(item_id)
            pcodes.append(code)
    return np.array(items, dtype=np.int64), np.array(pcodes, dtype=np.int32)


def _current_pairs(cur) -> _Pairs:
    """The pairs of the index as it is now, from this process's copy brought up to date."""
    database = f"{connection.alias}:{connection.settings_dict.get('NAME')}"
    cur.execute(f"SELECT s.generation, l.stamp FROM {STATE} s LEFT JOIN {LOG} l ON l.generation = s.generation "
                f"WHERE s.id = 1")
    generation, stamp = cur.fetchone()
    with _pairs_lock:
        known = _pairs.get(database)
        if known is not None and (known.generation, known.stamp) == (generation, stamp):
            return known
        incremental = False
        if known is not None and known.generation < generation:
            cur.execute(f"SELECT stamp FROM {LOG} WHERE generation = %s", [known.generation])
            row = cur.fetchone()
            incremental = row is not None and row[0] == known.stamp
        if incremental:
            cur.execute(f"SELECT item_id, facets FROM {DOCS} WHERE generation > %s", [known.generation])
            rows = cur.fetchall()
            values, dims = list(known.values), list(known.dims)
            items, codes = _parse_rows(rows, values, known.code_map(), dims)
            # Items taken out of the index leave their pairs behind: harmless, they match nothing.
            changed = np.array([r[0] for r in rows], dtype=np.int64)
            keep = ~np.isin(known.items, changed)
            fresh = _Pairs(database, generation, stamp, tuple(values), np.array(dims, dtype=np.int8),
                           np.concatenate([known.items[keep], items]), np.concatenate([known.codes[keep], codes]))
        else:
            cur.execute(f"SELECT item_id, facets FROM {DOCS}")
            values, dims = [], []
            items, codes = _parse_rows(cur.fetchall(), values, {}, dims)
            fresh = _Pairs(database, generation, stamp, tuple(values), np.array(dims, dtype=np.int8), items, codes)
        _pairs[database] = fresh
        return fresh


def _normalize_facets(facets: dict | None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for dim, values in (facets or {}).items():
        if dim not in FACETS:
            continue
        if isinstance(values, str | int):
            values = [values]
        chosen = {str(v).strip() for v in values if str(v).strip() and _FACET_VALUE.match(str(v).strip())}
        if chosen:
            out[dim] = chosen
    return out


def _count(pairs: _Pairs, matched: np.ndarray, selected: dict[str, set[str]]):
    """(mask of ``matched`` that passes every selection, counts per dimension)."""
    size = int(max(matched[-1] if len(matched) else 0, pairs.items.max() if len(pairs.items) else 0)) + 1
    in_match = np.zeros(size, dtype=bool)
    in_match[matched] = True
    code_of = pairs.code_map()
    passing: dict[str, np.ndarray] = {}
    for dim, values in selected.items():
        wanted = np.zeros(len(pairs.values) + 1, dtype=bool)
        for value in values:
            code = code_of.get(f"{dim}:{value}")
            if code is not None:
                wanted[code] = True
        ok = np.zeros(size, dtype=bool)
        ok[pairs.items[wanted[pairs.codes]]] = True
        passing[dim] = ok

    def base(without: str | None) -> np.ndarray:
        mask = in_match.copy()
        for dim, ok in passing.items():
            if dim != without:
                mask &= ok
        return mask

    everything = base(None)
    counts: dict[str, dict[str, int]] = {dim: {} for dim in FACETS}
    groups = [None] if not passing else [None, *passing]
    for group in groups:
        mask = everything if group is None else base(group)
        tallied = np.bincount(pairs.codes[mask[pairs.items]], minlength=len(pairs.values))
        for code in np.flatnonzero(tallied):
            dim_index = int(pairs.dims[code])
            dim = FACETS[dim_index]
            if group is None and dim in passing:
                continue  # counted with its own selection left out
            if group is not None and dim != group:
                continue
            counts[dim][pairs.values[code].partition(":")[2]] = int(tallied[code])
    return everything[matched], counts


# --- searching -------------------------------------------------------------------------------

@dataclass
class Result:
    """One page of results: ``total`` matches, ``items`` (Item objects, best first),
    ``facet_counts`` (dimension → value → count over every match), ``snippets`` and
    ``titles`` (item id → HTML: escaped, matches in ``<mark>``), ``pages`` (item id → the
    number of the page where the snippet comes from, when the text has pages)."""

    total: int
    items: list = field(default_factory=list)
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    snippets: dict[int, str] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    pages: dict[int, int] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20
    query: Query | None = None
    selected: dict[str, set[str]] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search(query: str | Query | None, *, facets: dict | None = None, page: int = 1, per_page: int = 20,
           public: bool = True) -> Result:
    """Items matching ``query`` (empty: every item) and the chosen ``facets`` (dimension →
    values), best first, one page of ``per_page``. ``public``: only items the public may see
    (else every item not removed; the caller checks each one's access). Raises ``QueryError``
    (a message in Vietnamese for the person who typed it) for a query that cannot be searched."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    page = max(1, int(page))
    if isinstance(query, Query):
        parsed = query
    else:
        parsed = parse_query(query) if (query or "").strip() else None
    selected = _normalize_facets(facets)
    backend = _backend()
    with connection.cursor() as cur:
        matched, precomputed = backend.match(cur, parsed, public)
        pairs = _current_pairs(cur)
        keep, counts = _count(pairs, matched, selected)
        ids = matched[keep]
        score = backend.scores(cur, parsed, ids, None if precomputed is None else precomputed[keep])
    total = len(ids)
    order = np.lexsort((ids, score))[::-1]  # score, then newest (highest id) first
    start = (page - 1) * per_page
    page_ids = [int(i) for i in ids[order[start:start + per_page]]]
    result = Result(total=total, facet_counts=counts, page=page, per_page=per_page, query=parsed,
                    selected=selected)
    if page_ids:
        _fill(result, page_ids, parsed, public)
    return result


def _fill(result: Result, page_ids: list[int], query: Query | None, public: bool) -> None:
    from .access import public_items
    from .models import Item, ItemPage

    rows = (public_items() if public else Item.objects.filter(removed_at__isnull=True)).defer("text", "folded")
    found = rows.in_bulk(page_ids)
    result.items = [found[i] for i in page_ids if i in found]
    for item in result.items:
        result.titles[item.pk] = highlight(item.title, query) if query is not None else escape(item.title)
    if query is None:
        return
    ids = [i.pk for i in result.items]
    texts = dict(Item.objects.filter(pk__in=ids).exclude(text="").values_list("pk", Substr("text", 1, SNIPPET_SOURCE)))
    pages: dict[int, list[tuple[int, str]]] = {}
    for item_id, number, text in ItemPage.objects.filter(item_id__in=[i for i in ids if i not in texts]).order_by(
            "item_id", "number").values_list("item_id", "number", "text").iterator():
        pages.setdefault(item_id, []).append((number, text))
    for item in result.items:
        if item.pk in texts or item.pk not in pages:
            html = snippet(texts.get(item.pk, ""), query)
        else:
            html, number = _page_snippet(pages[item.pk], query)
            if number is not None:
                result.pages[item.pk] = number
        if "<mark>" not in html and item.description:
            html = snippet(item.description, query)
        result.snippets[item.pk] = html


SNIPPET_SOURCE = 200_000  # characters of an item's text read for its snippet


def _page_snippet(pages: list[tuple[int, str]], query: Query) -> tuple[str, int | None]:
    """The snippet of the page that shows the most of the query's words (the first of
    equals; words looked for in the folded page, a cheap test before the exact one of
    ``snippet``), and its number."""
    words = {t.folded for w in query.words for t in w.tokens}
    best, best_score = None, 0
    for number, text in pages:
        folded = fold(text)
        score = sum(1 for w in words if w in folded)
        if score > best_score:
            best, best_score = (number, text), score
            if score == len(words):
                break
    if best is None:
        return "", None
    html = snippet(best[1], query)
    return html, (best[0] if "<mark>" in html else None)

