"""From saved pages to stored and indexed articles: cost per article and throughput.

Two measurements on the 206 real pages of the extraction gold, in a fresh database:

1. **Cost per article, one process**: for every batch of pages (the pipeline's batch, 25),
   bare ``trafilatura.extract(html)`` on each page, then the whole pipeline on the same pages
   (extraction, canonical URL and hash, analysis, story, store, index: what
   ``saved_pages.process_directory`` does with a batch), alternating, after a warm-up pass.
   Prints the mean per article of both, the p95 of the per-batch means, and the ratio
   (budget: 1.5x).
2. **Throughput, two worker processes**: the pages again under new addresses, split in two
   shards, each run at the same time on the same database by its own process calling
   ``saved_pages.process_directory`` (what ``doingoai monitor process-html`` runs), as two
   workers on two cores would. Each process first loads its analysis models and lingua, as
   a running worker has. Prints articles per second (budget:
   at least 50), counting from the first process's start of work to the last one's end, and
   also with process start-up included, and each worker's time per stage.

    python bench/pipeline.py [--pages ../shared/data/pages] [--copies 2] [--database-url URL]

Without ``--database-url`` the database is SQLite in a temporary directory (WAL mode, as
the platform runs it); with ``postgres://…`` it must be an empty database.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def shard_pages(pages_dir: Path, target: Path, copy: int, shards: int) -> list[Path]:
    """Symlinks to the pages with a sidecar address per copy, spread over ``shards`` folders."""
    gold = json.loads((pages_dir / "evaldata.json").read_text(encoding="utf-8"))
    folders = [target / f"copy{copy}-shard{i}" for i in range(shards)]
    for folder in folders:
        folder.mkdir(parents=True)
    for n, (url, item) in enumerate(sorted(gold.items())):
        folder = folders[n % shards]
        name = Path(item["file"]).stem
        (folder / f"{name}.html").symlink_to(pages_dir / item["file"])
        (folder / f"{name}.url").write_text(f"{url.rstrip('/')}/ban-sao-{copy}", encoding="utf-8")
    return folders


def one_process(pages_dir: Path) -> None:
    import django

    django.setup()
    import trafilatura

    from doingoai.monitoring import saved_pages
    from doingoai.monitoring.pipeline import extract as extraction
    from doingoai.monitoring.pipeline import ingest

    gold = json.loads((pages_dir / "evaldata.json").read_text(encoding="utf-8"))
    pages = [(url, (pages_dir / item["file"]).read_bytes()) for url, item in sorted(gold.items())]

    def whole(batch: list[tuple[str, bytes]], copy: str) -> int:
        waiting = [saved_pages.incoming_from_page(extraction.extract(raw, url), f"{url.rstrip('/')}/{copy}")
                   for url, raw in batch]
        return sum(o.created for o in ingest.ingest([i for i in waiting if i is not None]))

    batches = [pages[i:i + ingest.BATCH] for i in range(0, len(pages), ingest.BATCH)]
    for batch in batches:  # warm-up: imports, caches, models, the first rows
        for _, raw in batch:
            trafilatura.extract(raw)
        whole(batch, "lam-nong")
    bare, full, stored = [], [], 0
    for batch in batches:
        started = time.perf_counter()
        for _, raw in batch:
            trafilatura.extract(raw)
        bare.append((time.perf_counter() - started) * 1000 / len(batch))
        started = time.perf_counter()
        stored += whole(batch, "do")
        full.append((time.perf_counter() - started) * 1000 / len(batch))
    weights = [len(b) for b in batches]
    mean_bare = sum(b * w for b, w in zip(bare, weights, strict=True)) / len(pages)
    mean_full = sum(f * w for f, w in zip(full, weights, strict=True)) / len(pages)
    ratio = mean_full / mean_bare
    print(f"1) one process, {len(pages)} pages ({stored} stored as articles, the rest have no article)")
    print(f"   bare trafilatura.extract   mean {mean_bare:6.2f} ms   p95 of batches {percentile(bare, 95):6.2f} ms")
    print(f"   whole pipeline to index    mean {mean_full:6.2f} ms   p95 of batches {percentile(full, 95):6.2f} ms")
    print(f"   ratio whole/bare           mean {ratio:.2f}x   p95 {percentile(full, 95) / percentile(bare, 95):.2f}x"
          f"   ({'within' if ratio <= 1.5 else 'OVER'} the 1.5x budget)")


def two_workers(pages_dir: Path, work: Path, env: dict, copies: int) -> None:
    folders = []
    for copy in range(1, copies + 1):
        folders += shard_pages(pages_dir, work / "shards", copy, 2)
    # One folder list per worker: worker i takes shard i of every copy.
    per_worker = [[f for f in folders if f.name.endswith(f"shard{i}")] for i in range(2)]
    script = ("import sys, django; django.setup(); from pathlib import Path; import time; "
              "from doingoai.monitoring.saved_pages import process_directory; "
              "from doingoai.monitoring.analysis import warm_up; warm_up(); "
              "t=time.time(); n=0; stages={}\n"
              "for d in sys.argv[1:]:\n"
              "    r=process_directory(Path(d)); n+=r.pages\n"
              "    for k, v in {'extract': r.extract_seconds, **r.times.seconds}.items(): stages[k]=stages.get(k, 0)+v\n"
              "print(' '.join(f'{k}={v / n * 1000:.1f}ms' for k, v in stages.items()))\n"
              "print(f'{t} {time.time()} {n}')")
    began = time.time()
    procs = [subprocess.Popen([sys.executable, "-c", script, *map(str, dirs)], env=env, stdout=subprocess.PIPE,
                              text=True) for dirs in per_worker]
    outputs = [p.communicate()[0].strip().splitlines() for p in procs]
    stages = [lines[-2] for lines in outputs]
    outputs = [lines[-1] for lines in outputs]
    ended = time.time()
    if any(p.returncode for p in procs):
        sys.exit("a worker failed")
    spans = [tuple(map(float, line.split())) for line in outputs]
    pages = int(sum(s[2] for s in spans))
    work_seconds = max(s[1] for s in spans) - min(s[0] for s in spans)
    rate = pages / work_seconds
    print(f"2) two worker processes, {pages} pages ({copies} copies under new addresses)")
    print(f"   {work_seconds:.2f} s of work: {rate:.1f} articles/s"
          f"   ({'meets' if rate >= 50 else 'MISSES'} the 50/s target);"
          f"   with process start-up {pages / (ended - began):.1f} articles/s")
    for number, line in enumerate(stages, 1):
        print(f"   worker {number}, per article: {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=Path, default=REPO / "../shared/data/pages")
    parser.add_argument("--copies", type=int, default=2, help="copies of the pages for the two-worker run")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages_dir = args.pages.resolve()
    logging.disable(logging.WARNING)
    if args.inner:
        one_process(pages_dir)
        return

    with tempfile.TemporaryDirectory(prefix="doingoai-bench-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "DOINGOAI_DATA_DIR": str(work), "DJANGO_SETTINGS_MODULE": "doingoai.settings.base",
               "PYTHONPATH": str(REPO / "src")}
        env["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        env.pop("TASKS_BACKEND", None)
        subprocess.run([str(BIN / "doingoai"), "migrate", "--noinput", "-v0"], env=env, check=True)
        print(f"database: {re.sub(r'//[^@]*@', '//', env['DATABASE_URL'])}")
        subprocess.run([sys.executable, __file__, "--inner", "--pages", str(pages_dir)], env=env, check=True)
        two_workers(pages_dir, work, env, args.copies)


if __name__ == "__main__":
    main()
