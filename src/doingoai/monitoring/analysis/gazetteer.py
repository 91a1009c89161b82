"""The city's gazetteer: find the places of the city (and of elsewhere) that an article names.

The names live in ``monitoring/data/gazetteer.json`` (editable data with validity dates); this
module only reads it. Latin-script names are matched on ``vntext.fold`` of the text, so
"Hai Phong" finds "Hải Phòng" and the other way round, but a span written *with* marks must
carry the marks of one of the names ("hai phòng ngủ" — two bedrooms — is not the city).
Chinese, Korean and Japanese names are matched as written.

Each hit is then judged in its context, by the rules written in the data:

* ``false_friends`` — "đường Hải Phòng" in an article about Đà Nẵng, "Haiphong Road" in Hong
  Kong, Chinese 海防 "coastal defence" (海防部队, 加强海防) are not the city;
* ``confirm`` and ``needs`` — a name that also means something else (a ward named after a
  person, bare 海防) counts only after a prefix (phường, quận, 郡 …), with a confirming word
  (海防市, 越南) or when the article names the city elsewhere;
* attribution — "huyện An Lão, tỉnh Bình Định" belongs to Bình Định;
* validity — an article is judged by the territory valid on its date: the former Hải Dương
  province is the city from 1 July 2025 and another province before.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from doingoai.core.vntext import fold, normalize

__all__ = ["Gazetteer", "Hit", "Scan", "default_gazetteer", "GAZETTEER_PATH"]

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.json"

CONTEXT = 30          # characters looked at before/after a hit
NEAR = 40             # characters looked at around a hit for "near" patterns
TEXT_LIMIT = 8000     # characters of the text scanned (titles and leads matter most)
_ASCII_WORD = "0-9a-z"
_SEPARATORS = re.compile(
    r"^[\s,(–\-—/]*(?:(?:tinh|thanh pho|tp\.?|province|city|prefecture|省|市|성|시|県)[\s,(]*)?$"
)
_SENTENCE_END = re.compile(r"[.!?。！？\n]")
_DASHES = re.compile(r"[-–—]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold(char)


def _before(pattern: str) -> re.Pattern:
    """A pattern that must end just before a hit."""
    return re.compile(rf"(?:{pattern})\s*$")


def _after(pattern: str) -> re.Pattern:
    """A pattern that must start just after a hit."""
    return re.compile(rf"^\s*(?:{pattern})")


@lru_cache(maxsize=256)
def _fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """``fold(text)`` and, when folding changed the length, where each folded character came from."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, None
    # Only a few characters fold to more or fewer than one ("ß" → "ss"): map runs between them
    # at once instead of character by character.
    special = [c for c in set(text) if len(_fold_char(c)) != 1]
    where: list[int] = []
    if special:
        position = 0
        for m in re.finditer("[" + "".join(re.escape(c) for c in special) + "]", text):
            start = m.start()
            where.extend(range(position, start))
            where.extend([start] * len(_fold_char(text[start])))
            position = start + 1
        where.extend(range(position, len(text)))
    if len(where) == len(folded):
        return folded, where
    pieces, where = [], []  # folding the whole text differed from folding its characters
    for i, char in enumerate(text):
        f = _fold_char(char)
        pieces.append(f)
        where.extend([i] * len(f))
    return "".join(pieces), where


def _key(text: str) -> str:
    """How a Latin alias (already folded) is looked up: one space, one kind of dash."""
    return _DASHES.sub("-", _SPACES.sub(" ", text.strip()))


def _marks(text: str) -> tuple:
    """The diacritics of each word of ``text``, whatever the order they were typed in
    ("Thuỷ"/"Thủy" are the same). Used to tell "Hải Phòng" from "hai phòng"."""

    out = []
    for word in text.lower().split():
        decomposed = unicodedata.normalize("NFD", word)
        marks = sorted(c for c in decomposed if unicodedata.combining(c))
        out.append((tuple(marks), decomposed.count("đ")))
    return tuple(out)


def _is_latin(alias: str) -> bool:
    return fold(alias).isascii()


def _valid(entry: dict, on: date) -> bool:
    start, end = entry.get("valid_from"), entry.get("valid_to")
    if start and on < date.fromisoformat(start):
        return False
    return not (end and on > date.fromisoformat(end))


@dataclass
class _Alias:
    text: str
    owner: dict
    side: str                 # "city" (a place of the city) or "other" (any other place)
    needs: str | None = None  # "confirmation" for names that are not sure on their own
    case: str | None = None   # "title": must be written with a capital


@dataclass
class Hit:
    """One mention of a place in an article."""

    entry_id: str
    name: str
    kind: str
    side: str
    weight: float
    start: int
    end: int
    text: str
    status: str = "pending"   # "accepted" or "rejected"
    label: str = ""           # why a hit was rejected ("street", "coastal_defence", …)
    confirmed: bool = False
    needs: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


