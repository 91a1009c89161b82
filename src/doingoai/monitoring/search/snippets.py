"""Highlighted titles and snippets: the article's own text, with its diacritics, HTML-escaped,
the words that matched the query in ``<mark>``.

A word of the text matches a word of the query when ``fold`` makes them the same (or the query
word is a prefix of it); the words of a phrase must follow one another. Matches are found with
one regular expression per query, built from the query's folded words: each folded letter
stands for every letter that ``fold`` turns into it ("d" for d, D, đ, Đ; "o" for o, ó, ồ, ở,
ợ, …), so the text is searched as written, without folding it. The snippet is the passage of
about ``SNIPPET_CHARS`` characters that shows the most different query words, the earliest of
equals, cut at word boundaries."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape

from doingoai.core.vntext import fold

from .query import Query
from .tokens import CJK

__all__ = ["highlight", "snippet", "SNIPPET_CHARS"]

SNIPPET_CHARS = 240
_LEAD = 60  # characters of context before the first match of the passage
_MAX_MATCHES = 400


@lru_cache(maxsize=1)
def _letters() -> dict[str, str]:
    """Folded letter → a regex class of every letter ``fold`` turns into it."""
    groups: dict[str, set[str]] = {}
    for start, end in ((0x30, 0x250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            char = chr(code)
            if not char.isalnum():
                continue
            folded = fold(char)
            if len(folded) == 1:
                groups.setdefault(folded, {folded}).add(char)
    return {k: "[" + "".join(re.escape(c) for c in sorted(v)) + "]" for k, v in groups.items()}


def _is_cjk(char: str) -> bool:
    return bool(re.match(f"[{CJK}]", char))


_EDGE = f"[^\\W_{CJK}]"  # a letter or digit that would continue a word


def _token_pattern(folded: str) -> str:
    letters = _letters()
    return "".join(letters.get(c, re.escape(c)) for c in folded)


def _word_pattern(word) -> str:
    parts = []
    toks = word.tokens
    for k, token in enumerate(toks):
        if k:
            cjk = _is_cjk(toks[k - 1].folded[-1]) or _is_cjk(token.folded[0])
            parts.append(r"[\W_]*" if cjk else r"[\W_]+")
        parts.append(_token_pattern(token.folded))
    pattern = "".join(parts)
    if not _is_cjk(toks[0].folded[0]):
        pattern = f"(?<!{_EDGE})" + pattern
    if word.prefix:
        pattern += f"{_EDGE}*"
    if not _is_cjk(toks[-1].folded[-1]):
        pattern += f"(?!{_EDGE})"
    return pattern


@lru_cache(maxsize=256)
def _pattern(query: Query) -> re.Pattern:
    # Longer words first, so that a phrase wins over its own first word.
    words = sorted(enumerate(query.words), key=lambda item: -len(item[1].tokens))
    return re.compile("|".join(f"(?P<w{n}>{_word_pattern(w)})" for n, w in words), re.IGNORECASE)


def _matches(text: str, query: Query) -> list[tuple[int, int, int]]:
    """(start, end, word number) of the query's words in ``text``."""
    if not query.words:
        return []
    found = []
    for match in _pattern(query).finditer(text):
        found.append((match.start(), match.end(), int(match.lastgroup[1:])))
        if len(found) >= _MAX_MATCHES:
            break
    return found


def _render(text: str, matches, start: int, end: int) -> str:
    out, pos = [], start
    marks: list[list[int]] = []
    for a, b, _ in matches:
        if a < start or b > end:
            continue
        if marks and not text[marks[-1][1]:a].strip():  # "<mark>Hải Phòng</mark>", not two marks
            marks[-1][1] = b
        else:
            marks.append([a, b])
    for a, b in marks:
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)


def highlight(text: str, query: Query) -> str:
    """The whole of ``text`` (a title), escaped, with every match marked."""
    text = unicodedata.normalize("NFC", text or "")
    return _render(text, _matches(text, query), 0, len(text))


def _word_start(text: str, at: int) -> int:
    """The start of the word at or after ``at`` (at most 30 characters back to finish one)."""
    if at <= 0:
        return 0
    space = text.rfind(" ", max(0, at - 30), at + 1)
    return space + 1 if space >= 0 else at


def _word_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.find(" ", at, at + 30)
    return space if space >= 0 else at


def snippet(text: str, query: Query, width: int = SNIPPET_CHARS) -> str:
    """A passage of about ``width`` characters of ``text`` around its best matches, escaped,
    the matches marked, "…" where the text goes on."""
    text = unicodedata.normalize("NFC", text or "")
    found = _matches(text, query)
    begin, best = 0, 0
    counts: dict[int, int] = {}
    left = right = 0
    for a, _, _ in found:  # windows [lead, lead + width] from each match, left to right
        lead = max(0, a - _LEAD)
        while right < len(found) and found[right][1] <= lead + width:
            counts[found[right][2]] = counts.get(found[right][2], 0) + 1
            right += 1
        while left < right and found[left][0] < lead:
            n = found[left][2]
            counts[n] -= 1
            if not counts[n]:
                del counts[n]
            left += 1
        if len(counts) > best:
            begin, best = lead, len(counts)
    if begin + width > len(text):
        begin = max(0, len(text) - width)
    start = _word_start(text, begin)
    end = _word_end(text, min(len(text), start + width))
    body = _render(text, found, start, end).strip()
    if start > 0:
        body = "…" + body
    if end < len(text):
        body += "…"
    return body
