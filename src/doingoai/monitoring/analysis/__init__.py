"""Analysis of a monitored article: language, relevance to the city, themes, sentiment.

    >>> from doingoai.monitoring.analysis import analyze_text
    >>> a = analyze_text("Du khách đổ về Cát Bà dịp nghỉ lễ", "…", date(2025, 9, 2))
    >>> a.lang, a.relevant, a.themes, a.sentiment
    ('vi', True, ['du-lich'], 'positive')

* language — ``language.detect`` (script, Vietnamese letters and syllables, lingua restricted
  to the languages in play, the page's ``lang`` for short texts);
* relevance — the gazetteer of the city (``data/gazetteer.json``, with validity dates: an
  article is judged by the territory valid on its date) and a classifier over its hits;
* themes and sentiment — classifiers trained on the labelled set shipped in the repository and
  on editors' corrections (``training.retrain``); only for relevant articles.

The models are trained at first use when no saved model exists for the current data and code
(a few seconds), then loaded from ``DATA_DIR/models``. An article an editor has corrected gets
the editor's labels back after a retrain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from doingoai.core.vntext import normalize

from . import language, training
from .gazetteer import default_gazetteer
from .relevance import features as relevance_features

__all__ = ["Analysis", "analyze_text", "warm_up"]


@dataclass(frozen=True)
class Analysis:
    lang: str
    relevant: bool
    relevance: float
    themes: list[str] = field(default_factory=list)
    sentiment: str = "na"
    places: list[str] = field(default_factory=list)   # the city's places the article names
    version: str = ""                                  # version of the models used


def warm_up() -> str:
    """Load (or train) the models and lingua now; returns the models' version."""
    language.warm_up()
    return training.models().version


def analyze_text(title: str, text: str, published: date | datetime | None = None,
                 page_lang: str | None = None) -> Analysis:
    """Analyse one article. ``published`` decides which territory of the city applies (today
    when unknown); ``page_lang`` is the page's ``lang`` attribute, if any."""
    models = training.models()
    title, text = normalize(title or ""), normalize(text or "")
    on = training.to_date(published)
    lang = language.detect(title, text, page_lang)
    scan = default_gazetteer().scan(title, text, on)
    x = relevance_features(scan).reshape(1, -1)
    score = float(models.relevance.score(x)[0])
    relevant = score >= models.relevance.threshold
    themes: list[str] = []
    sentiment = "na"
    memory = models.memory.get(training.article_key(title, text), {}) if models.memory else {}
    lang = memory.get("lang", lang)
    if "relevant" in memory:
        relevant = bool(memory["relevant"])
        score = max(score, models.relevance.threshold) if relevant else min(score, np.nextafter(models.relevance.threshold, 0))
    if relevant:
        example = [{"title": title, "text": text}]
        themes = memory.get("themes") or models.themes.predict(example)[0]
        sentiment = memory.get("sentiment") or models.sentiment.predict(example)[0]
    return Analysis(lang=lang, relevant=relevant, relevance=round(score, 4), themes=list(themes), sentiment=sentiment,
                    places=scan.places() if relevant else [], version=models.version)
