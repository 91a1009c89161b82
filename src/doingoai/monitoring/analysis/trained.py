"""Trained analysis models on disk: ``DATA_DIR/models/analysis-<hash>.joblib``.

* The models trained on the shipped data alone are named after the hash of that data and of
  the code (``training.base_hash()``): at first use they are loaded if they exist, else trained
  (a few seconds) and saved.
* ``training.retrain(corrections)`` saves a model named after the hash of the shipped data *and*
  the corrections, and makes it the active one (``analysis-active.json``). The active model is
  used as long as it was built on the current shipped data and code; when those change, the
  base model is used until the next retrain.
Files are written to a temporary name and renamed, so that several workers can start at once.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib

__all__ = ["AnalysisModels", "model_dir", "active", "activate", "save", "load", "active_version", "reset"]

ACTIVE_FILE = "analysis-active.json"
_lock = threading.RLock()
_current: AnalysisModels | None = None
_checked_at = 0.0
RECHECK_SECONDS = 10.0  # how often a running process looks for models activated elsewhere


@dataclass
class AnalysisModels:
    """Everything analysis needs after training, saved and loaded as one file."""

    version: str
    base: str                     # hash of the shipped data and code it was built on
    data_hash: str                # hash of everything it was trained on (shipped data + corrections)
    trained_at: str
    samples: int
    relevance: Any
    themes: Any
    sentiment: Any
    metrics: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)   # article key → labels an editor set on that article
    corrections: int = 0


def model_dir() -> Path:
    try:
        from django.conf import settings

        base = Path(settings.DATA_DIR)
    except Exception:  # no Django settings: the benchmark and scripts run without them
        base = Path(os.environ.get("DOINGOAI_DATA_DIR", "./var")).expanduser().resolve()
    path = base / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _file(key: str) -> Path:
    return model_dir() / f"analysis-{key}.joblib"


def save(models: AnalysisModels) -> Path:
    path = _file(models.data_hash)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".analysis-", suffix=".tmp")
    os.close(fd)
    joblib.dump(models, tmp, compress=3)
    os.replace(tmp, path)
    return path


def load(key: str) -> AnalysisModels | None:
    path = _file(key)
    if not path.exists():
        return None
    try:
        return joblib.load(path)
    except Exception:  # a file from an older scikit-learn or a torn copy: train again
        return None


def _write_active(models: AnalysisModels) -> None:
    record = {"file": _file(models.data_hash).name, "version": models.version, "base": models.base,
              "data_hash": models.data_hash, "trained_at": models.trained_at}
    fd, tmp = tempfile.mkstemp(dir=model_dir(), prefix=".active-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(record, fh, ensure_ascii=False)
    os.replace(tmp, model_dir() / ACTIVE_FILE)


def _read_active() -> dict | None:
    try:
        return json.loads((model_dir() / ACTIVE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def activate(models: AnalysisModels, persist: bool = True) -> AnalysisModels:
    """Make ``models`` the ones analysis uses (and, with ``persist``, the ones loaded next time)."""
    global _current
    with _lock:
        if persist:
            save(models)
            _write_active(models)
        _current = models
    return models


def active(base: str, train) -> AnalysisModels:
    """The models to analyse with: in memory, else the active file, else the base file, else
    ``train()`` (which returns models built on the shipped data) saved for next time."""
    global _current, _checked_at
    with _lock:
        now = time.monotonic()
        if _current is not None and _current.base == base and now - _checked_at < RECHECK_SECONDS:
            return _current
        # Another process (the retraining job) may have activated newer models meanwhile.
        _checked_at = now
        record = _read_active()
        if (_current is not None and _current.base == base
                and (not record or record.get("data_hash") == _current.data_hash)):
            return _current
        if record and record.get("base") == base:
            models = load(record["data_hash"])
            if models is not None:
                _current = models
                return models
        models = load(base)
        if models is None:
            models = train()
            save(models)
        if not record or record.get("base") != base:
            _write_active(models)
        _current = models
        return models


def active_version(base: str) -> str | None:
    """Version of the models analysis uses now, without training any."""
    with _lock:
        if _current is not None and _current.base == base:
            return _current.version
        record = _read_active()
        if record and record.get("base") == base and _file(record["data_hash"]).exists():
            return record["version"]
        models = load(base)
        return models.version if models else None


def reset() -> None:
    """Forget the models held in memory (tests, or after the data changed)."""
    global _current, _checked_at
    with _lock:
        _current, _checked_at = None, 0.0
