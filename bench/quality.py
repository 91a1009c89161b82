"""Quality of the article analysis (language, relevance, themes, sentiment) on the labelled set.

    python bench/quality.py [--folds 5]

Trains on ``monitoring/data/training/train-*.jsonl`` and prints every quality figure on the
held-out split (``heldout-*.jsonl``: stories and templates training never sees), then the same
figures by grouped k-fold cross-validation on the training split (a whole story is in the test
part of a fold or not at all), the analysis time per article, and the size of the labelled set.
Targets: relevance F1 ≥ 0.95, language accuracy ≥ 0.99 on articles and ≥ 0.95 on headlines,
themes micro-F1 ≥ 0.85, sentiment accuracy ≥ 0.80. Exit status 1 when a held-out figure misses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DOINGOAI_DATA_DIR", tempfile.mkdtemp(prefix="doingoai-bench-"))

from doingoai.monitoring.analysis import language, training  # noqa: E402

TARGETS = training.QUALITY_TARGETS
LABELS = {
    "language_articles": "language accuracy, articles",
    "language_headlines": "language accuracy, headlines",
    "language_headlines_page_lang": "language accuracy, headlines + page lang",
    "relevance_f1": "relevance F1",
    "relevance_accuracy": "relevance accuracy",
    "themes_micro_f1": "themes micro-F1",
    "themes_macro_f1": "themes macro-F1",
    "sentiment_accuracy": "sentiment accuracy",
}


def table(title: str, figures: dict) -> None:
    print(f"\n{title}")
    for key, label in LABELS.items():
        if key in figures:
            target = TARGETS.get(key)
            mark = "" if target is None else f"  {'ok' if figures[key] >= target else 'MISSED'} (≥ {target:.2f})"
            print(f"  {label:<42} {figures[key]:.4f}{mark}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    train = training.load_examples(training.train_files())
    heldout = training.load_examples(sorted(training.TRAINING_DIR.glob("heldout-*.jsonl")))
    langs = Counter(e["lang"] for e in train + heldout)
    print(f"labelled set: {len(train) + len(heldout)} articles — train {len(train)}, held-out {len(heldout)}")
    print("  by language: " + ", ".join(f"{k} {v}" for k, v in langs.most_common()))
    print(f"  relevant {sum(e['relevant'] for e in train + heldout)}, "
          f"typed without diacritics {sum(bool(e.get('typed_without_diacritics')) for e in train + heldout)}")

    started = time.perf_counter()
    models = training.fit(train)
    print(f"\ntraining: {time.perf_counter() - started:.1f} s on {models.samples} articles "
          f"(relevance threshold {models.relevance.threshold})")
    held = training.evaluate(models, heldout)
    table(f"held-out split ({held['n']} articles)", held)

    started = time.perf_counter()
    cv = training.cross_validate(train, folds=args.folds)
    table(f"{args.folds}-fold cross-validation on the training split, grouped by story "
          f"({time.perf_counter() - started:.0f} s)", cv)

    from doingoai.monitoring.analysis import analyze_text, trained

    trained.activate(models, persist=False)
    language.warm_up()
    sample = heldout[:100]
    times = []
    for e in sample * 3:
        t0 = time.perf_counter()
        analyze_text(e["title"], e["text"], e["published"], e.get("page_lang"))
        times.append((time.perf_counter() - t0) * 1000)
    print(f"\nanalysis time per article: median {statistics.median(times):.2f} ms, "
          f"p95 {sorted(times)[int(0.95 * len(times))]:.2f} ms")

    missed = [k for k, v in TARGETS.items() if held.get(k, 0) < v]
    if missed:
        print("\nMISSED on the held-out split: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
