"""Vietnamese text: the one folding function of the platform and its normalisation helpers.

``fold`` is the only place where Vietnamese is folded: search indexing, search queries and
every tolerant match (unit names, OCR-damaged headings) go through it, on every backend.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

__all__ = ["fold", "normalize", "fold_tokens", "ocr_repair", "similarity", "best_match"]

_D = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC, non-breaking and odd spaces made plain, runs of spaces collapsed, ends trimmed.

    Stored text goes through this, so that "Hải Phòng" typed on two keyboards (composed or
    decomposed marks) is one string."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """"Đối ngoại" → "doi ngoai": NFC → NFD, combining marks dropped, đ/Đ → d, casefolded.

    Idempotent, never raises on a ``str``, keeps digits, punctuation and spacing. Letters of
    other scripts keep their base form (CJK is unchanged).

    Folding is character by character once the text is in NFC, so each character's fold is
    computed once (``fold_reference``) and then looked up: the hot paths (indexing, analysis,
    content hashes) fold millions of characters."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFC", text).translate(_FOLDED)
    if folded.isascii() or unicodedata.is_normalized("NFC", folded):
        return folded
    return unicodedata.normalize("NFC", folded)


def fold_reference(text: str) -> str:
    """The definition of ``fold`` on a whole string (slow; ``fold`` must equal it)."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Casefold can produce new combining marks (e.g. "İ" → "i̇"); drop those too.
    folded = stripped.translate(_D).casefold().translate(_D)
    folded = unicodedata.normalize("NFD", folded)
    return unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))


class _FoldTable(dict):
    """code point → its fold, filled on first sight (a ``str.translate`` table)."""

    def __missing__(self, code: int) -> str:
        value = self[code] = fold_reference(chr(code))
        return value


_FOLDED = _FoldTable()


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fold_tokens(text: str) -> list[str]:
    """Folded word tokens, for matching and indexing."""
    return _TOKEN.findall(fold(text))


# Letters that OCR of Vietnamese scans commonly turns into other letters once marks are lost:
# "Đơn vị" → "Pon vi" / "Bon vi", "phối" → "phdi", "thời" → "thot", "III." → "I11.".
_OCR_LETTERS = str.maketrans({"0": "o", "1": "l", "|": "l", "6": "o", "8": "o", "&": "e"})
_OCR_WORDS = (
    (re.compile(r"^[pb](?=on\b|ong\b|an\b|ang\b|ieu\b|oc\b|ia\b|ai\b|uoc\b|e\b|o\b|ang\b|ac\b)"), "d"),
)


def ocr_repair(text: str) -> str:
    """A folded, OCR-tolerant form for matching labels: ``fold`` plus the usual confusions of
    Vietnamese OCR undone (digits read for letters, "Đ" read as "P" or "B" at a word start).

    Meant for comparison only; never store or show its result."""
    words = []
    for word in fold(text).split():
        word = word.translate(_OCR_LETTERS)
        for pattern, repl in _OCR_WORDS:
            word = pattern.sub(repl, word)
        words.append(word)
    return " ".join(words)


def similarity(a: str, b: str) -> float:
    """0..1 likeness of two labels after ``ocr_repair``: 1.0 for the same words."""
    fa, fb = ocr_repair(a), ocr_repair(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    return SequenceMatcher(None, fa, fb, autojunk=False).ratio()


def best_match(text: str, candidates: dict[str, list[str]], threshold: float = 0.82) -> tuple[str | None, float]:
    """The key of ``candidates`` (key → its names) whose name is most like ``text``.

    Returns ``(None, score)`` when nothing reaches ``threshold``."""
    best_key, best_score = None, 0.0
    for key, names in candidates.items():
        for name in names:
            score = similarity(text, name)
            if score > best_score:
                best_key, best_score = key, score
    if best_score < threshold:
        return None, best_score
    return best_key, best_score
