"""Words of a text as the search index sees them: each word twice, as written (NFC, lower
case, diacritics kept: the "exact" form) and folded with ``core.vntext.fold`` ("đối" → "doi").

Indexing, queries and snippets all cut text here, so that a word is the same word in all
three. A word is a run of letters and digits; an underscore is never part of a word (the index
uses it to mark its own tokens). Chinese and Japanese characters are words of one character
each (their text has no spaces), so that a name written in them can be found inside a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from doingoai.core.vntext import fold

__all__ = ["Token", "tokens", "has_diacritics", "CJK"]

# CJK ideographs, kana and their compatibility forms: one character, one word.
CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_WORD = re.compile(rf"[{CJK}]|[^\W_{CJK}]+")


@dataclass(frozen=True, slots=True)
class Token:
    """One word: ``exact`` as written (NFC, lower case), ``folded`` as ``fold`` makes it."""

    exact: str
    folded: str


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


@lru_cache(maxsize=200_000)
def _token(word: str) -> Token | None:
    # Lower case can add combining marks ("İ" → "i̇"); keep letters and digits only, so that
    # every form is one token for the index tokenizer too.
    exact = _alnum(unicodedata.normalize("NFC", word.lower()))
    folded = _alnum(fold(exact))
    if not exact or not folded:
        return None
    return Token(exact, folded)


def tokens(text: str) -> list[Token]:
    """The words of ``text``, in order."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text)
    return [t for t in map(_token, _WORD.findall(text)) if t is not None]


def has_diacritics(token: Token) -> bool:
    """True when the word as written differs from its folded form ("đối", not "doi")."""
    return token.exact != token.folded
