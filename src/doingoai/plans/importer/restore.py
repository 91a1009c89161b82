"""Giving Vietnamese words their diacritics back in an OCR reading that lost them.

Only where it is unambiguous: a word is restored from a bigram lexicon (pairs of adjacent
words) built from Vietnamese administrative text shipped with the platform
(``data/van-ban-hanh-chinh.txt``) and from the unit registry's names. A word takes a form
when its neighbours single that form out (≥ 75 % of what the lexicon saw in that context);
anything else is left as read. A text that already carries its diacritics is not touched at all, and a word
with marks that the lexicon knows as written is never changed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from doingoai.core import vntext

__all__ = ["Lexicon", "Restorer", "base_lexicon", "lost_diacritics"]

CORPUS = Path(__file__).resolve().parent / "data" / "van-ban-hanh-chinh.txt"
CONTEXT_SHARE = 0.75
# Properly written Vietnamese carries marks on about two words in three; an OCR reading that
# lost them, on far fewer.
ACCENTED_SHARE = 0.4

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE_BREAK = re.compile(r"[,.;:()\"“”'!?/|\[\]]")
# Digits and letters that OCR puts for Vietnamese letters, tried when a word is unknown.
_OCR_VARIANTS = (
    ("w", "u"), ("ii", "u"), ("1", "i"), ("1", "l"), ("6", "o"), ("0", "o"), ("4", "a"), ("&", "e"), ("i", "a"),
)
# A number stands for any number in the lexicon: "năm 2025", "ngày 15", "số 47" are contexts.
NUMBER = "#"


def _key(word: str) -> str:
    return NUMBER if word.isdigit() or word == NUMBER else vntext.fold(word)


@dataclass
class Lexicon:
    forms: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    pairs: dict[tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add_text(self, text: str) -> None:
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            for phrase in _PHRASE_BREAK.split(line):
                words = [NUMBER if w.isdigit() else w.lower() for w in _TOKEN.findall(phrase)]
                for word in words:
                    self.forms[_key(word)][word] += 1
                for left, right in zip(words, words[1:], strict=False):
                    self.pairs[(_key(left), _key(right))][(left, right)] += 1

    def copy(self) -> Lexicon:
        twin = Lexicon()
        for key, counts in self.forms.items():
            twin.forms[key] = Counter(counts)
        for key, counts in self.pairs.items():
            twin.pairs[key] = Counter(counts)
        return twin

    def knows(self, word: str) -> bool:
        return word.lower() in self.forms.get(_key(word), ())


@cache
def base_lexicon() -> Lexicon:
    lexicon = Lexicon()
    lexicon.add_text(CORPUS.read_text(encoding="utf-8"))
    return lexicon


def lost_diacritics(text: str) -> bool:
    """Whether ``text`` reads as Vietnamese that lost its marks (an OCR reading, a text typed
    without them) rather than as properly written Vietnamese."""
    words = [w for w in _TOKEN.findall(text) if len(w) >= 2 and not any(c.isdigit() for c in w)]
    if len(words) < 20:
        return False
    accented = sum(1 for w in words if vntext.fold(w) != w.lower())
    return accented / len(words) < ACCENTED_SHARE


@dataclass
class _Word:
    text: str
    start: int
    end: int
    keys: list[str]
    joined_left: bool  # only spaces or a dash between it and the word before


class Restorer:
    """Restores diacritics in the pieces of one document (titles, names, timelines)."""

    def __init__(self, lexicon: Lexicon | None, active: bool):
        self.lexicon = lexicon
        self.active = active and lexicon is not None

    @classmethod
    def for_text(cls, text: str, units=()) -> Restorer:
        """A restorer for the document ``text``: active only when the text lost its marks;
        the unit registry's names join the lexicon."""
        if not lost_diacritics(text):
            return cls(None, False)
        lexicon = base_lexicon().copy()
        for unit in units:
            lexicon.add_text("\n".join([unit.name, *unit.aliases]))
        return cls(lexicon, True)

    def restore(self, text: str) -> str:
        if not self.active or not text:
            return text
        words = self._words(text)
        out, last = [], 0
        for index, word in enumerate(words):
            out.append(text[last:word.start])
            out.append(self._restored(words, index, text))
            last = word.end
        out.append(text[last:])
        return "".join(out)

    # -- one word --------------------------------------------------------------------------
    def _words(self, text: str) -> list[_Word]:
        words: list[_Word] = []
        for m in _TOKEN.finditer(text):
            gap = text[words[-1].end: m.start()] if words else ""
            joined = bool(words) and re.fullmatch(r"\s*[-–]?\s*", gap) is not None
            words.append(_Word(m.group(0), m.start(), m.end(), self._keys(m.group(0)), joined))
        return words

    def _keys(self, word: str) -> list[str]:
        """The folded spellings the word may stand for: itself, else its OCR variants that
        the lexicon knows."""
        key = _key(word)
        if key in self.lexicon.forms or key == NUMBER:
            return [key]
        variants = {key}
        if key[:1] in "pb":
            variants.add("d" + key[1:])  # "Pảng", "Bon vi": OCR's P and B for Đ
        for wrong, right in _OCR_VARIANTS:
            variants |= {v.replace(wrong, right) for v in variants if wrong in v}
        return [v for v in sorted(variants) if v in self.lexicon.forms] or [key]

    def _restored(self, words: list[_Word], index: int, text: str) -> str:
        word = words[index]
        if not self._may_change(word, text):
            return word.text
        # Only a context decides: a word alone is left as read, since nearly every Vietnamese
        # syllable has several spellings ("moi": mới, mọi, mỗi, môi).
        form = _dominant(self._context_scores(words, index), CONTEXT_SHARE)
        if not form or form == NUMBER:
            return word.text
        if word.text[:1] in "PB" and word.text[1:].islower() and index > 0 and vntext.fold(form)[:1] == "d":
            return form  # OCR's capital "P"/"B" for a small "đ" inside a sentence
        return _with_case_of(word.text, form)

    def _may_change(self, word: _Word, text: str) -> bool:
        if any(c.isdigit() for c in word.text) and not any(c.isalpha() for c in word.text):
            return False
        if vntext.fold(word.text) != word.text.lower() and self.lexicon.knows(word.text):
            return False  # written with marks the lexicon knows: correct, keep it
        before, after = text[max(0, word.start - 1): word.start], text[word.end: word.end + 1]
        if "/" in before + after or (before == "-" and word.text.isupper()):
            return False  # part of a document symbol ("57-KL/TW", "KH-UBND")
        if word.text.isupper() and len(word.text) <= 5 and not _mostly_capitals(text):
            return False  # an abbreviation inside ordinary text ("UBND", "TW")
        return True

    def _context_scores(self, words: list[_Word], index: int) -> Counter:
        word, scores = words[index], Counter()
        if index > 0 and word.joined_left:
            for left in words[index - 1].keys:
                for key in word.keys:
                    for (_, form), n in self.lexicon.pairs.get((left, key), {}).items():
                        scores[form] += n
        if index + 1 < len(words) and words[index + 1].joined_left:
            for key in word.keys:
                for right in words[index + 1].keys:
                    for (form, _), n in self.lexicon.pairs.get((key, right), {}).items():
                        scores[form] += n
        return scores


def _dominant(counts: Counter, share: float, minimum: int = 1) -> str | None:
    total = sum(counts.values())
    if not total:
        return None
    form, n = counts.most_common(1)[0]
    return form if n >= minimum and n / total >= share else None


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _with_case_of(word: str, form: str) -> str:
    if word.isupper() and len(word) > 1:
        return form.upper()
    if word[:1].isupper():
        return form[:1].upper() + form[1:]
    return form
