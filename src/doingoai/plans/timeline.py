"""Timelines of plan tasks ("Thời gian thực hiện: Quý II/2025") read into dates.

A plan writes a task's timeline in a handful of fixed shapes: "Thường xuyên", "Năm 2025",
"Quý II/2025", "6 tháng đầu năm", "Tháng 3/2025", "Từ ngày 01/4/2025 đến ngày 31/5/2025",
"Trước ngày 10/5/2025", "Hằng tháng", a bare date. Scans lose or garble the diacritics, so
every shape is matched on the folded text (``vntext.fold``) with the letters OCR commonly
confuses allowed for. A text that fits no shape is kept as written with kind "unknown":
``parse`` never raises, because a plan must still import when one timeline is odd.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from doingoai.core import vntext

__all__ = ["Timeline", "parse", "KINDS"]

KINDS = (
    "continuous", "year", "half", "quarter", "month", "range", "before", "date",
    "daily", "weekly", "monthly", "quarterly", "yearly", "unknown",
)


@dataclass(frozen=True)
class Timeline:
    text: str
    kind: str
    start: date | None
    end: date | None
    continuous: bool = False

    @property
    def label(self) -> str:
        """The text as written, its timeline words given back their diacritics when a scan
        lost them ("Thuong xuyén." → "Thường xuyên"); other words are left as they are."""
        return restore_words(self.text)


# --- words of a timeline, as a folded regex each, tolerant of OCR ----------------------------
# Folded forms only (no marks); OCR turns "ă"/"â" into "d"/"i" ("thdng", "nim"), "ư" into
# "w"/"ir" ("tw", "tir"), "ơ" into "o", "đ" into "p"/"b".
_W = {
    "nam": r"n[a-z]m",
    "thang": r"th[a-z]{1,2}ng",
    "quy": r"qu[yi][a-z]?",
    "ngay": r"ng[a-z]{1,2}y",
    "tu": r"t(?:u|ir|w|r)",
    "den": r"(?:[dpb][a-z]{1,2}n|toi|t[o0]i)",
    "truoc": r"tr[a-z]{1,3}c",
    "trong": r"tr[o0]ng",
    "dau": r"[dpb][a-z]{1,2}u",
    "cuoi": r"cu[a-z]{1,2}i",
    "hang": r"h[a-z]{1,2}ng",
    "dinh_ky": r"[dpb][a-z]{1,2}nh\s+k[a-z]",
    "thuong_xuyen": r"th[a-z]{1,3}ng\s+xu[a-z]{1,3}n",
    "va": r"(?:v[a-z]|,|&|-|–|—)",
}
_SEP = r"(?:\s*/\s*|[.\-])"
_DATE = rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{1,2}})(?:{_SEP}(\d{{4}}))?(?!\d)"
_YEAR = r"(\d{4})"
_ROMAN = r"(?:[ivl1]{1,3}|[1-4])"
_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _roman(token: str) -> int | None:
    token = token.replace("1", "i").replace("l", "i")
    if token.isdigit():
        return int(token) if 1 <= int(token) <= 4 else None
    return _ROMAN_VALUES.get(token)


def _day(d: str, m: str, y: str | None, year: int) -> date | None:
    try:
        return date(int(y) if y else year, int(m), int(d))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(year: int, q: int) -> tuple[date, date]:
    return date(year, 3 * q - 2, 1), _month_end(year, 3 * q)


def _whole_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _in_range(year: int) -> bool:
    return 1900 <= year <= 2200


# --- the shapes, tried in order; each returns (kind, start, end, continuous) or None --------
def _range(f: str, year: int):
    m = re.search(
        rf"(?:{_W['tu']}\s+)?(?:{_W['ngay']}\s+)?{_DATE}\s*(?:{_W['den']}|-|–|—)\s*(?:{_W['ngay']}\s+)?{_DATE}", f
    )
    if not m:
        return None
    end_year = int(m.group(6)) if m.group(6) else year
    start = _day(m.group(1), m.group(2), m.group(3) or str(end_year), year)
    end = _day(m.group(4), m.group(5), m.group(6), year)
    if not start or not end or end < start:
        return "unknown", None, None, False
    return "range", start, end, False


def _before(f: str, year: int):
    m = re.search(rf"{_W['truoc']}\s+(?:{_W['ngay']}\s+)?{_DATE}", f)
    if not m:
        return None
    end = _day(m.group(1), m.group(2), m.group(3), year)
    return ("before", None, end, False) if end else ("unknown", None, None, False)


def _continuous(f: str, year: int):
    if re.search(_W["thuong_xuyen"], f) or re.search(r"lien\s+tuc", f):
        start, end = _whole_year(_year_in(f, year))
        return "continuous", start, end, True
    return None


_RECURRING = {
    "ngay": "daily", "tuan": "weekly", "thang": "monthly", "quy": "quarterly", "nam": "yearly",
}


def _recurring(f: str, year: int):
    # "Hằng tháng", "Hàng quý", "Định kỳ hằng quý", "định kỳ 6 tháng": the task recurs all year.
    m = re.search(rf"(?:{_W['hang']}|moi|{_W['dinh_ky']})\s+(?:{_W['hang']}\s+)?([a-z]+)", f)
    if not m:
        return None
    unit = _recurring_unit(m.group(1))
    if unit is None:
        return None
    start, end = _whole_year(_year_in(f, year))
    return unit, start, end, True


def _recurring_unit(word: str) -> str | None:
    for key, pattern in (("ngay", _W["ngay"]), ("tuan", r"tu[a-z]n"), ("thang", _W["thang"]),
                         ("quy", _W["quy"]), ("nam", _W["nam"])):
        if re.fullmatch(pattern, word):
            return _RECURRING[key]
    return None


def _quarters(f: str, year: int):
    m = re.search(
        rf"{_W['quy']}\s+(?P<first>{_ROMAN})\b(?P<more>(?:\s*{_W['va']}\s*(?:{_W['quy']}\s+)?{_ROMAN}\b)*)"
        rf"(?:\s*(?:/|-|{_W['nam']})\s*(?P<year>\d{{4}}))?",
        f,
    )
    if not m:
        return None
    more = re.sub(_W["quy"], " ", m.group("more") or "")
    numbers = [m.group("first")] + re.findall(rf"\b{_ROMAN}\b", re.sub(r"\b(?:v[a-z])\b|[,&\-–—]", " ", more))
    quarters = [_roman(n) for n in numbers]
    if None in quarters:
        return "unknown", None, None, False
    y = int(m.group("year")) if m.group("year") else year
    return "quarter", _quarter(y, min(quarters))[0], _quarter(y, max(quarters))[1], False


def _half(f: str, year: int):
    m = re.search(
        rf"(?:6\s+{_W['thang']}|nua)\s+({_W['dau']}|{_W['cuoi']}|sau)(?:\s+{_W['nam']})?(?:\s*/?\s*{_YEAR})?", f
    )
    if not m:
        return None
    y = int(m.group(2)) if m.group(2) else year
    first = re.fullmatch(_W["dau"], m.group(1)) is not None
    return ("half", date(y, 1, 1), date(y, 6, 30), False) if first else ("half", date(y, 7, 1), date(y, 12, 31), False)


def _months(f: str, year: int):
    m = re.search(
        rf"{_W['thang']}\s+(\d{{1,2}})((?:\s*{_W['va']}\s*(?:{_W['thang']}\s+)?\d{{1,2}}\b(?!\s*/\s*\d{{1,2}}\s*/))*)"
        rf"(?:\s*(?:/|{_W['nam']})\s*{_YEAR})?",
        f,
    )
    if not m:
        return None
    months = [int(m.group(1))] + [int(x) for x in re.findall(r"\d{1,2}", m.group(2) or "")]
    y = int(m.group(3)) if m.group(3) else year
    if not all(1 <= n <= 12 for n in months):
        return "unknown", None, None, False
    return "month", date(y, min(months), 1), _month_end(y, max(months)), False


def _single_date(f: str, year: int):
    m = re.search(_DATE, f)
    if not m:
        return None
    day = _day(m.group(1), m.group(2), m.group(3), year)
    return ("date", day, day, False) if day else ("unknown", None, None, False)


def _year(f: str, year: int):
    m = re.search(rf"(?:{_W['nam']}\s+)?{_YEAR}(?:\s*(?:-|–|—|{_W['den']})\s*(?:{_W['nam']}\s+)?{_YEAR})?", f)
    if not m or not _in_range(int(m.group(1))):
        return None
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) and _in_range(int(m.group(2))) else first
    if last < first:
        return "unknown", None, None, False
    return "year", date(first, 1, 1), date(last, 12, 31), False


def _year_in(f: str, year: int) -> int:
    m = re.search(_YEAR, f)
    return int(m.group(1)) if m and _in_range(int(m.group(1))) else year


def _current_year(f: str, year: int):
    # "Trong năm", "Cả năm" without a number: the plan's own year.
    if re.fullmatch(rf"(?:{_W['trong']}\s+|ca\s+)?{_W['nam']}(?:\s+nay)?", f):
        return ("year", *_whole_year(year), False)
    return None


_SHAPES = (_range, _before, _continuous, _recurring, _quarters, _half, _months, _single_date, _year, _current_year)


def _folded(text: str) -> str:
    folded = vntext.fold(text)
    folded = re.sub(r"[^\w/.\-–—,&\s]", " ", folded)
    return re.sub(r"\s+", " ", folded).strip(" .;:,")


def parse(text: str, year: int) -> Timeline:
    """Read a task's timeline. ``year`` is the plan's year, used when the text gives none.

    Never raises: a text of no known shape (or with an impossible date such as 31/02)
    comes back with kind "unknown" and no dates."""
    original = vntext.normalize(text or "")
    try:
        folded = _folded(original)
        for shape in _SHAPES:
            found = shape(folded, year)
            if found is not None:
                kind, start, end, continuous = found
                return Timeline(original, kind, start, end, continuous)
    except (ValueError, OverflowError, IndexError):
        pass  # a malformed number (year 0, month 99…) is just an unknown timeline
    return Timeline(original, "unknown", None, None, False)


# --- giving timeline words their diacritics back ---------------------------------------------
_VOCABULARY = (
    "thường xuyên năm quý tháng ngày từ đến trước trong đầu cuối hằng định kỳ tuần và sau "
    "liên tục cả nửa hoàn thành chậm nhất"
).split()
_BY_FOLD = {vntext.fold(w): w for w in _VOCABULARY}
# OCR spellings of the commonest words ("thdng", "nim", "thudng"), as folded full matches.
_BY_PATTERN = tuple(
    (re.compile(pattern), word)
    for pattern, word in (
        (r"n[adi]m", "năm"), (r"th[adi]ng", "tháng"), (r"ng[a-z]y", "ngày"),
        (r"th[a-z]{1,3}ng", "thường"), (r"xu[a-z]{1,3}n", "xuyên"), (r"tr[a-z]{2,3}c", "trước"),
    )
)
# Correct words that fold like a vocabulary word but are other words: never "restored".
_ALSO_CORRECT = {"hàng", "nằm", "nấm", "nam", "thương", "thượng", "trúc", "trục"}
_WORD = re.compile(r"\w+", re.UNICODE)


def _proper(word: str, folded: str) -> str | None:
    if folded in _BY_FOLD:
        return _BY_FOLD[folded]
    if word.isascii() or not vntext.fold(word) == word.lower():
        for pattern, proper in _BY_PATTERN:
            if pattern.fullmatch(folded):
                return proper
    return None


def _with_case_of(word: str, proper: str) -> str:
    if word.isupper() and len(word) > 1:
        return proper.upper()
    return proper.capitalize() if word[0].isupper() else proper


def restore_words(text: str) -> str:
    """Give the fixed words of a timeline ("thuong", "nam", "thdng"…) their diacritics back,
    keeping each word's capitalisation; digits and other words are left alone, and so is a
    correct word that merely folds alike ("hàng"). A trailing full stop is dropped."""

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if word.lower() in _ALSO_CORRECT and not word.isascii():
            return word
        proper = _proper(word, vntext.fold(word))
        if proper is None or word.lower() == proper:
            return word
        return _with_case_of(word, proper)

    text = vntext.normalize(text or "").rstrip(" .;,")
    return _WORD.sub(fix, text)
