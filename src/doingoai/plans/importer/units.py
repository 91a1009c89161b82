"""Unit names as written in a plan, matched to the unit registry.

A plan names its units freely: "Phòng Thông tin – Báo chí – Xuất bản", "Phòng TTBCXB",
"Phong Thong tin — B&o chi — Xuat ban" (a scan), "Trung tâm TT-TT". Matching compares a
*key* of each name: the OCR-tolerant fold of ``vntext.ocr_repair`` with dashes and "và"
dropped, plus an abbreviated key (head word + initials: "phong ttbcxb"). A list of units in
one field ("Văn phòng Sở, Trung tâm Thông tin và Truyền thông và các đơn vị liên quan") is
cut at commas and at "và" only where the pieces are units: "và" and commas also occur
inside names ("Trung tâm Văn hóa, Thông tin và Thể thao").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from doingoai.core import vntext

__all__ = ["UnitRef", "UnitMatch", "UnitRegistry", "UnitList", "MATCH_THRESHOLD"]

MATCH_THRESHOLD = 0.84
# A damaged name of the same shape as a registered one (same head word, same number of
# words: "Vin phong S&" for "Văn phòng Sở") may be a little less alike.
SAME_SHAPE_THRESHOLD = 0.78


@dataclass(frozen=True)
class UnitRef:
    """A unit of the registry, as the importer needs it."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    internal: bool = True


@dataclass(frozen=True)
class UnitMatch:
    """A unit named in the plan: ``code`` of the registered unit, or None for a new one
    (``is_new``), whose ``name`` is then the name as read, cleaned."""

    code: str | None
    name: str
    is_new: bool
    score: float
    as_read: str = ""


@dataclass(frozen=True)
class UnitList:
    units: tuple[UnitMatch, ...]
    and_related_units: bool


# Words that open the name of a body: a piece of a list that opens with one starts a new unit.
_HEADS = (
    "phong", "trung tam", "van phong", "thanh tra", "ban", "so", "bo", "hoi", "uy ban", "ubnd",
    "hdnd", "cong an", "doan", "huyen doan", "thanh doan", "tinh doan", "lien doan", "mat tran",
    "chi cuc", "cuc", "vien", "truong", "benh vien", "cong ty", "dai", "bao", "cong thong tin",
    "tap chi", "nha xuat ban", "quan doan", "bo chi huy", "ban chi huy", "hoi dong",
    "tong cong ty", "buu dien", "vien thong", "kho bac", "chi nhanh", "to", "nhom", "lien hiep",
    "cac phong", "cac so", "ubnd cac", "uy ban nhan dan", "hoi lien hiep",
)
_HEADS_BY_LENGTH = sorted({tuple(h.split()) for h in _HEADS}, key=len, reverse=True)
# "(và) các (cơ quan,) (đơn vị|phòng|sở, ngành|…) (có) liên quan": not a unit, a catch-all.
_RELATED = re.compile(
    r"(?:^|[\s,;])(?:v[a-z]\s+|cung\s+)?(?:c[a-z]{1,2}c|moi|nhung)\s+(?:[a-z]+[\s,]+){0,5}?(?:c[a-z]\s+)?"
    r"l[a-z]{1,3}n\s+qu[a-z]{1,2}n\b.*$"
)
# "(và) các phòng, đơn vị (trực) thuộc Sở": every unit of the body, not one unit.
_ALL_UNITS_OF = re.compile(
    r"(?:^|[\s,;])(?:v[a-z]\s+)?c[a-z]{1,2}c\s+(?:[a-z]+[\s,]+){0,4}?(?:tr[a-z]{1,2}c\s+)?thu[a-z]{1,2}c\s+\S+\W*$"
)
_SEPARATORS = re.compile(r"\s*[,;]\s*|\s+(?:và|va|vả|vá|vạ|vã)\s+|\s+&\s+", re.IGNORECASE)
_DASHES = re.compile(r"\s*[-–—‒―]+\s*")
# Abbreviation of a long prefix, as offices write it ("UBND thành phố").
_EXPANSIONS = (("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"), ("tp", "thanh pho"))


def unit_key(name: str) -> str:
    """The comparable form of a unit name: OCR-repaired fold, dashes and "và" dropped,
    "UBND" written out."""
    repaired = vntext.ocr_repair(_DASHES.sub(" ", name))
    words = [w for w in re.findall(r"[a-z0-9]+", repaired) if w != "va"]
    expanded = " ".join(words)
    for short, long in _EXPANSIONS:
        expanded = re.sub(rf"\b{short}\b", long, expanded)
    return expanded


