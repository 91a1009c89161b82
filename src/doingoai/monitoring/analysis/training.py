"""Training of the analysis models on the labelled set shipped in the repository
(``monitoring/data/training/train-*.jsonl``) and on editors' corrections.

The held-out files (``heldout-*.jsonl``) are never read here: ``bench/quality.py`` measures the
models on them. An example is a dict::

    {"title": str, "text": str, "published": "2025-08-01" | date | datetime | None,
     "lang": "vi", "relevant": bool, "themes": [codes], "sentiment": "positive|neutral|negative"}

Any label may be missing (an editor corrected only the sentiment): an example trains only the
models whose label it carries. Irrelevant articles carry no themes and sentiment "na".

``retrain(extra_examples)`` → ``{"version", "metrics", "samples", "corrections", "trained_at"}``;
``current_version()`` → the version analysis uses now. Versions read ``YYYYMMDD-<hash>``, the
hash being that of the code, the shipped data and the corrections.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import MultiLabelBinarizer

from doingoai.core.vntext import fold, normalize

from . import language, trained
from .gazetteer import GAZETTEER_PATH, default_gazetteer
from .relevance import RelevanceModel, features
from .sentiment import LABELS, SentimentModel
from .themes import THEMES_PATH, ThemeModel, theme_codes

__all__ = [
    "TRAINING_DIR", "CODE_VERSION", "train_files", "load_examples", "base_hash", "fit", "evaluate",
    "cross_validate", "retrain", "current_version", "models", "article_key",
]

TRAINING_DIR = Path(__file__).resolve().parent.parent / "data" / "training"
CODE_VERSION = "analysis-1"   # change to force a retrain (the code files are hashed as well)
CORRECTION_WEIGHT = 3.0       # an editor's correction counts as this many shipped examples
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# What the issue asks of the analysis, checked by the tests and printed by bench/quality.py.
QUALITY_TARGETS = {
    "relevance_f1": 0.95,
    "language_articles": 0.99,
    "language_headlines": 0.95,
    "themes_micro_f1": 0.85,
    "sentiment_accuracy": 0.80,
}

def train_files() -> list[Path]:
    return sorted(TRAINING_DIR.glob("train-*.jsonl"))


def load_examples(paths: Iterable[Path]) -> list[dict]:
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def to_date(value) -> date:
    """The article's date in Hải Phòng's time zone; today when unknown."""
    if value is None or value == "":
        return datetime.now(TZ).date()
    if isinstance(value, datetime):
        return (value.astimezone(TZ) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        return to_date(datetime.fromisoformat(text))
    except ValueError:
        return date.fromisoformat(text[:10])


def article_key(title: str, text: str) -> str:
    """Identity of an article's wording, for the labels editors set on it."""
    body = fold(normalize(title or "")) + "\n" + fold(normalize(text or ""))[:4000]
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


def _hash(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:16]


_CODE_FILES = ("features.py", "gazetteer.py", "relevance.py", "themes.py", "sentiment.py", "training.py")


def _inputs() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [GAZETTEER_PATH, THEMES_PATH, *(here / name for name in _CODE_FILES), *train_files()]


@lru_cache(maxsize=8)
def _base_hash(stamp: tuple) -> str:
    parts = [CODE_VERSION.encode(), sklearn.__version__.encode()]
    parts += [p.name.encode() + p.read_bytes() for p in _inputs()]
    return _hash(*parts)


def base_hash() -> str:
    """Hash of the code (the analysis modules, scikit-learn's version) and of the data the base
    models are trained on: when any of them changes, saved models are not used any more."""
    global _stamp_checked
    now = time.monotonic()
    if _stamp_checked is None or now - _stamp_checked[0] > STAMP_SECONDS:
        stats = [(p, p.stat()) for p in _inputs()]
        _stamp_checked = (now, tuple((str(p), st.st_mtime_ns, st.st_size) for p, st in stats))
    return _base_hash(_stamp_checked[1])


# The inputs' stamp is looked at once every few seconds, not for every article analysed.
STAMP_SECONDS = 10.0
_stamp_checked: tuple[float, tuple] | None = None


