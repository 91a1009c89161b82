"""Text features shared by the theme and sentiment models.

Every language goes through one tokenizer: Latin-script words are ``vntext.fold``-ed (so an
article typed without diacritics gives the same words as its accented twin), Chinese and
Japanese runs give character unigrams and bigrams, Korean words give the word and its
character bigrams (Korean glues particles to nouns). Keyword lists in five languages add
features that carry over to articles unlike any in the training data.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from doingoai.core.vntext import fold

from .gazetteer import _fold_with_map, _marks

__all__ = ["tokens", "Lexicon", "LinearHeads"]

_LATIN = re.compile(r"[0-9a-z]+")
_WORD = re.compile(r"[^\W\d_]+")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
_STOP = frozenset("va cua cac la the of and to in on for a an by at is was with da se duoc co nhung mot nay tai".split())


@lru_cache(maxsize=64)
def tokens(text: str) -> tuple[str, ...]:
    """Tokens of ``text`` for TF-IDF: folded Latin words and word pairs, CJK characters and pairs."""
    folded = fold(text)
    out: list[str] = []
    words = [w for w in _LATIN.findall(folded) if not w.isdigit()]
    out.extend(w for w in words if w not in _STOP)
    out.extend(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    # Words written with their marks also count as themselves: "bão" (storm) is not "báo" (press).
    out.extend(w for w in _WORD.findall(text.lower()) if not w.isascii() and fold(w).isascii())
    for run in _CJK_RUN.findall(text):
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    for word in _HANGUL_WORD.findall(text):
        out.append(word)
        out.extend(word[i:i + 2] for i in range(len(word) - 1))
    return tuple(out)


class Lexicon:
    """Named keyword lists in any language: ``counts(title, text)`` → one feature per list.

    Latin keywords match folded whole words ("bão" finds "bao" and "Bão"); others match as
    written. A keyword in the title counts twice."""

    def __init__(self, lists: dict[str, list[str]]):
        self.names = list(lists)
        latin: dict[str, set] = {}
        raw: dict[str, set] = {}
        accents: dict[str, set] = {}
        for name, words in lists.items():
            for word in words:
                key = re.sub(r"\s+", " ", fold(word))
                if key.isascii():
                    latin.setdefault(key, set()).add(name)
                    if key != word.lower():
                        accents.setdefault(key, set()).add(_marks(word))
                else:
                    raw.setdefault(word, set()).add(name)
        self._accents = accents
        self._latin = latin
        self._raw = raw
        self._latin_re = self._compile(latin, boundaries=True)
        self._raw_re = self._compile(raw, boundaries=False)

    @staticmethod
    def _compile(index: dict, boundaries: bool):
        if not index:
            return None
        body = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(index, key=len, reverse=True))
        if boundaries:
            return re.compile(rf"(?<![0-9a-z])(?:{body})(?![0-9a-z])")
        return re.compile(f"(?:{body})")

    def _count(self, text: str, into: dict[str, float], weight: float) -> None:
        if self._latin_re is not None:
            folded, where = _fold_with_map(text)
            for m in self._latin_re.finditer(folded):
                key = re.sub(r"\s+", " ", m.group(0))
                s, e = m.span()
                span = text[s:e] if where is None else text[where[s]:where[e - 1] + 1]
                accents = self._accents.get(key)
                if fold(span) != span.lower() and (not accents or _marks(span) not in accents):
                    continue  # written with other marks: another word
                for name in self._latin[key]:
                    into[name] += weight
        if self._raw_re is not None:
            for m in self._raw_re.finditer(text):
                for name in self._raw[m.group(0)]:
                    into[name] += weight

    def counts(self, title: str, text: str) -> dict[str, float]:
        found = dict.fromkeys(self.names, 0.0)
        self._count(title, found, 2.0)
        self._count(text, found, 1.0)
        return found

    def vector(self, title: str, text: str) -> np.ndarray:
        key = (title, text)
        cache = self.__dict__.setdefault("_cache", {})
        if key in cache:
            return cache[key]
        if len(cache) > 64:
            cache.clear()
        found = self.counts(title, text)
        cache[key] = np.array([math.log1p(found[name]) for name in self.names], dtype=float)
        return cache[key]


def fit_one_vs_rest(X, targets, weights, *, C: float, max_iter: int) -> list:
    """One logistic regression per column of ``targets`` (0/1), fast on wide sparse data; a
    column that never varies becomes its constant value."""
    from sklearn.linear_model import LogisticRegression

    models: list = []
    for target in targets:
        if target.min() == target.max():
            models.append(float(target[0]))
            continue
        model = LogisticRegression(C=C, max_iter=max_iter, class_weight="balanced", solver="liblinear", dual=True,
                                   random_state=0)
        models.append(model.fit(X, target, sample_weight=weights))
    return models


class LinearHeads:
    """Several fitted binary logistic regressions evaluated as one matrix product (scikit-learn's
    per-call checks cost more than the arithmetic on one article). A head may be a constant."""

    def __init__(self, models: list, n_features: int):
        W = np.zeros((n_features, len(models)))
        b = np.zeros(len(models))
        for j, m in enumerate(models):
            if isinstance(m, float):
                b[j] = 30.0 if m >= 0.5 else -30.0
            else:
                W[:, j] = m.coef_.ravel()
                b[j] = m.intercept_[0]
        self.W, self.b = W, b

    def probabilities(self, X) -> np.ndarray:
        z = np.asarray(X @ self.W) + self.b
        return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
