"""Stories: near-duplicate articles (syndicated copies, light rewrites) grouped as one.

Each article gets a MinHash ``signature`` (datasketch, 128 permutations, 512 bytes) of its
shingles; ``StoryIndex.assign`` finds earlier articles sharing an LSH band with it, checks
them with the full signature (estimated Jaccard ≥ ``threshold``, same language, published
within ``window``) and returns the story key of the best one, or the article's own id for a
new story. Bands live in a pluggable ``BandStore``: in memory for one batch (the
``analyze`` command), in SQL for the running platform (``SQLBandStore``, table below).

Changing ``NUM_PERM``, ``SEED``, ``BANDS``/``ROWS``, the band hash or the shingling makes
every stored band and signature meaningless: rebuild ``monitoring_storyband`` (and
``Article.minhash``) after such a change.

Table ``monitoring_storyband`` (to be created by a migration; SQLite and PostgreSQL)::

    CREATE TABLE monitoring_storyband (
        band       INTEGER NOT NULL,  -- 0 … BANDS-1
        hash       BIGINT  NOT NULL,  -- signed 64-bit hash of (language, band, its ROWS values)
        story_id   BIGINT  NOT NULL,  -- story key: the id of the story's first article
        article_id BIGINT  NOT NULL,  -- the article this band belongs to
        PRIMARY KEY (band, hash, article_id)
    );                                -- SQLite: add WITHOUT ROWID (the key is the table)
    CREATE INDEX monitoring_storyband_article ON monitoring_storyband (article_id);

``BANDS`` rows per article: at 1,000,000 articles 42 million rows; the SQLite file holding
them with the articles' signatures is 2.5 GB, and ``assign`` takes 0.3 ms (p50) / 0.9 ms (p95)
on it (``bench/stories.py``). Look-ups are equality
on the primary key's prefix ``(band, hash)``; the ``article_id`` index serves deletion of an
article's bands (``DELETE … WHERE article_id = %s``) when an article is removed or its story
is re-assigned. Rows older than ``window`` never match again: a nightly job may delete them.
Signatures and publication times are read from ``monitoring_article`` (``id``, ``minhash``,
``published_at``), which the pipeline writes with the article (``SQLSignatureStore``).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np
from datasketch import MinHash

from doingoai.core import vntext

__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "THRESHOLD",
    "BandStore",
    "MemoryStore",
    "SignatureStore",
    "SQLBandStore",
    "SQLSignatureStore",
    "StoryIndex",
    "band_hashes",
    "from_bytes",
    "group_stories",
    "shingles",
    "signature",
    "signature_from_bytes",
    "signature_to_bytes",
    "similarity",
    "sql_index",
    "to_bytes",
]

NUM_PERM = 128
SEED = 1
#: Estimated Jaccard from which two articles are one story. Chosen on the labelled set
#: (tests/monitoring/fixtures/stories.jsonl): see ``test_stories.py`` for the figures.
THRESHOLD = 0.3
#: LSH banding: BANDS bands of ROWS signature values (BANDS * ROWS ≤ NUM_PERM). Two articles
#: become candidates when one band is equal: P = 1 - (1 - J**ROWS)**BANDS.
BANDS, ROWS = 42, 3
#: Articles further apart than this in publication time are never one story (yearly events
#: reuse last year's wording).
WINDOW = timedelta(days=30)
#: Candidates checked per assignment, most band hits first, at most MAX_PER_STORY members of
#: one story (a story with hundreds of copies must not make one assignment slow).
MAX_CHECKED = 32
MAX_PER_STORY = 3
#: Words (or characters, for scripts without spaces) of an article that enter its signature.
#: Syndicated copies differ at the end (related links, "Theo …" credits, truncation) far
#: more than at the start; the start also bounds the cost for very long articles.
MAX_TOKENS = 400
MAX_CHARS = 800

ItemId = Hashable


# ---------------------------------------------------------------------------------------------
# shingles and signatures


_CJK_LANGS = frozenset({"zh", "ja", "yue", "wuu", "th", "lo", "km", "my", "bo"})
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1780-\u17ff]")


def _lang(lang: str | None) -> str:
    """"vi-VN" → "vi", "zh_Hant" → "zh", None → ""."""
    return re.split(r"[-_]", (lang or "").strip().lower(), maxsplit=1)[0]


def _word_ngrams(tokens: Sequence[str], n: int) -> set[str]:
    if len(tokens) < n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _char_ngrams(chars: str, n: int) -> set[str]:
    if len(chars) < n:
        return {chars} if chars else set()
    return {chars[i:i + n] for i in range(len(chars) - n + 1)}


def shingles(title: str, text: str, lang: str) -> set[str]:
    """The shingle set of an article, after ``vntext.fold`` (so copies with and without
    Vietnamese marks, or in other case, have the same shingles).

    - Languages written with spaces (vi, en, …): word 3-grams. A Vietnamese word is one or
      two syllables, so three syllables hold one to two words: short enough that a light
      rewrite keeps most of them, long enough that "thành phố Hải Phòng" alone is not news.
    - zh, ja (and Thai, Lao, Khmer, Burmese): no spaces between words, so character
      4-grams over the letters (punctuation and spaces dropped), about two words each.
    - ko: words are separated by spaces but each carries its particles ("하이퐁은",
      "하이퐁이"), which a rewrite changes freely: word 3-grams break at every particle.
      Word 2-grams keep the word order; character 4-grams (spaces kept) match the stems
      across particle changes. On the labelled set the mix keeps every same-story pair at
      J ≥ 0.46 where word 3-grams fall to 0.29 (under the threshold); character 3-grams
      would raise the similarity of unrelated articles from 2.5% to 4.0% (shared stems such
      as "하이퐁시"), about four times the LSH candidates (J**ROWS).
    """
    code = _lang(lang)
    # only the start enters the signature: cut before folding, which costs per character
    source = f"{title or ''}\n{(text or '')[: MAX_TOKENS * 10]}"
    if code in _CJK_LANGS or (not code and len(_CJK_CHAR.findall(source[:400])) > 40):
        chars = "".join(vntext.fold_tokens(source))[:MAX_CHARS]
        return _char_ngrams(chars, 4)
    tokens = vntext.fold_tokens(source)[:MAX_TOKENS]
    if code == "ko":
        spaced = " ".join(tokens)
        return _word_ngrams(tokens, 2) | _char_ngrams(spaced[:MAX_CHARS], 4)
    return _word_ngrams(tokens, 3)


_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


def signature(title: str, text: str, lang: str) -> np.ndarray:
    """MinHash of the article's shingles: ``NUM_PERM`` uint32 values (datasketch affine32)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_PERMUTATIONS, scheme="affine32")
    minhash.update_batch([s.encode("utf-8") for s in shingles(title, text, lang)])
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def signature_to_bytes(sig: np.ndarray) -> bytes:
    """512 bytes for ``Article.minhash``."""
    return np.asarray(sig, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


to_bytes, from_bytes = signature_to_bytes, signature_from_bytes


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values)."""
    return float(np.count_nonzero(a == b)) / len(a)


def _is_empty(sig: np.ndarray) -> bool:
    return bool(np.all(sig == _EMPTY))


# ---------------------------------------------------------------------------------------------
# band hashes


def _u64(label: str) -> int:
    return int.from_bytes(hashlib.blake2b(label.encode("utf-8"), digest_size=8).digest(), "little")


_ROW_MULTIPLIERS = np.array([_u64(f"doingoai.storyband.row.{j}") | 1 for j in range(NUM_PERM)], dtype=np.uint64)
_BAND_SALTS = np.array([_u64(f"doingoai.storyband.band.{i}") for i in range(NUM_PERM)], dtype=np.uint64)


def _mix64(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's 64-bit finaliser: every input bit moves every output bit
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def band_hashes(sig: np.ndarray, lang: str, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """Signed 64-bit hash of each band (``bands`` × ``rows`` values) of one signature, or of
    a matrix of signatures (one row each). The language is part of the hash: articles in
    different languages never share a band."""
    values = np.asarray(sig, dtype=np.uint32)[..., : bands * rows].astype(np.uint64)
    values = values.reshape(*values.shape[:-1], bands, rows)
    with np.errstate(over="ignore"):
        combined = (values * _ROW_MULTIPLIERS[:rows]).sum(axis=-1, dtype=np.uint64)
        salted = combined ^ _BAND_SALTS[:bands] ^ np.uint64(_u64(f"doingoai.storyband.lang.{_lang(lang)}"))
        return _mix64(salted).view(np.int64)


# ---------------------------------------------------------------------------------------------
# stores


class BandStore(Protocol):
    """Where LSH bands live. ``band_hashes[i]`` is the hash of band ``i``."""

    def candidates(self, band_hashes: Sequence[int]) -> list[tuple[ItemId, ItemId]]:
        """``(story_key, article_id)`` of every stored band equal to one of ``band_hashes``
        (an article appears once per equal band)."""
        ...

    def add(self, band_hashes: Sequence[int], story_key: ItemId, article_id: ItemId) -> None:
        """Store the bands of ``article_id``, member of ``story_key``."""
        ...


@dataclass(frozen=True, slots=True)
class Member:
    signature: np.ndarray
    published: datetime | None


class SignatureStore(Protocol):
    """Where the signatures (and publication times) of stored articles are read back."""

    def get(self, article_ids: Sequence[ItemId]) -> dict[ItemId, Member]: ...

    def put(self, article_id: ItemId, sig: np.ndarray, published: datetime | None) -> None: ...


class MemoryStore:
    """Bands and signatures of one batch, in dictionaries (both protocols)."""

    def __init__(self) -> None:
        self._bands: dict[tuple[int, int], list[tuple[ItemId, ItemId]]] = {}
        self._members: dict[ItemId, Member] = {}

    def candidates(self, band_hashes: Sequence[int]) -> list[tuple[ItemId, ItemId]]:
        found: list[tuple[ItemId, ItemId]] = []
        for band, value in enumerate(band_hashes):
            found.extend(self._bands.get((band, int(value)), ()))
        return found

    def add(self, band_hashes: Sequence[int], story_key: ItemId, article_id: ItemId) -> None:
        for band, value in enumerate(band_hashes):
            self._bands.setdefault((band, int(value)), []).append((story_key, article_id))

    def get(self, article_ids: Sequence[ItemId]) -> dict[ItemId, Member]:
        return {i: self._members[i] for i in article_ids if i in self._members}

    def put(self, article_id: ItemId, sig: np.ndarray, published: datetime | None) -> None:
        self._members[article_id] = Member(np.asarray(sig, dtype=np.uint32), published)

    def __len__(self) -> int:
        return len(self._members)


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Any: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class Connection(Protocol):
    """The part of DB-API 2.0 the SQL stores use: ``sqlite3.Connection``, a psycopg
    connection or Django's ``django.db.connection`` (all give ``cursor()``)."""

    def cursor(self) -> Cursor: ...