def _clean(example: dict) -> dict:
    out = {"title": normalize(example.get("title") or ""), "text": normalize(example.get("text") or ""),
           "published": to_date(example.get("published")), "group": example.get("group", "")}
    for key in ("lang", "relevant", "themes", "sentiment", "page_lang"):
        if key in example and example[key] is not None:
            out[key] = example[key]
    if out.get("relevant") is False:
        out.setdefault("themes", [])
        out.setdefault("sentiment", "na")
    return out


def _relevance_matrix(examples: list[dict]) -> np.ndarray:
    gaz = default_gazetteer()
    return np.vstack([features(gaz.scan(e["title"], e["text"], e["published"])) for e in examples])


def _tune_relevance(X: np.ndarray, y: np.ndarray, w: np.ndarray, groups: list[str]) -> float:
    """The threshold with the best F1 on out-of-fold scores of the training data."""
    folds = min(5, len(set(groups)))
    if folds < 2 or len(set(y)) < 2:
        return 0.5
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=folds).split(X, y, groups):
        if len(set(y[tr])) < 2:
            oof[te] = y[tr][0]
            continue
        oof[te] = RelevanceModel().fit(X[tr], y[tr], w[tr]).score(X[te])
    best = max(np.arange(0.2, 0.81, 0.02), key=lambda t: (f1_score(y, oof >= t), -abs(t - 0.5)))
    return float(round(best, 2))


def fit(examples: list[dict], corrections: list[dict] = (), *, tune: bool = True) -> trained.AnalysisModels:
    """Train every model on ``examples`` (shipped) plus ``corrections`` (weighted higher)."""
    rows = [_clean(e) for e in examples] + [_clean(e) for e in corrections]
    weights = np.array([1.0] * len(examples) + [CORRECTION_WEIGHT] * len(corrections))
    groups = [r["group"] or f"row-{i}" for i, r in enumerate(rows)]

    rel_idx = [i for i, r in enumerate(rows) if "relevant" in r]
    X = _relevance_matrix([rows[i] for i in rel_idx])
    y = np.array([bool(rows[i]["relevant"]) for i in rel_idx])
    w = weights[rel_idx]
    relevance = RelevanceModel()
    if tune:
        relevance.threshold = _tune_relevance(X, y, w, [groups[i] for i in rel_idx])
    relevance.fit(X, y, w)

    codes = set(theme_codes())
    th_idx = [i for i, r in enumerate(rows)
              if r.get("relevant", True) and any(t in codes for t in r.get("themes") or [])]
    themes = ThemeModel().fit([rows[i] for i in th_idx], list(weights[th_idx]))

    se_idx = [i for i, r in enumerate(rows) if r.get("relevant", True) and r.get("sentiment") in LABELS]
    sentiment = SentimentModel().fit([rows[i] for i in se_idx], list(weights[se_idx]))

    memory = {}
    for r in rows[len(examples):]:
        labels = {k: r[k] for k in ("lang", "relevant", "themes", "sentiment") if k in r}
        if labels:
            memory.setdefault(article_key(r["title"], r["text"]), {}).update(labels)

    base = base_hash()
    data_hash = base if not corrections else _hash(base.encode(), json.dumps(
        [{k: (str(v) if isinstance(v, date) else v) for k, v in r.items()} for r in rows[len(examples):]],
        ensure_ascii=False, sort_keys=True).encode())
    now = datetime.now(TZ)
    return trained.AnalysisModels(
        version=f"{now:%Y%m%d}-{data_hash[:10]}", base=base, data_hash=data_hash, trained_at=now.isoformat(timespec="seconds"),
        samples=len(rows), relevance=relevance, themes=themes, sentiment=sentiment, memory=memory,
        corrections=len(corrections),
        metrics={"relevance_threshold": relevance.threshold, "samples": {
            "relevance": len(rel_idx), "themes": len(th_idx), "sentiment": len(se_idx), "corrections": len(corrections)}},
    )


# -- measuring ------------------------------------------------------------------------------------