def _name_words(name: str) -> list[str]:
    """Folded words of a name (not OCR-repaired: that turns "Ban"/"Bộ" into "dan"/"do"),
    dashes and "và" dropped."""
    words = [w for w in vntext.fold_tokens(_DASHES.sub(" ", name)) if w != "va"]
    return " ".join(words).split()


def _head_of(words: list[str]) -> tuple[str, ...]:
    """The head word(s) opening a unit name ("van phong", "trung tam"); () when none. A head
    of two words or more may be OCR-damaged ("trung tdm"); a one-word head must be exact."""
    for head in _HEADS_BY_LENGTH:
        if tuple(words[: len(head)]) == head:
            return head
    scored = [
        (vntext.similarity(" ".join(words[: len(head)]), " ".join(head)), head)
        for head in _HEADS_BY_LENGTH
        if len(head) >= 2 and len(words) >= len(head)
    ]
    best = max(scored, default=(0.0, ()))
    return best[1] if best[0] >= 0.8 else ()


def head_of(name: str) -> tuple[str, ...]:
    return _head_of(_name_words(name))


_LEVELS = {
    "thanh pho", "tp", "tinh", "huyen", "quan", "thi xa", "thi tran", "xa", "phuong", "thanh uy",
    "tinh uy", "huyen uy", "quan uy", "thi uy", "dang uy", "trung uong",
}


def level_of(name: str) -> str:
    """The administrative level closing a unit name ("huyen", "thanh pho"…), or ""."""
    words = _name_words(name)
    for size in (2, 1):
        tail = " ".join(words[-size:]) if len(words) > size else ""
        if tail in _LEVELS:
            return "thanh pho" if tail == "tp" else tail
    return ""


def abbreviation_key(name: str) -> str:
    """"Phòng Thông tin – Báo chí – Xuất bản" → "phong ttbcxb"; "Trung tâm TT-TT" →
    "trung tam tttt": the head word kept, the rest as initials (an all-capitals word such as
    "TTBCXB" stands for its own initials)."""
    words = _name_words(name)
    head = _head_of(words)
    rest = words[len(head):]
    if not rest:
        return ""
    originals = re.findall(r"\w+", _DASHES.sub(" ", vntext.normalize(name)))
    if len(rest) == 1 or all(len(w) <= 2 for w in rest) or _is_acronym(originals[-1]):
        initials = "".join(rest)  # already an abbreviation ("TTBCXB", "TT TT")
    else:
        initials = "".join(w[0] for w in rest)
    return " ".join([*head, initials])


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


