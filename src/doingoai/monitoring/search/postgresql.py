"""Article search on PostgreSQL: a table of its own with two ``tsvector`` columns and a GIN index.

``monitoring_search_doc`` (migration 0002), one row per indexed article:

    folded     tsvector   folded words of title (weight A) and text (weight D), positions kept
    exact      tsvector   the same words as written, lower case (the "exact diacritics" tier)
    day        date       day of publication in the platform's time zone
    language, source_id, country, themes (text[]), sentiment, relevant, relevance — the filters

GIN on ``folded``; B-tree on ``day``. The vectors are built here, word by word, from the same
tokens as on SQLite (``tokens.tokens``, folded by ``core.vntext.fold``); no text search
configuration, parser or dictionary of PostgreSQL is involved, so what PostgreSQL matches is
exactly what SQLite matches. Queries are built the same way, every word quoted as a lexeme.

Phrases use ``<->``, prefixes ``:*``, the title tier the weight ``:A``. Ranking follows
``base``: side-by-side pairs, exact diacritics, title, newest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from .base import Filters, IndexDoc, tier_score
from .query import And, Not, Or, Query, Word
from .tokens import tokens

DOCS = "monitoring_search_doc"
MAX_POSITION = 16383  # PostgreSQL keeps positions up to here
MAX_POSITIONS_PER_WORD = 255

_UPSERT = f"""
INSERT INTO {DOCS} AS d (article_id, folded, exact, day, language, source_id, country, themes,
                    sentiment, relevant, relevance)
