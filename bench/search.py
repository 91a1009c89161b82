"""Article search at scale: search() against a raw FTS5 MATCH over the same folded text.

Builds a fresh SQLite database (the platform's migrations) in a temporary directory, generates
N synthetic press articles — Vietnamese-like text drawn from a vocabulary with diacritics,
word frequencies following Zipf's law, proper names and two-syllable words among them — and
writes them straight into the article table and the search index with bulk SQL (no ORM per
row; the index rows come from the search backend's own ``rows_for``). Then it times typical
staff queries (1–3 words, a phrase, a prefix; without filter, with a language filter, with a
date filter; limit 20) through ``search()`` — parsing, count, ranking, snippets — and the raw
FTS5 baselines over the same table: ``MATCH … ORDER BY rank LIMIT 20`` (ranked, BM25),
``MATCH … LIMIT 20`` (unranked) and ``count(*) … MATCH`` (every match visited, as a total needs).

    python bench/search.py [--articles 1000000] [--runs 20] [--keep DIR]
Prints build time, database size, p50/p95 in milliseconds per query and overall, the ratios.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import hashlib
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# --- the synthetic language ------------------------------------------------------------------

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph",
          "qu", "r", "s", "t", "th", "tr", "v", "x"]
RHYMES = ("a ai am an ang anh ao ap at au ay ac ach ăm ăn ăng ăp ăt ăc âm ân âng âp ât âu ây âc "
          "e em en eng ep et eo ec ê êm ên ênh êp êt êu êch i im in inh ip it iu ich ia iêm iên "
          "iêng iêp iêt iêu iêc o oi om on ong op ot oc oa oai oan oang oanh oat oac oe ô ôi ôm "
          "ôn ông ôp ôt ôc ơ ơi ơm ơn ơp ơt u ui um un ung up ut uc ua uân uât uy uyên uyêt uôi "
          "uôm uôn uông uôt uôc ư ưa ưi ưng ưt ưc ươi ươm ươn ương ươp ươt ươc ưu").split()
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # ngang huyền sắc hỏi ngã nặng
VOWELS = set("aăâeêioôơuưy")

# Function words and common syllables, most frequent first (ranks 1…).
COMMON = ("và của các có là được trong cho không người với những một đã năm này đến để về khi "
          "ra từ theo tại cũng như nhiều sẽ đó nhưng vào còn lại trên sau đang rất phải hơn mới "
          "đi hai ba ngày tháng nước nhà đây vì bị nên làm số qua cùng đều mà chỉ việc đối với "
          "thì ông bà chúng tôi họ nay trước giữa cao lớn nhỏ tốt đầu cuối hết thêm vừa luôn").split()
# Words of the press, with their rank among all words: a word of rank r occurs about 18/r
# times in an article of 200 words.
WORDS = {
    "thành phố": 30, "Việt Nam": 40, "phát triển": 45, "kinh tế": 60, "thông tin": 80,
    "đầu tư": 100, "Hải Phòng": 150, "chính quyền": 170, "kế hoạch": 200, "quốc tế": 220,
    "hợp tác": 250, "du lịch": 300, "biển": 350, "truyền thông": 400, "cảng": 500,
    "người dân": 120, "doanh nghiệp": 130, "thay đổi": 180, "nước ngoài": 260, "đời sống": 330,
    "đội": 420, "truyền thống": 700, "đối ngoại": 900, "biển đảo": 1200, "Cát Bà": 1500,
    "tuyên truyền": 600, "báo chí": 800, "Đồ Sơn": 2500, "Lạch Huyện": 4000, "hoa phượng đỏ": 3000, "cảng Lạch Huyện": 6000,
}
LEXICON_SIZE = 40_000
TITLE_WORDS = (5, 11)
BODY_WORDS = (80, 320)  # words (1–3 syllables each): about 150–600 syllables


def _tone(rhyme: str, tone: str) -> str:
    if not tone:
        return rhyme
    letters = list(rhyme)
    marked = [i for i, c in enumerate(letters) if c in "ăâêôơư"]
    vowels = [i for i, c in enumerate(letters) if c in VOWELS]
    if "ươ" in rhyme:
        at = rhyme.index("ươ") + 1
    elif marked:
        at = marked[-1]
    elif len(vowels) >= 2 and vowels[-1] == len(letters) - 1 and rhyme not in ("oa", "oe", "uy"):
        at = vowels[0]
    else:
        at = vowels[-1] if vowels else 0
    letters[at] = unicodedata.normalize("NFC", letters[at] + tone)
    return "".join(letters)


class Language:
    """A Zipf-distributed vocabulary of Vietnamese-like words and a writer of articles."""

    def __init__(self, seed: int = 2025):
        rng = random.Random(seed)
        syllables = {_tone(r, t) for r in RHYMES for t in TONES if not (r[-1] in "ptc" or r.endswith("ch"))
                     or t in ("\u0301", "\u0323")}
        inventory = sorted(o + r for o in ONSETS for r in syllables)
        rng.shuffle(inventory)
        inventory = [s for s in inventory if s not in COMMON][:6000]
        syl_weights = list(itertools.accumulate(1 / (r + 1) for r in range(len(inventory))))

        lexicon: list[str | None] = [None] * LEXICON_SIZE
        for n, word in enumerate(COMMON):
            lexicon[n] = word
        for word, rank in WORDS.items():
            lexicon[rank] = word
        seen = set(lexicon)
        for i in range(LEXICON_SIZE):
            while lexicon[i] is None:
                size = rng.choices((1, 2, 3), (30, 60, 10))[0]
                word = " ".join(rng.choices(inventory, cum_weights=syl_weights, k=size))
                if word not in seen:
                    seen.add(word)
                    lexicon[i] = word
        self.lexicon = lexicon
        self.cum = list(itertools.accumulate(1 / (r + 1) for r in range(LEXICON_SIZE)))
        self.rng = rng

    def words(self, n: int) -> list[str]:
        total, lex, rnd, cum = self.cum[-1], self.lexicon, self.rng.random, self.cum
        return [lex[bisect.bisect(cum, rnd() * total)] for _ in range(n)]

    def title(self) -> str:
        text = " ".join(self.words(self.rng.randint(*TITLE_WORDS)))
        return text[:1].upper() + text[1:]

    def body(self) -> str:
        words = self.words(self.rng.randint(*BODY_WORDS))
        out, start = [], True
        for word in words:
            out.append(word[:1].upper() + word[1:] if start else word)
            start = False
            r = self.rng.random()
            if r < 0.06:
                out[-1] += "."
                start = True
            elif r < 0.12:
                out[-1] += ","
        return " ".join(out) + "."


# --- the database ----------------------------------------------------------------------------

def setup_django(directory: Path) -> None:
    os.environ["DOINGOAI_DATA_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "doingoai.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


COUNTRIES = ["VN"] * 60 + ["KR", "JP", "CN", "US", "FR", "DE", "SG", "TH", "AU", "GB"] * 2
THEMES = ["kinh-te-dau-tu", "du-lich", "van-hoa-xa-hoi", "chinh-quyen", "bien-dao", "quoc-phong-an-ninh",
          "nhan-quyen-ton-giao", "giam-ngheo", "hang-viet-tmdt", "su-kien-ky-niem", "su-co-thien-tai",
          "moi-truong"]
LAST_DAY = dt.datetime(2025, 6, 30, 23, 0, tzinfo=dt.UTC)
SPAN_DAYS = 5 * 365


def load(n: int, lang: Language, chunk: int = 5000) -> dict:
    """Articles and their index entries, ``chunk`` at a time; returns timings (seconds)."""
    from django.db import connection

    from doingoai.core.vntext import fold
    from doingoai.monitoring.models import Article
    from doingoai.monitoring.search import sqlite as backend
    from doingoai.monitoring.search.base import IndexDoc, local_day

    rng = random.Random(7)
    fold_word = functools.lru_cache(maxsize=None)(fold)

    def fold_words(text: str) -> str:
        return " ".join(map(fold_word, text.split(" ")))

    connection.ensure_connection()
    db = connection.connection
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")
    sources = []
    for i, country in enumerate(COUNTRIES):
        language = "vi" if country == "VN" else rng.choice(["en", "en", "zh", "ko", "ja", "fr"])
        cur = db.execute(
            "INSERT INTO monitoring_source (name, kind, country, language, homepage, feed_urls, sitemap_urls,"
            " listing_urls, poll_minutes, official, active, polling, http_cache, last_error, error_streak)"
            " VALUES (?, ?, ?, ?, '', '[]', '[]', '[]', 30, 0, 1, 0, '{}', '', 0)",
            (f"Báo thử {i}", "national" if country == "VN" else "foreign", country, language))
        sources.append((cur.lastrowid, country, language))
    db.commit()

    # Every concrete column of the article table: the varying ones per row, the rest their default.
    varying = ["url", "url_key", "title", "text", "published_at", "fetched_at", "content_hash", "language",
               "relevant", "relevance", "themes", "sentiment", "source_id"]
    fixed = {}
    for field in Article._meta.concrete_fields:
        if field.column not in varying and not field.primary_key:
            fixed[field.column] = field.get_db_prep_save(field.get_default(), connection)
    columns = varying + list(fixed)
    insert = (f"INSERT INTO monitoring_article (id, {', '.join(columns)}) "
              f"VALUES ({', '.join(['?'] * (len(columns) + 1))})")
    fts_insert = (f"INSERT INTO {backend.TABLE}(rowid, {', '.join(backend.COLUMNS)}) "
                  f"VALUES ({', '.join(['?'] * (len(backend.COLUMNS) + 1))})")
    doc_insert = f"INSERT INTO {backend.DOCS} VALUES (?, ?, ?, ?, ?, ?)"
    term_insert = f"INSERT OR IGNORE INTO {backend.TERMS}(term) VALUES (?)"
    adapt = connection.ops.adapt_datetimefield_value
    fixed_values = list(fixed.values())
    timings = {"articles": 0.0, "index": 0.0}
    start = LAST_DAY - dt.timedelta(days=SPAN_DAYS)
    for base in range(1, n + 1, chunk):
        t0 = time.perf_counter()
        rows, docs = [], []
        for article_id in range(base, min(n, base + chunk - 1) + 1):
            source_id, country, language = rng.choice(sources)
            title, body = lang.title(), lang.body()
            if language != "vi":  # foreign press writes Vietnamese names without diacritics
                title, body = fold_words(title).title(), fold_words(body)
            published = start + dt.timedelta(days=SPAN_DAYS * article_id / n, hours=rng.uniform(-48, 0))
            themes = rng.sample(THEMES, rng.choice((1, 1, 2)))
            sentiment = rng.choice(("positive", "neutral", "neutral", "negative", "na"))
            relevance = round(rng.random(), 3)
            key = hashlib.sha256(f"bai-{article_id}".encode()).hexdigest()
            rows.append((article_id, f"https://bao.example.vn/{article_id}", key, title, body, adapt(published),
                         adapt(published), key, language, int(relevance > 0.7), relevance, json.dumps(themes),
                         sentiment, source_id, *fixed_values))
            docs.append(IndexDoc(article_id, title, body, local_day(published), language,
                                 source_id, country, tuple(themes), sentiment, relevance > 0.7, relevance))
        db.executemany(insert, rows)
        db.commit()
        t1 = time.perf_counter()
        index_rows = [backend.rows_for(doc) for doc in docs]
        db.executemany(fts_insert, [fts for fts, _ in index_rows])
        db.executemany(doc_insert, [saved for _, saved in index_rows])
        terms = set().union(*(backend.terms_of(fts) for fts, _ in index_rows))
        db.executemany(term_insert, [(t,) for t in sorted(terms)])
        db.commit()
        t2 = time.perf_counter()
        timings["articles"] += t1 - t0
        timings["index"] += t2 - t1
        done = min(n, base + chunk - 1)
        if done % 100_000 == 0 or done == n:
            print(f"  {done:>9,} articles   {timings['articles']:7.1f} s generate+store   "
                  f"{timings['index']:7.1f} s index", flush=True)
    t0 = time.perf_counter()
    db.execute(f"INSERT INTO {backend.TABLE}({backend.TABLE}) VALUES ('optimize')")
    db.commit()
    timings["optimize"] = time.perf_counter() - t0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return timings


# --- the measurements ------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


QUERIES = [
    # (query as typed, the raw FTS5 MATCH over the same folded words)
    ("Hải Phòng", '"hai" "phong"'),
    ("hai phong", '"hai" "phong"'),
    ("đối ngoại", '"doi" "ngoai"'),
    ("doi ngoai", '"doi" "ngoai"'),
    ("truyền thông", '"truyen" "thong"'),
    ("cảng", '"cang"'),
    ("kế hoạch đối ngoại", '"ke" "hoach" "doi" "ngoai"'),
    ("du lịch biển Cát Bà", '"du" "lich" "bien" "cat" "ba"'),
    ('"cảng Lạch Huyện"', '"cang lach huyen"'),
    ("Lạch Huy*", '"lach" "huy"*'),
    ("đối ngo*", '"doi" "ngo"*'),
]


def timed(fn, runs: int) -> tuple[list[float], object]:
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def measure(runs: int) -> None:
    from django.db import connection

    from doingoai.monitoring import search
    from doingoai.monitoring.search import Filters

    cur = connection.cursor()
    db = connection.connection

    def raw(sql: str, match: str):
        return lambda: db.execute(sql, (match,)).fetchall()

    last_day = dt.date(2025, 6, 30)
    variants = [
        ("", None),
        ("vi", Filters(languages=["vi"])),
        ("30 ngày", Filters(date_from=last_day - dt.timedelta(days=29), date_to=last_day)),
    ]
    ours_all, ours_plain, ranked_all, unranked_all, count_all = [], [], [], [], []
    print(f"\n{'query':<24}{'filter':<9}{'matches':>9}   {'search() p50/p95 ms':>20}   "
          f"{'raw ranked':>17}   {'raw top-20':>13}   {'raw count':>13}")
    for text, match in QUERIES:
        ranked, _ = timed(raw("SELECT rowid FROM monitoring_search WHERE monitoring_search MATCH ? "
                              "ORDER BY rank LIMIT 20", match), max(3, runs // 4))
        unranked, _ = timed(raw("SELECT rowid FROM monitoring_search WHERE monitoring_search MATCH ? LIMIT 20",
                                match), runs)
        counted, rows = timed(raw("SELECT count(*) FROM monitoring_search WHERE monitoring_search MATCH ?",
                                  match), runs)
        raw_total = rows[0][0]
        ranked_all += ranked
        unranked_all += unranked
        count_all += counted
        for label, filters in variants:
            times, page = timed(lambda t=text, f=filters: search.search(t, filters=f, limit=20), runs)
            if filters is None:
                ours_plain += times
                if page.total != raw_total and not (page.capped and raw_total > page.cap):
                    print(f"  !! {text}: search() total {page.total} ≠ raw count {raw_total}")
            ours_all += times
            raw_cols = (f"{percentile(ranked, 50):7.2f}/{percentile(ranked, 95):7.2f}   "
                        f"{percentile(unranked, 50):5.2f}/{percentile(unranked, 95):5.2f}   "
                        f"{percentile(counted, 50):5.1f}/{percentile(counted, 95):5.1f}") if filters is None else ""
            shown = f">{page.cap:,}" if page.capped else f"{page.total:,}"
            print(f"{text:<24}{label:<9}{shown:>9}   {percentile(times, 50):8.2f}/{percentile(times, 95):8.2f}   "
                  f"{raw_cols}", flush=True)
    cur.close()

    def line(name, values):
        return (f"{name:<38} p50 {percentile(values, 50):8.2f} ms   p95 {percentile(values, 95):8.2f} ms   "
                f"mean {statistics.mean(values):8.2f} ms")

    print()
    print(line("search(), all queries and filters", ours_all))
    print(line("search(), without filter", ours_plain))
    print(line("raw FTS5 MATCH ORDER BY rank LIMIT 20", ranked_all))
    print(line("raw FTS5 MATCH LIMIT 20 (unranked)", unranked_all))
    print(line("raw FTS5 count(*) MATCH", count_all))
    print(f"ratio search()/raw ranked MATCH    p95 {percentile(ours_plain, 95) / percentile(ranked_all, 95):6.2f}x   "
          f"p50 {percentile(ours_plain, 50) / percentile(ranked_all, 50):6.2f}x")
    print(f"ratio search()/raw count(*) MATCH  p95 {percentile(ours_plain, 95) / percentile(count_all, 95):6.2f}x   "
          f"p50 {percentile(ours_plain, 50) / percentile(count_all, 50):6.2f}x")


def reindex(count: int) -> float:
    """Seconds to re-index ``count`` changed articles through the backend (delete + insert)."""
    from doingoai.monitoring.models import Article
    from doingoai.monitoring.search import index_articles

    articles = list(Article.objects.order_by("-id").only(
        "id", "title", "text", "published_at", "language", "source_id", "themes", "sentiment", "relevant",
        "relevance")[:count])
    for a in articles:
        a.relevance = min(1.0, a.relevance + 0.001)
    t0 = time.perf_counter()
    index_articles(articles)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query")
    parser.add_argument("--keep", help="build in this directory and keep it (reused if it holds a database)")
    args = parser.parse_args()

    holder = None
    if args.keep:
        directory = Path(args.keep)
        directory.mkdir(parents=True, exist_ok=True)
    else:
        holder = tempfile.TemporaryDirectory(prefix="doingoai-search-bench-", dir=os.environ.get("TMPDIR"))
        directory = Path(holder.name)
    try:
        reuse = (directory / "bench.sqlite3").exists()
        setup_django(directory)
        if not reuse:
            print(f"{args.articles:,} synthetic articles into {directory}")
            t0 = time.perf_counter()
            lang = Language()
            print(f"  vocabulary: {len(lang.lexicon):,} words ({time.perf_counter() - t0:.1f} s)")
            timings = load(args.articles, lang)
            print(f"index build {timings['index']:.1f} s ({args.articles / timings['index']:,.0f} articles/s), "
                  f"optimize {timings['optimize']:.1f} s; articles generated and stored in {timings['articles']:.1f} s")
        from django.db import connection

        connection.ensure_connection()
        size = (directory / "bench.sqlite3").stat().st_size
        index = connection.connection.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'monitoring_search%'").fetchone()[0] or 0
        articles = connection.connection.execute("SELECT count(*) FROM monitoring_article").fetchone()[0]
        print(f"database {size / 1e9:.2f} GB, of which the search index {index / 1e9:.2f} GB; {articles:,} articles")
        measure(args.runs)
        seconds = reindex(2000)
        print(f"re-index 2,000 changed articles through index_articles(): {seconds:.2f} s "
              f"({2000 / seconds:,.0f} articles/s)")
    finally:
        if holder is not None:
            from django.db import connections

            connections.close_all()
            holder.cleanup()


if __name__ == "__main__":
    main()
