"""Relevance of an article to the city: a score 0..1 and a yes/no at a tuned threshold.

The gazetteer finds and judges the place mentions (``gazetteer.py``); this module turns them
into features — how much and where the city is named (title, lead, body), how much other
provinces and cities are, what share of all place mentions is the city's, how early it comes,
and how many mentions were thrown out as false friends (a street named after the city, Chinese
海防 "coastal defence") — and a logistic regression over them gives the score. A city named
once in passing in an article about another province scores low; an article about Cát Bà
without the city's name scores high.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .gazetteer import Scan

__all__ = ["FEATURES", "features", "RelevanceModel"]

FEATURES = (
    "city_weight", "city_name_mentions", "city_title", "city_lead", "city_body", "other_weight", "other_title",
    "other_lead", "share", "share_title", "share_lead", "first_city", "first_other", "city_places", "rejected_street",
    "rejected_coastal", "rejected_other", "any_city", "city_density", "city_minus_other_title_lead",
)


def features(scan: Scan) -> np.ndarray:
    city, other = scan.city_hits(), scan.other_hits()

    def weight(hits, region=None):
        return sum(h.weight for h in hits if region is None or scan.region(h) == region)

    def count(hits, region=None):
        return sum(1 for h in hits if region is None or scan.region(h) == region)

    def share(c: float, o: float) -> float:
        return (c - o) / (c + o) if c + o else 0.0

    c_all, o_all = weight(city), float(count(other))
    c_title, o_title = weight(city, "title"), float(count(other, "title"))
    c_lead, o_lead = weight(city, "lead"), float(count(other, "lead"))
    length = max(scan.length, 1)
    first_city = min((h.start for h in city), default=length) / length
    first_other = min((h.start for h in other), default=length) / length
    rejected = scan.rejected()
    return np.array([
        math.log1p(c_all),
        math.log1p(sum(1 for h in city if h.kind == "city")),
        min(c_title, 2.0),
        min(c_lead, 2.0),
        math.log1p(weight(city, "body")),
        math.log1p(o_all),
        min(o_title, 2.0),
        min(o_lead, 2.0),
        share(c_all, o_all),
        share(c_title, o_title),
        share(c_lead, o_lead),
        first_city,
        first_other,
        math.log1p(len({h.entry_id for h in city})),
        min(sum(1 for h in rejected if h.label == "street"), 3),
        min(sum(1 for h in rejected if h.label == "coastal_defence"), 3),
        min(sum(1 for h in rejected if h.label not in ("street", "coastal_defence")), 3),
        1.0 if city else 0.0,
        min(c_all * 1000.0 / length, 10.0),
        (c_title + c_lead) - (o_title + o_lead),
    ], dtype=float)


class RelevanceModel:
    """Logistic regression over gazetteer features; ``threshold`` is tuned on training folds."""

    def __init__(self, C: float = 1.0, threshold: float = 0.5):
        self.C = C
        self.threshold = threshold

    def fit(self, X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> RelevanceModel:
        self.model = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced"))
        self.model.fit(X, y, logisticregression__sample_weight=weights)
        scaler, lr = self.model[0], self.model[-1]
        self._w = lr.coef_.ravel() / scaler.scale_
        self._b = float(lr.intercept_[0] - np.dot(scaler.mean_ / scaler.scale_, lr.coef_.ravel()))
        return self

    def score(self, X: np.ndarray) -> np.ndarray:
        z = np.asarray(X, dtype=float) @ self._w + self._b
        return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.score(X) >= self.threshold