@dataclass
class Scan:
    """Every place mention found in one article, with the article's regions."""

    hits: list[Hit]
    title_end: int
    lead_end: int
    length: int
    on: date

    def city_hits(self) -> list[Hit]:
        return [h for h in self.hits if h.side == "city" and h.accepted]

    def other_hits(self) -> list[Hit]:
        return [h for h in self.hits if h.side == "other" and h.accepted]

    def rejected(self, label: str | None = None) -> list[Hit]:
        return [h for h in self.hits if h.status == "rejected" and (label is None or h.label == label)]

    def region(self, hit: Hit) -> str:
        if hit.start < self.title_end:
            return "title"
        if hit.start < self.lead_end:
            return "lead"
        return "body"

    def places(self) -> list[str]:
        """Names of the city's places the article speaks of, most mentioned first."""
        counts: dict[str, int] = {}
        for hit in self.city_hits():
            counts[hit.name] = counts.get(hit.name, 0) + 1
        return [name for name, _ in sorted(counts.items(), key=lambda kv: -kv[1])]


class Gazetteer:
    """Compiled gazetteer: ``scan(title, text, on)`` finds and judges every place mention."""

    def __init__(self, data: dict):
        self.data = data
        self.city = data.get("city", {})
        self.window = int(data.get("attribution_window", CONTEXT))
        prefixes = data.get("prefixes", {})
        self._prefix_before = _before(prefixes["before"]) if prefixes.get("before") else None
        self._prefix_after = _after(prefixes["after"]) if prefixes.get("after") else None
        self._latin: dict[str, list[_Alias]] = {}
        self._raw: dict[str, list[_Alias]] = {}
        self._accents: dict[str, set] = {}
        self._rules: dict[str, dict] = {}
        for side, items in (("city", data.get("entries", [])), ("other", data.get("other_places", []))):
            for entry in items:
                self._rules[entry["id"]] = self._compile_rules(entry)
                for names in entry.get("aliases", {}).values():
                    for raw in names:
                        meta = raw if isinstance(raw, dict) else {"text": raw}
                        alias = _Alias(normalize(meta["text"]), entry, side, meta.get("needs"), meta.get("case"))
                        if _is_latin(alias.text):
                            key = _key(fold(alias.text))
                            self._latin.setdefault(key, []).append(alias)
                            if fold(alias.text) != alias.text.lower():
                                self._accents.setdefault(key, set()).add(_marks(alias.text))
                        else:
                            self._raw.setdefault(alias.text, []).append(alias)
        self._latin_re = self._alternation(self._latin, latin=True)
        self._raw_re = self._alternation(self._raw, latin=False)

    @staticmethod
    def _alternation(index: dict, latin: bool) -> re.Pattern | None:
        if not index:
            return None
        parts = []
        for key in sorted(index, key=len, reverse=True):
            pattern = re.escape(key)
            if latin:
                pattern = pattern.replace(r"\ ", r"\s+").replace(r"\-", "[-–—]")
            parts.append(pattern)
        body = "|".join(parts)
        if latin:
            return re.compile(rf"(?<![{_ASCII_WORD}])(?:{body})(?![{_ASCII_WORD}])")
        return re.compile(f"(?:{body})")

    @staticmethod
    def _compile_rules(entry: dict) -> dict:
        def compile_rule(rule: dict) -> dict:
            out = dict(rule)
            if rule.get("before"):
                out["before"] = _before(rule["before"])
            if rule.get("after"):
                out["after"] = _after(rule["after"])
            if rule.get("near"):
                out["near"] = re.compile(rule["near"])
            return out

        return {
            "confirm": [compile_rule(r) for r in entry.get("confirm", [])],
            "false_friends": [compile_rule(r) for r in entry.get("false_friends", [])],
        }

    # -- scanning ------------------------------------------------------------------------------

    def scan(self, title: str, text: str, on: date) -> Scan:
        title = normalize(title or "")
        body = normalize(text or "")[:TEXT_LIMIT]
        doc = f"{title}\n{body}"
        title_end = len(title)
        lead = _lead_length(body)
        scan = Scan([], title_end, title_end + 1 + lead, len(doc), on)
        folded, where = _fold_with_map(doc)
        candidates: list[tuple[Hit, _Alias, str, str, str]] = []

        def add(alias_list, start, end, span, before, after, near):
            valid = [a for a in alias_list if _valid(a.owner, on)]
            if not valid:
                return
            # A name valid for the city on this date wins over the same name elsewhere.
            valid.sort(key=lambda a: a.side != "city")
            alias = valid[0]
            entry = alias.owner
            hit = Hit(entry["id"], entry["name"], entry.get("kind", ""), alias.side, float(entry.get("weight", 1.0)),
                      start, end, span, needs=alias.needs or entry.get("needs"))
            candidates.append((hit, alias, before, after, near))

        if self._latin_re is not None:
            for m in self._latin_re.finditer(folded):
                s, e = m.span()
                ds, de = (s, e) if where is None else (where[s], where[e - 1] + 1)
                span = doc[ds:de]
                key = _key(m.group(0))
                accents = self._accents.get(key)
                if accents and fold(span) != span.lower() and _marks(span) not in accents:
                    continue  # written with other marks: another word ("hai phòng" = two rooms)
                add(self._latin[key], ds, de, span, folded[max(0, s - CONTEXT):s], folded[e:e + CONTEXT],
                    folded[max(0, s - NEAR):e + NEAR])
        if self._raw_re is not None:
            for m in self._raw_re.finditer(doc):
                s, e = m.span()
                add(self._raw[m.group(0)], s, e, m.group(0), doc[max(0, s - CONTEXT):s], doc[e:e + CONTEXT],
                    doc[max(0, s - NEAR):e + NEAR])

        candidates.sort(key=lambda c: c[0].start)
        deferred: list[tuple[Hit, str]] = []
        for hit, alias, before, after, near in candidates:
            if alias.case == "title" and not hit.text[:1].isupper():
                hit.status, hit.label = "rejected", "case"
                continue
            rules = self._rules[hit.entry_id]
            for rule in rules["false_friends"]:
                if _rule_matches(rule, hit, before, after, near):
                    if rule.get("when", "always") == "other_place":
                        deferred.append((hit, rule.get("label", "other_place")))
                    else:
                        hit.status, hit.label = "rejected", rule.get("label", "false_friend")
                    break
            if hit.status == "rejected":
                continue
            if any(_rule_matches(rule, hit, before, after, near) for rule in rules["confirm"]):
                hit.confirmed = True
            elif hit.side == "city" and hit.kind not in ("city",) and self._has_prefix(before, after):
                hit.confirmed = True
        scan.hits = [c[0] for c in candidates]

        # Attribution: "huyện An Lão, tỉnh Bình Định" is in Bình Định.
        others = [h for h in scan.hits if h.side == "other" and h.status != "rejected"]
        for hit in scan.hits:
            if hit.side != "city" or hit.kind == "city" or hit.status == "rejected":
                continue
            for other in others:
                if 0 <= other.start - hit.end <= self.window:
                    between = fold(doc[hit.end:other.start])
                    if _SEPARATORS.match(between) and not _SENTENCE_END.search(between):
                        hit.status, hit.label = "rejected", "other_place"
                        break

        # Within one article a name means one place: its other mentions go with it.
        attributed = {h.entry_id for h in scan.hits if h.label == "other_place"}
        for hit in scan.hits:
            if hit.entry_id in attributed and hit.status != "rejected" and hit.kind != "city":
                hit.status, hit.label = "rejected", "other_place"

        other_named = any(h.side == "other" and h.status != "rejected" and not h.needs for h in scan.hits)
        for hit, label in deferred:
            if other_named:
                hit.status, hit.label = "rejected", label

        # Names that are not sure on their own count when the article is surely about the city.
        def sure(h: Hit) -> bool:
            return h.status != "rejected" and (h.confirmed or not h.needs)

        city_named = any(sure(h) for h in scan.hits if h.side == "city")
        other_sure = any(sure(h) for h in scan.hits if h.side == "other")
        for hit in scan.hits:
            if hit.status == "rejected":
                continue
            if hit.needs and not hit.confirmed:
                context = city_named if hit.side == "city" else other_sure
                if not context:
                    hit.status, hit.label = "rejected", "unconfirmed"
                    continue
            hit.status = "accepted"
        return scan

    def without_names(self, text: str) -> str:
        """``text`` with every Latin-script place name of the gazetteer blanked out (whatever its
        date or context): what is left tells the language of a short headline better."""
        if self._latin_re is None:
            return text
        folded, where = _fold_with_map(text)
        out, last = [], 0
        for m in self._latin_re.finditer(folded):
            s, e = m.span()
            ds, de = (s, e) if where is None else (where[s], where[e - 1] + 1)
            out.append(text[last:ds])
            last = de
        out.append(text[last:])
        return " ".join(part.strip() for part in out if part.strip())

    def _has_prefix(self, before: str, after: str) -> bool:
        return bool((self._prefix_before and self._prefix_before.search(before))
                    or (self._prefix_after and self._prefix_after.search(after)))


def _rule_matches(rule: dict, hit: Hit, before: str, after: str, near: str) -> bool:
    if not any(k in rule for k in ("before", "after", "near")):
        return False
    if "before" in rule and not rule["before"].search(before):
        return False
    if "after" in rule and not rule["after"].search(after):
        return False
    if "near" in rule and not rule["near"].search(near):
        return False
    return not (rule.get("case") == "lower" and hit.text != hit.text.lower())


_LEAD_END = re.compile(r"(?<=[.!?。！？])\s*")


def _lead_length(body: str, limit: int = 300) -> int:
    """The lead: the first sentence (or two short ones), at most ``limit`` characters."""
    ends = [m.end() for m in _LEAD_END.finditer(body[: limit + 1])]
    if not ends:
        return min(len(body), limit)
    for end in ends:
        if end >= 80:
            return end
    return ends[-1]


@lru_cache(maxsize=1)
def _load_default(mtime: float) -> Gazetteer:
    return Gazetteer(json.loads(GAZETTEER_PATH.read_text(encoding="utf-8")))


def default_gazetteer() -> Gazetteer:
    """The gazetteer shipped in the repository (reloaded when the file changes)."""
    return _load_default(GAZETTEER_PATH.stat().st_mtime)