class UnitRegistry:
    """The registry's units, ready to be matched by name, alias, code or abbreviation."""

    def __init__(self, units: list[UnitRef]):
        self.units = list(units)
        self.by_code = {u.code: u for u in self.units}

    @cached_property
    def _keys(self) -> dict[str, list[str]]:
        keys: dict[str, list[str]] = {}
        for unit in self.units:
            keys[unit.code] = [unit_key(n) for n in (unit.name, *unit.aliases) if n]
        return keys

    @cached_property
    def _abbreviations(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for unit in self.units:
            for name in (unit.name, *unit.aliases):
                abbreviation = abbreviation_key(name)
                if abbreviation and len(abbreviation.replace(" ", "")) >= 4:
                    found.setdefault(abbreviation, unit.code)
        return found

    def find(self, name: str) -> tuple[str | None, float]:
        """(code, score) of the registered unit most like ``name``; code None below the
        threshold."""
        key = unit_key(name)
        if not key:
            return None, 0.0
        for unit in self.units:
            if key == unit_key(unit.code):
                return unit.code, 1.0
        code, score = vntext.best_match(key, self._keys, threshold=SAME_SHAPE_THRESHOLD)
        if code is not None and not (self._same_head(name, code) and self._same_level(name, code)):
            code = None
        if code is not None and score < MATCH_THRESHOLD and not self._same_shape(name, code):
            code = None
        if code is None and abbreviation_key(name) in self._abbreviations:
            return self._abbreviations[abbreviation_key(name)], 0.9
        return code, score

    def _same_level(self, name: str, code: str) -> bool:
        # "Ban Tuyên giáo Huyện ủy" is not "Ban Tuyên giáo Thành ủy": the administrative
        # level that closes a name (huyện, tỉnh, thành phố, xã…) must agree when both have one.
        level = level_of(name)
        unit = self.by_code[code]
        levels = {level_of(n) for n in (unit.name, *unit.aliases)} - {""}
        return not level or not levels or level in levels

    def _same_shape(self, name: str, code: str) -> bool:
        unit = self.by_code[code]
        words = _name_words(name)
        return bool(head_of(name)) and any(
            len(_name_words(n)) == len(words) and head_of(n) == head_of(name) for n in (unit.name, *unit.aliases)
        )

    def _same_head(self, name: str, code: str) -> bool:
        # "Văn phòng Sở" is not "Thanh tra Sở" however alike the letters: the kind of body
        # (its head word) must agree when both names have one.
        head = head_of(name)
        unit = self.by_code[code]
        heads = {head_of(n) for n in (unit.name, *unit.aliases)}
        return not head or not any(heads) or head in heads

    def match(self, name: str) -> UnitMatch:
        cleaned = clean_name(name)
        code, score = self.find(cleaned)
        if code is None:
            return UnitMatch(None, cleaned, True, round(score, 3), as_read=name)
        return UnitMatch(code, self.by_code[code].name, False, round(score, 3), as_read=name)

    def read_list(self, text: str) -> UnitList:
        """The units of a "chủ trì"/"phối hợp" field, and whether it ends with "và các đơn
        vị liên quan" (which is no unit)."""
        text, related = split_related(text)
        pieces = [p for p in _pieces(text) if p[0].strip()]
        names = self._segment(pieces)
        return UnitList(tuple(self.match(n) for n in names), related)

    def _segment(self, pieces: list[tuple[str, str]]) -> list[str]:
        """Best cut of the pieces into unit names (dynamic programming): a run of pieces is
        one unit when it matches the registry, or when it opens with a head word and no
        later piece of it does (a new unit whose name holds "và" or a comma)."""
        n = len(pieces)
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for end in range(1, n + 1):
            for start in range(end):
                if best[start] is None:
                    continue
                value = self._run_value(pieces, start, end)
                if value is None:
                    continue
                name = _join(pieces[start:end])
                total = best[start][0] + value
                if best[end] is None or total > best[end][0]:
                    best[end] = (total, [*best[start][1], name])
        return best[n][1] if best[n] else [_join(pieces)] if pieces else []

    def _run_value(self, pieces, start: int, end: int) -> float | None:
        size = end - start
        heads = [
            bool(head_of(piece)) and not (k > 0 and _joint_office(pieces[start + k - 1][0], piece))
            for k, (piece, _) in enumerate(pieces[start:end])
        ]
        code, score = self.find(_join(pieces[start:end]))
        # A run that swallows a piece opening like another unit ("…, Phòng Kinh tế") is one
        # unit only if the registry has that very name.
        if code is not None and (not any(heads[1:]) or score >= 0.95):
            return size * (1.0 + score)
        if heads[0] and not any(heads[1:]):
            return size * 1.0
        if not heads[0] and start == 0 and not any(heads[1:]):
            return size * 0.5  # a name without a head word ("Huyện đoàn", "Báo X")
        if size == 1:
            return 0.25  # a lone piece that fits nowhere: kept rather than lost
        return None


_COUNCIL = re.compile(r"^van phong (?:hdnd|hoi dong nhan dan|doan dbqh(?: va hdnd)?|doan dai bieu quoc hoi)\b")
_PEOPLES_COMMITTEE = re.compile(r"^(?:ubnd|uy ban nhan dan)\b")


def _joint_office(previous: str, piece: str) -> bool:
    """"Văn phòng HĐND và UBND huyện" is one office serving both bodies, not two units."""
    return bool(_COUNCIL.match(" ".join(_name_words(previous)))) and bool(
        _PEOPLES_COMMITTEE.match(" ".join(_name_words(piece)))
    )


def _pieces(text: str) -> list[tuple[str, str]]:
    """The text cut at every comma, semicolon and "và": (piece, separator before it)."""
    out, last, separator = [], 0, ""
    for m in _SEPARATORS.finditer(text):
        out.append((text[last:m.start()], separator))
        separator, last = m.group(0), m.end()
    out.append((text[last:], separator))
    return out


def _join(pieces: list[tuple[str, str]]) -> str:
    if not pieces:
        return ""
    text = pieces[0][0]
    for piece, separator in pieces[1:]:
        text += separator + piece
    return text


def split_related(text: str) -> tuple[str, bool]:
    """("Văn phòng Sở", True) for "Văn phòng Sở và các đơn vị liên quan."."""
    words = text.split()
    repaired = [vntext.ocr_repair(w) or w for w in words]
    joined = " ".join(repaired)
    m = _RELATED.search(joined) or _ALL_UNITS_OF.search(joined)
    if not m:
        return text, False
    cut = len(joined[: m.start()].split())
    return " ".join(words[:cut]), True


def clean_name(name: str) -> str:
    """A unit name as read, tidied: spaces collapsed, trailing punctuation and a leading
    bullet dropped, dashes between words written as " – "."""
    name = vntext.normalize(name)
    name = re.sub(r"^[-–—•+*\s]+", "", name)
    name = re.sub(r"[\s.,;:]+$", "", name)
    return re.sub(r"\s+[-–—]+\s+", " – ", name)
