"""OCR throughput and accuracy: the library's OCR path against bare Tesseract, same pages.

Makes N scanned-looking A4 pages of Vietnamese text (sentences of the 2025 plan drawn with a
Noto font at 300 dpi, slightly noisy and turned by 0.3°, saved as scanner JPEGs) and one PDF
holding those JPEGs unchanged (img2pdf), as a scanner writes it. Then, in alternating rounds
so that both see the same machine:

* bare:     ``tesseract page-N.jpg out -l vie+eng`` for each page (text only);
* platform: ``library.ocr.ocr_pdf(scan.pdf, searchable.pdf)`` — the path uploads and the
  ``doingoai library ingest`` command take: every page recognised, the original kept and a
  text layer grafted onto it, the text returned per page.

Both run Tesseract with the same ``OMP_THREAD_LIMIT`` (``--threads``, 1 by default as the
platform runs it). Prints pages/s of both by wall clock and by CPU time (this machine is
shared: CPU time is the steadier figure), the ratio platform/bare (budget ≥ 0.90), and
character accuracy (1 − edit distance / length, over the lines) and word recall (folded) of
both against the drawn text. ``--lossless`` draws PNG pages instead (the PDF then holds
Flate images, which the platform renders with pdfium before OCR); ``--ocrmypdf`` also times
ocrmypdf with its fastest settings, for the record.

    python bench/ocr.py [--pages 6] [--rounds 2] [--threads 1] [--lossless] [--ocrmypdf]
"""

from __future__ import annotations

import argparse
import difflib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def setup_django(directory: Path) -> None:
    os.environ["DOINGOAI_DATA_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "doingoai.settings.base"
    import django

    django.setup()


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def char_accuracy(truth: str, found: str) -> float:
    """1 − (edit distance / characters of the truth), lines aligned first (difflib)."""
    want, got = _lines(truth), _lines(found)
    errors = 0
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        a, b = want[i1:i2], got[j1:j2]
        for k in range(max(len(a), len(b))):
            errors += edit_distance(a[k] if k < len(a) else "", b[k] if k < len(b) else "")
    total = sum(len(line) for line in want)
    return max(0.0, 1 - errors / max(total, 1))


def word_recall(truth: str, found: str) -> float:
    from collections import Counter

    from doingoai.core.vntext import fold_tokens

    want, got = Counter(fold_tokens(truth)), Counter(fold_tokens(found))
    return sum(min(n, got[w]) for w, n in want.items()) / max(sum(want.values()), 1)


def make_pages(work: Path, count: int, lossless: bool) -> tuple[list[Path], list[str], Path]:
    from tests.library.fixtures import scans

    images, truths = [], []
    for n in range(count):
        lines = scans.page_lines(seed=n)
        image = scans.scan_page(lines, seed=n)
        if lossless:
            path = work / f"page-{n}.png"
            image.save(path, dpi=(300, 300))
        else:
            path = scans.save_jpeg(image, work / f"page-{n}.jpg")
        images.append(path)
        truths.append("\n".join(lines))
    pdf = scans.scan_pdf(images, work / "scan.pdf")
    return images, truths, pdf


def bare(images: list[Path], work: Path, env: dict) -> list[str]:
    texts = []
    for n, image in enumerate(images):
        base = work / f"bare-{n}"
        subprocess.run(["tesseract", str(image), str(base), "-l", "vie+eng"], check=True, capture_output=True,
                       env=env)
        texts.append(base.with_suffix(".txt").read_text(encoding="utf-8"))
    return texts


def timed(func, *args):
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = func(*args)
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2, help="alternating timed rounds of both paths")
    parser.add_argument("--threads", default="1", help="OMP_THREAD_LIMIT for Tesseract on both paths")
    parser.add_argument("--lossless", action="store_true", help="PNG pages (the platform renders them)")
    parser.add_argument("--ocrmypdf", action="store_true", help="also time ocrmypdf (fastest settings)")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = args.threads
    env = dict(os.environ)

    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        work = Path(tmp)
        setup_django(work)
        from doingoai.library import ocr

        images, truths, pdf = make_pages(work, args.pages, args.lossless)
        print(f"{args.pages} pages A4 at 300 dpi ({'PNG' if args.lossless else 'JPEG'}), "
              f"{args.rounds} round(s), OMP_THREAD_LIMIT={args.threads}, vie+eng")
        bare(images[:1], work, env)  # warm-up: language data into the page cache

        totals = {"bare": [0.0, 0.0], "platform": [0.0, 0.0]}
        bare_texts = platform_texts = None
        for _ in range(args.rounds):
            bare_texts, wall, cpu = timed(bare, images, work, env)
            totals["bare"][0] += wall
            totals["bare"][1] += cpu
            platform_texts, wall, cpu = timed(ocr.ocr_pdf, pdf, work / "searchable.pdf", "vie+eng")
            totals["platform"][0] += wall
            totals["platform"][1] += cpu

        pages = args.pages * args.rounds
        rates = {}
        for name, texts in (("bare", bare_texts), ("platform", platform_texts)):
            wall, cpu = totals[name]
            rates[name] = (pages / wall, pages / cpu)
            accuracy = sum(char_accuracy(t, f or "") for t, f in zip(truths, texts, strict=True)) / len(truths)
            recall = sum(word_recall(t, f or "") for t, f in zip(truths, texts, strict=True)) / len(truths)
            label = "bare tesseract" if name == "bare" else "platform ocr_pdf (searchable PDF)"
            print(f"{label:<36} {rates[name][0]:5.3f} pages/s wall   {rates[name][1]:5.3f} pages/s CPU   "
                  f"char accuracy {accuracy:6.2%}   word recall {recall:6.2%}")
        wall_ratio = rates["platform"][0] / rates["bare"][0]
        cpu_ratio = rates["platform"][1] / rates["bare"][1]
        verdict = "within" if cpu_ratio >= 0.90 else "UNDER"
        print(f"ratio platform/bare  wall {wall_ratio:.2f}   CPU {cpu_ratio:.2f}   ({verdict} the ≥ 0.90 budget)")

        if args.ocrmypdf:
            import ocrmypdf

            _, wall, cpu = timed(lambda: ocrmypdf.ocr(
                pdf, work / "ocrmypdf.pdf", language=["vie", "eng"], output_type="pdf", optimize=0, jobs=1,
                rasterizer="pypdfium", pdf_renderer="sandwich", progress_bar=False, fast_web_view=1e9))
            print(f"{'ocrmypdf (pdf, optimize 0, jobs 1)':<36} {args.pages / wall:5.3f} pages/s wall   "
                  f"{args.pages / cpu:5.3f} pages/s CPU   ratio to bare CPU "
                  f"{(args.pages / cpu) / rates['bare'][1]:.2f}")


if __name__ == "__main__":
    main()
