"""The public catalogue's search at scale: 100,000 items with 1,000,000 pages of text.

Builds a fresh SQLite database (the platform's migrations) in a temporary directory and
writes N synthetic library items — Vietnamese-like titles, creators, keywords, abstracts,
publishers, dates, kinds, languages, themes, collections — and about ten pages of text each
(60–120 words a page, from the Zipf-distributed vocabulary of ``bench/search.py``, with the
place names of the sea-and-islands library among its words) straight into the item, page
and collection tables with bulk SQL; the index rows come from the catalogue index's own
``search.rows_for``. Then it times typical public queries through ``search.search()`` —
parsing, every match read, facet counts over all of them, ranking, the page of 20 items
loaded, snippets cut from their pages — without diacritics, with them, a phrase, a prefix,
with one facet, with two, and a collection's page (no words, one facet).

    python bench/catalogue.py [--items 100000] [--runs 20] [--keep DIR]

Prints the build time, the database and index sizes, p50/p95 in milliseconds per query and
overall, and the ratio of the overall p95 to the 100 ms budget.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

BUDGET_MS = 100.0

_spec = importlib.util.spec_from_file_location("bench_search_language", Path(__file__).with_name("search.py"))
language = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(language)

# Names of the sea-and-islands library, with their rank among all words (see bench/search.py).
language.WORDS.update({
    "chủ quyền": 320, "ngư dân": 450, "hải đăng": 1100, "Hoàng Sa": 1800, "Trường Sa": 1700,
    "Bạch Long Vĩ": 2600, "Long Châu": 5000, "hải đảo": 2300, "bảo vệ": 240, "biên giới": 1400,
})

CREATORS = ["Viện Sử học", "Nguyễn Văn An", "Trần Thị Bình", "Sở Thông tin và Truyền thông Hải Phòng",
            "Bộ Tư lệnh Vùng 1 Hải quân", "Lê Quang Hải", "Phạm Thu Hà", "Ban Tuyên giáo Thành ủy",
            "Hội Sử học Hải Phòng", "Đỗ Minh Tuấn"]
PUBLISHERS = ["Nhà xuất bản Chính trị quốc gia Sự thật", "Nhà xuất bản Hải Phòng", "Nhà xuất bản Thông tin và "
              "Truyền thông", "Ủy ban nhân dân thành phố Hải Phòng", "Nhà xuất bản Quân đội nhân dân", ""]
KINDS = ["document"] * 5 + ["book"] * 3 + ["article"] * 4 + ["chapter", "image", "image", "map", "video", "audio"]
THEMES = ["bien-dao", "bien-dao", "bien-dao", "quoc-phong-an-ninh", "du-lich", "kinh-te-dau-tu", "van-hoa-xa-hoi",
          "moi-truong", "su-kien-ky-niem", "chinh-quyen"]
COLLECTIONS = [("Biển đảo Hải Phòng", "bien-dao-hai-phong"), ("Hoàng Sa, Trường Sa", "hoang-sa-truong-sa"),
               ("Bạch Long Vĩ", "bach-long-vi"), ("Bản đồ cổ", "ban-do-co"), ("Ảnh tư liệu", "anh-tu-lieu"),
               ("Văn bản pháp luật về biển", "van-ban-phap-luat"), ("Sách chuyên khảo", "sach-chuyen-khao"),
               ("Báo chí về biển đảo", "bao-chi")]
PAGE_WORDS = (60, 120)


def setup_django(directory: Path) -> None:
    os.environ["DOINGOAI_DATA_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "doingoai.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _sentence(lang, n: int) -> str:
    text = " ".join(lang.words(n))
    return text[:1].upper() + text[1:] + "."


def _page(lang) -> str:
    words = lang.words(lang.rng.randint(*PAGE_WORDS))
    out, start = [], True
    for word in words:
        out.append(word[:1].upper() + word[1:] if start else word)
        start = False
        if lang.rng.random() < 0.07:
            out[-1] += "."
            start = True
    return " ".join(out) + "."


def load(n: int, lang, chunk: int = 2000) -> dict:
    """Items, pages, collections and their index rows, ``chunk`` items at a time."""
    from django.db import connection

    from doingoai.library import search
    from doingoai.library.models import Item

    rng = random.Random(11)
    connection.ensure_connection()
    db = connection.connection
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")
    collection_ids = []
    for order, (name, slug) in enumerate(COLLECTIONS):
        cur = db.execute("INSERT INTO library_collection (name, name_en, slug, description, description_en, "
                         "\"order\", public) VALUES (?, '', ?, ?, '', ?, 1)",
                         (name, slug, f"Tư liệu về {name.lower()}.", order))
        collection_ids.append(cur.lastrowid)
    db.commit()

    varying = ["kind", "title", "creator", "subject", "description", "publisher", "date", "language", "themes",
               "live", "access", "first_published_at", "created_at", "modified_at", "pages"]
    fixed = {}
    for f in Item._meta.concrete_fields:
        if f.column not in varying and not f.primary_key:
            fixed[f.column] = f.get_db_prep_save(f.get_default(), connection)
    columns = varying + list(fixed)
    insert = (f"INSERT INTO library_item (id, {', '.join(columns)}) "
              f"VALUES ({', '.join(['?'] * (len(columns) + 1))})")
    page_insert = "INSERT INTO library_itempage (item_id, number, text, ocr) VALUES (?, ?, ?, ?)"
    member_insert = "INSERT INTO library_item_collections (item_id, collection_id) VALUES (?, ?)"
    fts_insert = f"INSERT INTO {search.TABLE}(rowid, body) VALUES (?, ?)"
    doc_insert = f"INSERT INTO {search.DOCS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    adapt = connection.ops.adapt_datetimefield_value
    fixed_values = list(fixed.values())
    timings = {"generate": 0.0, "index": 0.0}
    pages_total = 0
    first_day = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    for base in range(1, n + 1, chunk):
        t0 = time.perf_counter()
        rows, pages, members, docs = [], [], [], []
        for item_id in range(base, min(n, base + chunk - 1) + 1):
            kind = rng.choice(KINDS)
            title = lang.title()
            creator = "\n".join(rng.sample(CREATORS, rng.choice((0, 1, 1, 2))))
            subject = "\n".join(" ".join(lang.words(rng.randint(1, 2))) for _ in range(rng.randint(1, 4)))
            description = _sentence(lang, rng.randint(15, 40))
            publisher = rng.choice(PUBLISHERS)
            date = dt.date(rng.randint(1975, 2025), rng.randint(1, 12), rng.randint(1, 28)) \
                if rng.random() < 0.85 else None
            lang_codes = "vi" if rng.random() < 0.8 else rng.choice(["vi, en", "en", "zh", "vi, fr"])
            themes = sorted(set(rng.sample(THEMES, rng.choice((1, 1, 2)))))
            published = first_day + dt.timedelta(days=3800 * item_id / n)
            live = rng.random() < 0.97
            access = "public" if rng.random() < 0.95 else rng.choice(["internal", "restricted"])
            page_count = rng.randint(1, 19)
            texts = [_page(lang) for _ in range(page_count)]
            pages_total += page_count
            rows.append((item_id, kind, title, creator, subject, description, publisher,
                         date.isoformat() if date else None, lang_codes, json.dumps(themes), int(live), access,
                         adapt(published), adapt(published), adapt(published), page_count, *fixed_values))
            pages += [(item_id, k + 1, t, 0) for k, t in enumerate(texts)]
            mine = rng.sample(collection_ids, rng.choice((0, 1, 1, 2)))
            members += [(item_id, c) for c in mine]
            item = SimpleNamespace(kind=kind, date=date, first_published_at=published, language=lang_codes,
                                   themes=themes)
            fields = [creator, subject, description, publisher]
            for code in themes:
                fields.extend(search._theme_names().get(code, ()))
            docs.append(search.Doc(item_id=item_id, title=title, fields=tuple(f for f in fields if f),
                                   text="\n".join(texts), facets=search.facet_values(item, mine),
                                   public=live and access == "public", live=live, access=access, removed=False))
        db.executemany(insert, rows)
        db.executemany(page_insert, pages)
        db.executemany(member_insert, members)
        db.commit()
        t1 = time.perf_counter()
        index_rows = [search.rows_for(doc, generation=1) for doc in docs]
        db.executemany(fts_insert, [fts for fts, _ in index_rows])
        db.executemany(doc_insert, [saved for _, saved in index_rows])
        words = set().union(*(search.words_of(fts) for fts, _ in index_rows))
        db.executemany(f"INSERT OR IGNORE INTO {search.TERMS}(term) VALUES (?)", [(w,) for w in sorted(words)])
        db.commit()
        t2 = time.perf_counter()
        timings["generate"] += t1 - t0
        timings["index"] += t2 - t1
        done = min(n, base + chunk - 1)
        if done % 10_000 == 0 or done == n:
            print(f"  {done:>9,} items {pages_total:>11,} pages   {timings['generate']:7.1f} s generate+store   "
                  f"{timings['index']:7.1f} s index", flush=True)
    db.execute(f"UPDATE {search.STATE} SET generation = 1")
    db.execute(f"INSERT INTO {search.LOG} (generation, stamp) VALUES (1, 1)")
    t0 = time.perf_counter()
    db.execute(f"INSERT INTO {search.TABLE}({search.TABLE}) VALUES ('optimize')")
    db.commit()
    timings["optimize"] = time.perf_counter() - t0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["pages"] = pages_total
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def queries(collection_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("1 word", "bien", {}),
        ("1 word", "hai dang", {}),
        ("2 words", "hoang sa", {}),
        ("2 words", "ngu dan", {}),
        ("3 words", "bach long vi", {}),
        ("3 words", "chu quyen bien dao", {}),
        ("diacritics", "Hoàng Sa", {}),
        ("diacritics", "chủ quyền biển đảo", {}),
        ("phrase", '"bao ve chu quyen"', {}),
        ("phrase", '"truong sa"', {}),
        ("prefix", "hai da*", {}),
        ("prefix", "Bạch Lo*", {}),
        ("1 facet", "hoang sa", {"theme": ["bien-dao"]}),
        ("1 facet", "ngu dan", {"kind": ["book"]}),
        ("2 facets", "chu quyen", {"theme": ["bien-dao"], "year": ["2014"]}),
        ("2 facets", "bien", {"kind": ["document"], "language": ["en"]}),
        ("collection", "", {"collection": [str(collection_id)]}),
    ]


def measure(runs: int) -> None:
    from doingoai.library import search
    from doingoai.library.models import Collection

    collection_id = Collection.objects.order_by("pk").values_list("pk", flat=True).first()
    t0 = time.perf_counter()
    search.search("bien")  # the first search of a process loads the facet pairs
    print(f"first search of the process (facet pairs loaded): {(time.perf_counter() - t0) * 1000:.0f} ms")
    by_kind: dict[str, list[float]] = {}
    everything: list[float] = []
    print(f"\n{'kind':<12}{'query':<24}{'facets':<34}{'matches':>9}   {'p50 ms':>8} {'p95 ms':>8}")
    for kind, text, facets in queries(collection_id):
        search.search(text, facets=facets)  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            result = search.search(text, facets=facets)
            times.append((time.perf_counter() - t0) * 1000)
        by_kind.setdefault(kind, []).extend(times)
        everything += times
        label = ", ".join(f"{k}={'|'.join(v)}" for k, v in facets.items())
        print(f"{kind:<12}{text:<24}{label:<34}{result.total:>9,}   {percentile(times, 50):8.1f} "
              f"{percentile(times, 95):8.1f}", flush=True)
    print()
    for kind, times in by_kind.items():
        print(f"{kind:<12} p50 {percentile(times, 50):7.1f} ms   p95 {percentile(times, 95):7.1f} ms")
    p95 = percentile(everything, 95)
    print(f"{'overall':<12} p50 {percentile(everything, 50):7.1f} ms   p95 {p95:7.1f} ms   "
          f"mean {statistics.mean(everything):7.1f} ms")
    print(f"p95 / budget ({BUDGET_MS:.0f} ms): {p95 / BUDGET_MS:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query")
    parser.add_argument("--keep", help="build in this directory and keep it (reused if it holds a database)")
    args = parser.parse_args()

    holder = None
    if args.keep:
        directory = Path(args.keep)
        directory.mkdir(parents=True, exist_ok=True)
    else:
        holder = tempfile.TemporaryDirectory(prefix="doingoai-catalogue-bench-", dir=os.environ.get("TMPDIR"))
        directory = Path(holder.name)
    try:
        reuse = (directory / "bench.sqlite3").exists()
        setup_django(directory)
        if not reuse:
            print(f"{args.items:,} synthetic items into {directory}")
            t0 = time.perf_counter()
            lang = language.Language()
            print(f"  vocabulary: {len(lang.lexicon):,} words ({time.perf_counter() - t0:.1f} s)")
            timings = load(args.items, lang)
            print(f"build: items and {timings['pages']:,} pages generated and stored in {timings['generate']:.1f} s; "
                  f"index {timings['index']:.1f} s ({args.items / timings['index']:,.0f} items/s), "
                  f"optimize {timings['optimize']:.1f} s")
        from django.db import connection

        connection.ensure_connection()
        db = connection.connection
        size = (directory / "bench.sqlite3").stat().st_size
        index = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'library_search%'").fetchone()[0] or 0
        items = db.execute("SELECT count(*) FROM library_item").fetchone()[0]
        pages = db.execute("SELECT count(*) FROM library_itempage").fetchone()[0]
        print(f"database {size / 1e9:.2f} GB, of which the search index {index / 1e9:.2f} GB; "
              f"{items:,} items, {pages:,} pages")
        measure(args.runs)
    finally:
        if holder is not None:
            from django.db import connections

            connections.close_all()
            holder.cleanup()


if __name__ == "__main__":
    main()
