"""Extraction quality and cost on real pages: `monitoring.pipeline.extract` against bare trafilatura.

Reads the 206 pages of the extraction gold (`evaldata.json`: snippets that a correct
extraction must contain, "with", and must not contain, "without"), runs bare
`trafilatura.extract(html)` and the pipeline's `extract(html, url)` on every page (after one
warm-up pass, alternating the two so that both see the same machine state) and prints:
share of "with" found, share of "without" leaked, mean/p95 milliseconds per page, the cost
ratio (pipeline / bare; the pipeline's budget is 1.5x), and how often title, date and
author agree with the gold metadata. `--compare` also scores trafilatura's other focus
settings (comments off), the evidence for the one the pipeline uses.

    python bench/extraction.py [--pages ../shared/data/pages] [--repeat 1] [--compare]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import trafilatura  # noqa: E402

from doingoai.core import vntext  # noqa: E402
from doingoai.monitoring.pipeline.extract import extract  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def load(pages_dir: Path) -> list[tuple[str, bytes, dict]]:
    gold = json.loads((pages_dir / "evaldata.json").read_text(encoding="utf-8"))
    return [(url, (pages_dir / item["file"]).read_bytes(), item) for url, item in gold.items()]


def snippets(texts: list[str], pages) -> tuple[float, float]:
    found = total_with = leaked = total_without = 0
    for text, (_, _, gold) in zip(texts, pages, strict=True):
        for snippet in gold["with"]:
            total_with += 1
            found += snippet in text
        for snippet in gold["without"]:
            total_without += 1
            leaked += snippet in text
    return found / total_with, leaked / total_without


def same(a: str | None, b: str | list | None) -> bool:
    if isinstance(b, list):
        return any(same(a, one) for one in b)
    fa, fb = " ".join(vntext.fold_tokens(a or "")), " ".join(vntext.fold_tokens(b or ""))
    return bool(fa and fb) and (fa == fb or fa in fb or fb in fa)


def metadata(results, pages) -> str:
    scores = {}
    for field in ("title", "date", "author"):
        hits = total = 0
        for result, (_, _, gold) in zip(results, pages, strict=True):
            expected = gold.get(field)
            if not expected:
                continue
            total += 1
            if result is None:
                continue
            if field == "title":
                hits += same(result.title, expected)
            elif field == "date":
                hits += bool(result.published) and result.published.date().isoformat() == expected
            else:
                hits += same(result.author, expected)
        scores[field] = f"{field} {hits}/{total} ({hits / max(total, 1):.0%})"
    return "   ".join(scores.values())


def line(name: str, ms: list[float]) -> str:
    return f"{name:<34} mean {statistics.mean(ms):6.2f} ms   p50 {percentile(ms, 50):6.2f} ms   p95 {percentile(ms, 95):6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=Path, default=REPO / "../shared/data/pages",
                        help="directory holding evaldata.json and the pages (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes over all pages")
    parser.add_argument("--compare", action="store_true", help="also score trafilatura's focus settings")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # trafilatura logs every discarded page

    pages = load(args.pages.resolve())
    size = sum(len(raw) for _, raw, _ in pages)
    for url, raw, _ in pages:  # warm-up: imports, regex and dateparser caches
        trafilatura.extract(raw)
        extract(raw, url)

    bare_ms: list[float] = []
    ours_ms: list[float] = []
    bare_texts: list[str] = []
    results = []
    for round_ in range(args.repeat):
        for url, raw, _ in pages:
            start = time.perf_counter()
            text = trafilatura.extract(raw)
            bare_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            result = extract(raw, url)
            ours_ms.append((time.perf_counter() - start) * 1000)
            if round_ == 0:
                bare_texts.append(text or "")
                results.append(result)

    ours_texts = [r.text if r else "" for r in results]
    bare_with, bare_without = snippets(bare_texts, pages)
    ours_with, ours_without = snippets(ours_texts, pages)
    print(f"{len(pages)} pages, {size / 1e6:.1f} MB, {args.repeat} timed pass(es) after a warm-up pass")
    print(f"{'bare trafilatura.extract(html)':<34} with found {bare_with:6.1%}   without leaked {bare_without:6.1%}")
    print(f"{'pipeline extract(html, url)':<34} with found {ours_with:6.1%}   without leaked {ours_without:6.1%}"
          f"   ({sum(r is None for r in results)} pages without article)")
    print(line("bare trafilatura.extract(html)", bare_ms))
    print(line("pipeline extract(html, url)", ours_ms))
    mean_ratio = statistics.mean(ours_ms) / statistics.mean(bare_ms)
    p95_ratio = percentile(ours_ms, 95) / percentile(bare_ms, 95)
    verdict = "within" if mean_ratio <= 1.5 else "OVER"
    print(f"ratio pipeline/bare  mean {mean_ratio:.2f}x   p95 {p95_ratio:.2f}x   ({verdict} the 1.5x budget)")
    print(f"pipeline throughput  {1000 / statistics.mean(ours_ms):.0f} pages/s on one core")
    print(f"metadata vs gold     {metadata(results, pages)}")

    if args.compare:
        print("trafilatura focus settings, comments off (text only, no metadata):")
        settings = {
            "balanced (pipeline)": {},
            "favor_precision": {"favor_precision": True},
            "favor_recall": {"favor_recall": True},
            "fast": {"fast": True},
        }
        for name, kwargs in settings.items():
            texts, ms = [], []
            for _, raw, _ in pages:
                start = time.perf_counter()
                texts.append(trafilatura.extract(raw, include_comments=False, **kwargs) or "")
                ms.append((time.perf_counter() - start) * 1000)
            found, leaked = snippets(texts, pages)
            print(f"  {name:<22} with found {found:6.1%}   without leaked {leaked:6.1%}   mean {statistics.mean(ms):6.2f} ms")


if __name__ == "__main__":
    main()
