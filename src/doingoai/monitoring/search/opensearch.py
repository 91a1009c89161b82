"""Article search on an OpenSearch 2/3 cluster — an adapter skeleton, for ``SEARCH_BACKEND=opensearch``.

Status: written against the OpenSearch REST API and the same tokens, query tree and ranking as
the database backends, but NOT yet run against a cluster nor covered by tests. Before relying
on it: create the index (``ensure_index``), ``rebuild`` the articles into it, and compare its
results with the database backend on the test suite's cases.

Unless ``settings.SEARCH_BACKEND == "opensearch"`` (and ``OPENSEARCH_URL`` is set) every function
raises ``SearchConfigError`` ("chưa cấu hình OpenSearch").

Design (the same document as on SQLite, in OpenSearch fields):

    text     text, whitespace analyzer   folded words of title and text (``fold``, in Python)
    exact    text, whitespace analyzer   the words as written, lower case
    title    text, whitespace analyzer   folded words of the title
    day      date                        day of publication (Asia/Ho_Chi_Minh)
    language, country, sentiment, themes: keyword; source_id, article_id: long;
    relevant: boolean; relevance: float

The words are folded and cut here, never by an OpenSearch analyzer, so that the cluster
matches what the databases match. A query is a ``bool`` built from the query tree (a word is
a ``term``, a phrase a ``match_phrase``, a prefix a ``prefix`` or ``match_phrase_prefix``); the
ranking of ``base`` is rebuilt with ``constant_score`` clauses in ``should`` — 4 per side-by-side
pair, 2 for exact diacritics, 1 for the title — so that ``_score`` equals ``base.tier_score``,
and ties are sorted by ``article_id`` descending.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from .base import Filters, IndexDoc, SearchConfigError
from .query import And, Not, Or, Query, Word
from .tokens import tokens

INDEX = "doingoai-articles"
_TIMEOUT = 30.0

MAPPING = {
    "settings": {"index": {"number_of_shards": 1}},
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "article_id": {"type": "long"},
            "text": {"type": "text", "analyzer": "whitespace", "similarity": "boolean"},
            "exact": {"type": "text", "analyzer": "whitespace", "similarity": "boolean"},
            "title": {"type": "text", "analyzer": "whitespace", "similarity": "boolean"},
            "day": {"type": "date", "format": "yyyy-MM-dd"},
            "language": {"type": "keyword"},
            "source_id": {"type": "long"},
            "country": {"type": "keyword"},
            "themes": {"type": "keyword"},
            "sentiment": {"type": "keyword"},
            "relevant": {"type": "boolean"},
            "relevance": {"type": "float"},
        },
    },
}


def _client():
    if getattr(settings, "SEARCH_BACKEND", "database") != "opensearch" or not getattr(settings, "OPENSEARCH_URL", None):
        raise SearchConfigError(
            _("Tìm kiếm bài báo: chưa cấu hình OpenSearch (cần SEARCH_BACKEND=opensearch và OPENSEARCH_URL).")
        )
    import httpx

    return httpx.Client(base_url=settings.OPENSEARCH_URL.rstrip("/"), timeout=_TIMEOUT)


def _check(response) -> dict:
    if response.status_code >= 400:
        raise SearchConfigError(_("OpenSearch trả lỗi %(status)s: %(detail)s")
                                % {"status": response.status_code, "detail": response.text[:300]})
    return response.json() if response.content else {}


def ensure_index() -> None:
    with _client() as client:
        if client.head(f"/{INDEX}").status_code == 404:
            _check(client.put(f"/{INDEX}", json=MAPPING))


def _document(doc: IndexDoc) -> dict:
    head, body = tokens(doc.title), tokens(doc.text)
    return {
        "article_id": doc.article_id,
        "text": " ".join(t.folded for t in head + body),
        "exact": " ".join(t.exact for t in head + body),
        "title": " ".join(t.folded for t in head),
        "day": doc.day.isoformat() if doc.day else None,
        "language": doc.language,
        "source_id": doc.source_id,
        "country": doc.country.upper(),
        "themes": sorted(set(doc.themes)),
        "sentiment": doc.sentiment,
        "relevant": bool(doc.relevant),
        "relevance": float(doc.relevance),
    }


def _bulk(lines: list[dict]) -> None:
    import json

    if not lines:
        return
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    with _client() as client:
        result = _check(client.post("/_bulk", content=body.encode(),
                                    headers={"Content-Type": "application/x-ndjson"}))
    if result.get("errors"):
        raise SearchConfigError(_("OpenSearch từ chối một phần dữ liệu chỉ mục (xem phản hồi _bulk)."))


def upsert(docs: Iterable[IndexDoc]) -> int:
    lines, written = [], 0
    for doc in docs:
        lines += [{"index": {"_index": INDEX, "_id": str(doc.article_id)}}, _document(doc)]
        written += 1
        if len(lines) >= 1000:
            _bulk(lines)
            lines = []
    _bulk(lines)
    return written


def remove(ids: Iterable[int]) -> int:
    ids = [int(i) for i in ids]
    _bulk([{"delete": {"_index": INDEX, "_id": str(i)}} for i in ids])
    return len(ids)


def clear() -> None:
    with _client() as client:
        _check(client.post(f"/{INDEX}/_delete_by_query", json={"query": {"match_all": {}}}))


def optimize() -> None:
    with _client() as client:
        _check(client.post(f"/{INDEX}/_forcemerge", params={"max_num_segments": 1}))


# --- queries ---------------------------------------------------------------------------------

def _leaf(word: Word, mode: str) -> dict:
    field = {"text": "text", "exact": "exact", "title": "title"}[mode]
    words = [t.exact if mode == "exact" else t.folded for t in word.tokens]
    if mode == "exact":  # each word typed with diacritics, anywhere
        clauses = [{"term": {field: w}} for w in words[:-1]]
        last = words[-1]
        clauses.append({"prefix": {field: last}} if word.prefix else {"term": {field: last}})
        return clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}
    if len(words) == 1:
        return {"prefix": {field: words[0]}} if word.prefix else {"term": {field: words[0]}}
    kind = "match_phrase_prefix" if word.prefix else "match_phrase"
    return {kind: {field: " ".join(words)}}


def _render(node, mode: str) -> dict:
    if isinstance(node, Word):
        return _leaf(node, mode)
    if isinstance(node, Or):
        return {"bool": {"should": [_render(i, mode) for i in node.items], "minimum_should_match": 1}}
    if isinstance(node, And):
        return {"bool": {
            "filter": [_render(i, mode) for i in node.items if not isinstance(i, Not)],
            "must_not": [_render(i.item, mode) for i in node.items if isinstance(i, Not)],
        }}
    raise TypeError(node)


def _filters(filters: Filters) -> list[dict]:
    out: list[dict] = []
    if filters.date_from or filters.date_to:
        bounds = {}
        if filters.date_from:
            bounds["gte"] = filters.date_from.isoformat()
        if filters.date_to:
            bounds["lte"] = filters.date_to.isoformat()
        out.append({"range": {"day": bounds}})
    for field, values in (("language", filters.languages), ("source_id", filters.source_ids),
                          ("country", filters.countries), ("themes", filters.themes),
                          ("sentiment", filters.sentiments)):
        if values:
            out.append({"terms": {field: list(values)}})
    if filters.relevant_only:
        out.append({"term": {"relevant": True}})
    if filters.min_relevance is not None:
        out.append({"range": {"relevance": {"gte": filters.min_relevance}}})
    if filters.ids is not None:
        out.append({"terms": {"article_id": list(filters.ids)}})
    return out


def _body(query: Query, filters: Filters) -> dict:
    should = []
    for pair in query.pairs:
        phrase = f"{pair.first.folded} {pair.second.folded}"
        clause = {"match_phrase_prefix" if pair.prefix else "match_phrase": {"text": phrase}}
        should.append({"constant_score": {"filter": clause, "boost": 4}})
    if query.exact is not None:
        should.append({"constant_score": {"filter": _render(query.exact, "exact"), "boost": 2}})
    should.append({"constant_score": {"filter": _render(query.positive, "title"), "boost": 1}})
    return {"query": {"bool": {"filter": [_render(query.root, "text"), *_filters(filters)], "should": should}}}


_SORT = [{"_score": "desc"}, {"article_id": "desc"}]


def search(query: Query, filters: Filters, limit: int, offset: int) -> tuple[int, list[tuple[int, float]]]:
    body = {**_body(query, filters), "sort": _SORT, "from": offset, "size": limit, "_source": False,
            "track_total_hits": True, "track_scores": True}
    with _client() as client:
        result = _check(client.post(f"/{INDEX}/_search", json=body))
    hits = result["hits"]
    return hits["total"]["value"], [(int(h["_id"]), float(h["_score"] or 0)) for h in hits["hits"]]


def count(query: Query, filters: Filters) -> int:
    body = {"query": _body(query, filters)["query"]}
    with _client() as client:
        return _check(client.post(f"/{INDEX}/_count", json=body))["count"]


def iter_ids(query: Query, filters: Filters, batch: int) -> Iterator[list[int]]:
    """Every match in ranking order, ``batch`` at a time with ``search_after``."""
    after = None
    with _client() as client:
        while True:
            body = {**_body(query, filters), "sort": _SORT, "size": batch, "_source": False,
                    "track_scores": True}
            if after is not None:
                body["search_after"] = after
            hits = _check(client.post(f"/{INDEX}/_search", json=body))["hits"]["hits"]
            if not hits:
                return
            yield [int(h["_id"]) for h in hits]
            after = hits[-1]["sort"]