VALUES (%s, %s::tsvector, %s::tsvector, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (article_id) DO UPDATE SET
    folded = EXCLUDED.folded, exact = EXCLUDED.exact, day = EXCLUDED.day,
    language = EXCLUDED.language, source_id = EXCLUDED.source_id, country = EXCLUDED.country,
    themes = EXCLUDED.themes, sentiment = EXCLUDED.sentiment, relevant = EXCLUDED.relevant,
    relevance = EXCLUDED.relevance
WHERE (d.folded, d.exact, d.day, d.language, d.source_id, d.country, d.themes, d.sentiment,
       d.relevant, d.relevance)
    IS DISTINCT FROM (EXCLUDED.folded, EXCLUDED.exact, EXCLUDED.day, EXCLUDED.language,
                      EXCLUDED.source_id, EXCLUDED.country, EXCLUDED.themes, EXCLUDED.sentiment,
                      EXCLUDED.relevant, EXCLUDED.relevance)
"""


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector(title_words: list[str], body_words: list[str]) -> str:
    """A tsvector literal: title words at positions 1…n with weight A, text words after a gap."""
    positions: dict[str, list[str]] = {}
    entries = [(i + 1, w, "A") for i, w in enumerate(title_words)]
    start = len(title_words) + 2
    entries += [(start + i, w, "") for i, w in enumerate(body_words)]
    for position, word, weight in entries:
        seen = positions.setdefault(word, [])
        if len(seen) < MAX_POSITIONS_PER_WORD:
            seen.append(f"{min(position, MAX_POSITION)}{weight}")
    return " ".join(f"{_lexeme(w)}:{','.join(dict.fromkeys(p))}" for w, p in positions.items())


def _row(doc: IndexDoc) -> tuple:
    head, body = tokens(doc.title), tokens(doc.text)
    return (
        doc.article_id,
        _vector([t.folded for t in head], [t.folded for t in body]),
        _vector([t.exact for t in head], [t.exact for t in body]),
        doc.day,
        doc.language,
        doc.source_id,
        doc.country.upper(),
        sorted(set(doc.themes)),
        doc.sentiment,
        bool(doc.relevant),
        float(doc.relevance),
    )


def upsert(docs: Iterable[IndexDoc]) -> int:
    """Insert or replace these documents; unchanged ones are left alone. Returns how many
    were written."""
    written = 0
    with transaction.atomic(), connection.cursor() as cur:
        for doc in docs:
            cur.execute(_UPSERT, _row(doc))
            written += cur.rowcount
    return written


def remove(ids: Iterable[int]) -> int:
    ids = sorted({int(i) for i in ids})
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {DOCS} WHERE article_id = ANY(%s)", [ids])
        return cur.rowcount


def clear() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {DOCS}")


def optimize() -> None:
    """Nothing to do: PostgreSQL maintains the GIN index (autovacuum merges its pending list)."""


# --- queries ---------------------------------------------------------------------------------

def _leaf(word: Word, mode: str) -> str:
    toks = word.tokens
    if mode == "exact":  # each word typed with diacritics, as written, anywhere
        parts = [_lexeme(t.exact) + (":*" if word.prefix and k == len(toks) - 1 else "") for k, t in enumerate(toks)]
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"
    weight = "A" if mode == "title" else ""
    parts = []
    for k, token in enumerate(toks):
        label = ("*" if word.prefix and k == len(toks) - 1 else "") + weight
        parts.append(_lexeme(token.folded) + (f":{label}" if label else ""))
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def _render(node, mode: str) -> str:
    if isinstance(node, Word):
        return _leaf(node, mode)
    if isinstance(node, Or):
        return "(" + " | ".join(_render(i, mode) for i in node.items) + ")"
    if isinstance(node, And):
        parts = [_render(i, mode) for i in node.items if not isinstance(i, Not)]
        parts += ["!" + _render(i.item, mode) for i in node.items if isinstance(i, Not)]
        return "(" + " & ".join(parts) + ")"
    raise TypeError(node)


def _where(query: Query, filters: Filters) -> tuple[str, list]:
    clauses, params = ["folded @@ %s::tsquery"], [_render(query.root, "text")]
    if filters.date_from is not None:
        clauses.append("day >= %s")
        params.append(filters.date_from)
    if filters.date_to is not None:
        clauses.append("day <= %s")
        params.append(filters.date_to)
    for column, values in (("language", filters.languages), ("source_id", filters.source_ids),
                           ("country", filters.countries), ("sentiment", filters.sentiments)):
        if values:
            clauses.append(f"{column} = ANY(%s)")
            params.append(list(values))
    if filters.themes:
        clauses.append("themes && %s::text[]")
        params.append(list(filters.themes))
    if filters.relevant_only:
        clauses.append("relevant")
    if filters.min_relevance is not None:
        clauses.append("relevance >= %s")
        params.append(filters.min_relevance)
    if filters.ids is not None:
        clauses.append("article_id = ANY(%s::bigint[])")
        params.append(list(filters.ids))
    return " AND ".join(clauses), params


def _ranked(query: Query, filters: Filters) -> tuple[str, list]:
    """SELECT article_id, level, exact, title … ORDER BY the ranking of ``base``."""
    where, where_params = _where(query, filters)
    params: list = []
    if query.pairs:
        pair_sql = []
        for pair in query.pairs:
            pair_sql.append("(folded @@ %s::tsquery)::int")
            second = _lexeme(pair.second.folded) + (":*" if pair.prefix else "")
            params.append(f"{_lexeme(pair.first.folded)} <-> {second}")
        level = "(" + " + ".join(pair_sql) + ")"
    else:
        level = "0"
    if query.exact is not None:
        exact = "(exact @@ %s::tsquery)"
        params.append(_render(query.exact, "exact"))
    else:
        exact = "false"
    title = "(folded @@ %s::tsquery)"
    params.append(_render(query.positive, "title"))
    sql = (f"SELECT article_id, {level} AS level, {exact} AS exact, {title} AS title FROM {DOCS} "
           f"WHERE {where} ORDER BY level DESC, exact DESC, title DESC, article_id DESC")
    return sql, params + where_params


def search(query: Query, filters: Filters, limit: int, offset: int) -> tuple[int, list[tuple[int, float]]]:
    total = count(query, filters)
    if total == 0 or offset >= total or limit <= 0:
        return total, []
    sql, params = _ranked(query, filters)
    with connection.cursor() as cur:
        cur.execute(sql + " LIMIT %s OFFSET %s", [*params, limit, offset])
        return total, [(row[0], tier_score(row[1], row[2], row[3])) for row in cur.fetchall()]


def count(query: Query, filters: Filters) -> int:
    where, params = _where(query, filters)
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {DOCS} WHERE {where}", params)
        return cur.fetchone()[0]


def iter_ids(query: Query, filters: Filters, batch: int) -> Iterator[list[int]]:
    """Every match in ranking order, through a server-side cursor (``batch`` rows a fetch)."""
    sql, params = _ranked(query, filters)
    # Named cursor; outside a transaction Django declares it WITH HOLD.
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield [row[0] for row in rows]
    finally:
        cursor.close()