def evaluate(models: trained.AnalysisModels, examples: list[dict]) -> dict:
    """Quality of ``models`` on labelled ``examples`` (every figure of the quality targets)."""
    rows = [_clean(e) for e in examples]
    out: dict = {"n": len(rows)}
    with_lang = [r for r in rows if "lang" in r]
    if with_lang:
        gold = [r["lang"] for r in with_lang]
        out["language_articles"] = accuracy_score(gold, [language.detect(r["title"], r["text"]) for r in with_lang])
        out["language_headlines"] = accuracy_score(gold, [language.detect(r["title"]) for r in with_lang])
        out["language_headlines_page_lang"] = accuracy_score(
            gold, [language.detect(r["title"], page_lang=r.get("page_lang")) for r in with_lang])
    rel = [r for r in rows if "relevant" in r]
    if rel:
        X = _relevance_matrix(rel)
        y = np.array([bool(r["relevant"]) for r in rel])
        pred = models.relevance.predict(X)
        out["relevance_f1"] = f1_score(y, pred)
        out["relevance_accuracy"] = accuracy_score(y, pred)
    codes = set(theme_codes())
    th = [r for r in rows if r.get("relevant") and any(t in codes for t in r.get("themes") or [])]
    if th:
        binarizer = MultiLabelBinarizer(classes=list(theme_codes()))
        gold = binarizer.fit_transform([r["themes"] for r in th])
        pred = binarizer.transform(models.themes.predict(th))
        out["themes_micro_f1"] = f1_score(gold, pred, average="micro")
        present = [j for j in range(gold.shape[1]) if gold[:, j].any()]  # themes this sample has
        out["themes_macro_f1"] = f1_score(gold, pred, average="macro", labels=present, zero_division=0)
    se = [r for r in rows if r.get("relevant") and r.get("sentiment") in LABELS]
    if se:
        out["sentiment_accuracy"] = accuracy_score([r["sentiment"] for r in se], models.sentiment.predict(se))
    return {k: (round(float(v), 4) if isinstance(v, float | np.floating) else v) for k, v in out.items()}


def cross_validate(examples: list[dict], folds: int = 5) -> dict:
    """Mean of ``evaluate`` over ``folds`` folds grouped by story (``group``), so that no story
    is in both the training and the test part of a fold."""
    groups = [e.get("group") or f"row-{i}" for i, e in enumerate(examples)]
    scores: dict[str, list[float]] = {}
    for tr, te in GroupKFold(n_splits=folds).split(examples, groups=groups):
        m = fit([examples[i] for i in tr])
        for key, value in evaluate(m, [examples[i] for i in te]).items():
            if key != "n":
                scores.setdefault(key, []).append(value)
    return {k: round(float(np.mean(v)), 4) for k, v in scores.items()}


# -- the active models ----------------------------------------------------------------------------

def _train_base() -> trained.AnalysisModels:
    return fit(load_examples(train_files()))


def models() -> trained.AnalysisModels:
    """The models analysis uses (loaded, or trained at first use)."""
    return trained.active(base_hash(), _train_base)


def retrain(extra_examples: Iterable[dict] = ()) -> dict:
    """Train on the shipped data plus ``extra_examples`` (editors' corrections), make the result
    the active models and return ``{"version", "metrics", "samples", "corrections", "trained_at"}``.

    ``metrics`` are measured by 5-fold cross-validation on the shipped training data with the
    corrections added to every training part (the held-out file is for ``bench/quality.py``)."""
    shipped = load_examples(train_files())
    extra = list(extra_examples)
    result = fit(shipped, extra)
    result.metrics.update(_quick_metrics(shipped, extra))
    trained.activate(result)
    return {"version": result.version, "metrics": result.metrics, "samples": result.samples,
            "corrections": result.corrections, "trained_at": result.trained_at}


def _quick_metrics(shipped: list[dict], extra: list[dict], folds: int = 5) -> dict:
    groups = [e.get("group") or f"row-{i}" for i, e in enumerate(shipped)]
    scores: dict[str, list[float]] = {}
    for tr, te in GroupKFold(n_splits=folds).split(shipped, groups=groups):
        m = fit([shipped[i] for i in tr], extra, tune=False)
        for key, value in evaluate(m, [shipped[i] for i in te]).items():
            if key != "n" and not key.startswith("language"):
                scores.setdefault(key, []).append(value)
    return {f"cv_{k}": round(float(np.mean(v)), 4) for k, v in scores.items()}


def current_version() -> str | None:
    """Version of the models analysis uses now (None before the first training)."""
    return trained.active_version(base_hash())