def _placeholder(paramstyle: str) -> str:
    if paramstyle == "qmark":
        return "?"
    if paramstyle in ("format", "pyformat"):
        return "%s"
    raise ValueError(f"Kiểu tham số SQL không được hỗ trợ: {paramstyle!r} (dùng 'qmark' hoặc 'format').")


def _default_paramstyle(connection: Connection) -> str:
    # sqlite3 takes "?"; psycopg and Django's connection wrapper take "%s"
    return "qmark" if isinstance(connection, sqlite3.Connection) else "format"


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"Tên bảng hoặc cột không hợp lệ: {name!r}.")
    return name


class SQLBandStore:
    """``BandStore`` over the ``monitoring_storyband`` table (spec in the module docstring).

    ``connection`` is any DB-API connection (``Connection``); the store neither commits nor
    rolls back: the caller's transaction (the pipeline job's, or Django's atomic block)
    decides. Story keys and article ids are integers."""

    def __init__(self, connection: Connection, table: str = "monitoring_storyband", paramstyle: str | None = None):
        self.connection = connection
        self.table = _identifier(table)
        self.p = _placeholder(paramstyle or _default_paramstyle(connection))

    def create_table(self) -> None:
        """Create the table as specified (SQLite: WITHOUT ROWID). For tests and benchmarks;
        the platform creates it with a migration."""
        sqlite = isinstance(self.connection, sqlite3.Connection)
        cursor = self.connection.cursor()
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} (band INTEGER NOT NULL, hash BIGINT NOT NULL, "
            "story_id BIGINT NOT NULL, article_id BIGINT NOT NULL, PRIMARY KEY (band, hash, article_id))"
            + (" WITHOUT ROWID" if sqlite else "")
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_article ON {self.table} (article_id)")

    def candidates(self, band_hashes: Sequence[int]) -> list[tuple[int, int]]:
        if not len(band_hashes):
            return []
        p = self.p
        where = " OR ".join([f"(band = {p} AND hash = {p})"] * len(band_hashes))
        params: list[int] = []
        for band, value in enumerate(band_hashes):
            params += (band, int(value))
        cursor = self.connection.cursor()
        cursor.execute(f"SELECT story_id, article_id FROM {self.table} WHERE {where}", params)
        return [(int(story), int(article)) for story, article in cursor.fetchall()]

    def add(self, band_hashes: Sequence[int], story_key: int, article_id: int) -> None:
        p = self.p
        cursor = self.connection.cursor()
        cursor.executemany(
            f"INSERT INTO {self.table} (band, hash, story_id, article_id) VALUES ({p}, {p}, {p}, {p})",
            [(band, int(value), int(story_key), int(article_id)) for band, value in enumerate(band_hashes)],
        )

    def remove(self, article_id: int) -> None:
        """Forget the bands of one article (deleted, or about to be re-assigned)."""
        cursor = self.connection.cursor()
        cursor.execute(f"DELETE FROM {self.table} WHERE article_id = {self.p}", [int(article_id)])


def _aware(value: datetime | None) -> datetime | None:
    """Naive times are UTC (how Django stores them in SQLite with ``USE_TZ``)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    try:
        return _aware(datetime.fromisoformat(str(value)))
    except ValueError:
        return None


class SQLSignatureStore:
    """``SignatureStore`` reading ``monitoring_article`` (``id``, ``minhash``,
    ``published_at``): the pipeline saves the signature with the article, so ``put`` does
    nothing unless ``write=True`` (then it upserts the row's three columns: for a table of
    its own in tests and benchmarks)."""

    def __init__(self, connection: Connection, table: str = "monitoring_article", *, id_column: str = "id",
                 signature_column: str = "minhash", published_column: str = "published_at",
                 paramstyle: str | None = None, write: bool = False):
        self.connection = connection
        self.table = _identifier(table)
        self.columns = tuple(_identifier(c) for c in (id_column, signature_column, published_column))
        self.p = _placeholder(paramstyle or _default_paramstyle(connection))
        self.write = write

    def create_table(self) -> None:
        """A table with the three columns only (tests and benchmarks)."""
        id_, sig, published = self.columns
        self.connection.cursor().execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ({id_} BIGINT PRIMARY KEY, {sig} BLOB, {published} TEXT)"
        )

    def get(self, article_ids: Sequence[int]) -> dict[int, Member]:
        if not article_ids:
            return {}
        id_, sig, published = self.columns
        marks = ", ".join([self.p] * len(article_ids))
        cursor = self.connection.cursor()
        cursor.execute(
            f"SELECT {id_}, {sig}, {published} FROM {self.table} WHERE {id_} IN ({marks}) AND {sig} IS NOT NULL",
            [int(i) for i in article_ids],
        )
        return {int(row[0]): Member(signature_from_bytes(row[1]), _as_datetime(row[2])) for row in cursor.fetchall()}

    def put(self, article_id: int, sig: np.ndarray, published: datetime | None) -> None:
        if not self.write:
            return
        id_, sig_col, published_col = self.columns
        p = self.p
        self.connection.cursor().execute(
            f"INSERT INTO {self.table} ({id_}, {sig_col}, {published_col}) VALUES ({p}, {p}, {p}) "
            f"ON CONFLICT ({id_}) DO UPDATE SET {sig_col} = excluded.{sig_col}, {published_col} = excluded.{published_col}",
            [int(article_id), signature_to_bytes(sig), published.isoformat() if published else None],
        )


# ---------------------------------------------------------------------------------------------
# the index


class StoryIndex:
    """Assigns each new article to a story.

    ``store`` keeps the bands, ``signatures`` the members' signatures; both default to one
    shared ``MemoryStore``. Assignment is greedy in arrival order: an article joins the story
    of its most similar earlier member (same language, within ``window``, estimated Jaccard
    ≥ ``threshold``), and is itself a member from then on."""

    def __init__(self, store: BandStore | None = None, signatures: SignatureStore | None = None, *,
                 threshold: float = THRESHOLD, bands: int = BANDS, rows: int = ROWS,
                 window: timedelta | None = WINDOW):
        if bands * rows > NUM_PERM:
            raise ValueError(f"Số dải × số hàng ({bands} × {rows}) vượt quá số hoán vị MinHash ({NUM_PERM}).")
        memory = MemoryStore() if store is None or signatures is None else None
        self.store: BandStore = store if store is not None else memory
        self.signatures: SignatureStore = signatures if signatures is not None else memory
        self.threshold = threshold
        self.bands = bands
        self.rows = rows
        self.window = window

    def match(self, sig: np.ndarray, lang: str, published: datetime | None = None,
              hashes: np.ndarray | None = None) -> tuple[ItemId | None, float]:
        """``(story_key, similarity)`` of the best matching earlier member, or ``(None, best)``."""
        if _is_empty(sig):
            return None, 0.0
        published = _aware(published)
        if hashes is None:
            hashes = band_hashes(sig, lang, self.bands, self.rows)
        found = self.store.candidates(hashes)
        if not found:
            return None, 0.0
        story_of = {article: story for story, article in found}
        per_story: Counter = Counter()
        checked = []
        for article, _ in Counter(article for _, article in found).most_common():
            story = story_of[article]
            if per_story[story] < MAX_PER_STORY:
                per_story[story] += 1
                checked.append(article)
                if len(checked) == MAX_CHECKED:
                    break
        members = self.signatures.get(checked)
        kept = [  # in the order checked: ties go to the member with most band hits
            (article, members[article]) for article in checked
            if article in members and (
                self.window is None or published is None or members[article].published is None
                or abs(published - members[article].published) <= self.window)
        ]
        if not kept:
            return None, 0.0
        scores = (np.stack([member.signature for _, member in kept]) == sig).mean(axis=1)
        best = int(np.argmax(scores))
        score = float(scores[best])
        if score >= self.threshold:
            return story_of[kept[best][0]], score
        return None, score

    def assign(self, item_id: ItemId, sig: np.ndarray, lang: str, published: datetime | None = None) -> ItemId:
        """The story key of ``item_id``: an earlier story's key, or ``item_id`` itself."""
        sig = np.asarray(sig, dtype=np.uint32)
        if _is_empty(sig):  # no words at all: nothing to compare, a story of its own
            return item_id
        hashes = band_hashes(sig, lang, self.bands, self.rows)
        key, _ = self.match(sig, lang, published, hashes)
        story_key = item_id if key is None else key
        self.store.add(hashes, story_key, item_id)
        self.signatures.put(item_id, sig, _aware(published))
        return story_key


def sql_index(connection: Connection | None = None, **options) -> StoryIndex:
    """The platform's index: bands in ``monitoring_storyband``, signatures read from
    ``monitoring_article``, over Django's database connection unless another is given.
    The caller's transaction covers the bands written by ``assign``."""
    if connection is None:
        from django.db import connection
    return StoryIndex(SQLBandStore(connection), SQLSignatureStore(connection), **options)


def group_stories(items: Iterable[tuple[ItemId, str, str, str, datetime | None]], **options) -> dict[ItemId, ItemId]:
    """Story key of every ``(id, title, text, lang, published)`` of one batch, in memory and
    in the given order (oldest first gives stories the key of their first article)."""
    index = StoryIndex(**options)
    return {
        item_id: index.assign(item_id, signature(title, text, lang), lang, published)
        for item_id, title, text, lang, published in items
    }
