"""The document's own fields, read from its Decree 30 layout: issuing body and its parent
(top left), number and symbol ("Số: 14/KH-STTTT"), place and date ("Hải Phòng, ngày 18
tháng 02 năm 2025"), kind and title ("KẾ HOẠCH" and the lines under it), the bases it
implements ("Căn cứ …", "Thực hiện …"), the recipients ("Nơi nhận:") and the signer.

A scan merges the two header columns into one line ("UBND THANH PHO HAI PHONG CONG HOA XA
HOI CHU NGHIA VIET NAM"); the national title and motto are cut out wherever they sit.
"""

from __future__ import annotations

import re
from datetime import date

from doingoai.core import vntext

from .layout import roman_heading
from .result import Signer

__all__ = [
    "find_number", "find_date_and_place", "find_kind_and_title", "find_issuers", "find_basis",
    "find_recipients", "find_signer", "header_lines",
]

# --- number and symbol ---------------------------------------------------------------------------
# "Số: 14/KH-STTTT", OCR's "S6:14  /KH-STTTT". The symbol is capitals, digits and dashes.
_NUMBER = re.compile(
    r"(?:^|\s|\|)S\S{0,2}\s*(:|;|\.)?\s*(\d{1,4}[a-z]?)\s*/\s*"
    r"([A-ZĐ][A-Za-zĐđ0-9]*(?:\s?[-–]\s?[A-ZĐ0-9][A-Za-zĐđ0-9]*)*(?:/[A-ZĐ0-9][A-Za-zĐđ0-9]*)?)"
)


def find_number(lines: list[str]) -> tuple[str, int] | None:
    """("14/KH-STTTT", index of its line) from the header lines, or None. "Số" must carry
    its colon or open the line: "Kế hoạch số 20/KH-UBND" in a sentence is a reference."""
    for index, line in enumerate(lines):
        for m in _NUMBER.finditer(line):
            at_start = not line[: m.start()].strip(" _|")
            if m.group(1) == ":" or at_start:
                symbol = re.sub(r"\s+", "", m.group(3)).replace("–", "-")
                return f"{m.group(2)}/{symbol}", index
    return None


# --- place and date ------------------------------------------------------------------------------
_DATE_WORDS = re.compile(
    r"ng[a-z]{1,2}y\s+(\d{1,2})\s+th[a-z]{1,3}ng\s+(\d{1,2})\s+n[a-z]{1,2}m\s+(\d{4})"
    r"|ng[a-z]{1,2}y\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
)


def find_date_and_place(lines: list[str]) -> tuple[date | None, str, int | None]:
    """The issue date, the place written before it, and the index of its line."""
    for index, line in enumerate(lines):
        folded = vntext.fold(line)
        m = _DATE_WORDS.search(folded)
        if not m:
            continue
        d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        try:
            day = date(int(y), int(mo), int(d))
        except ValueError:
            continue
        return day, _place_before(line, m.start(), folded), index
    return None, "", None


def _place_before(line: str, start: int, folded: str) -> str:
    # fold keeps Vietnamese text the same length, so a position in it is one in the line.
    before = line[:start] if len(folded) == len(line) else line.split(",")[0] + ","
    before = before.split("|")[-1]
    m = _NUMBER.search(before)
    if m:
        before = before[m.end():]
    before = re.split(r"\s{3,}", before.strip())[-1]
    return vntext.normalize(before).strip(" ,.;_-–—")


# --- kind and title ------------------------------------------------------------------------------
KINDS = {
    "ke hoach": "Kế hoạch", "chuong trinh": "Chương trình", "de an": "Đề án",
    "phuong an": "Phương án", "ke hoach hanh dong": "Kế hoạch hành động",
    "chuong trinh hanh dong": "Chương trình hành động", "chuong trinh cong tac": "Chương trình công tác",
}
_BASIS_START = re.compile(r"^\s*(?:can\s+cu|thuc\s+hien|th[a-z]{1,2}c\s+hi[a-z]{1,2}n|ca[a-z]?n\s+c[a-z]{1,2})\b")


def _kind_of(line: str) -> tuple[str, str] | None:
    """("Kế hoạch", rest of the line) when the line opens with a document kind in capitals."""
    words = line.split()
    for size in (3, 2):
        if len(words) < size:
            continue
        head = " ".join(words[:size])
        letters = [c for c in head if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters):
            continue
        repaired = vntext.ocr_repair(head)
        for folded, kind in KINDS.items():
            if len(folded.split()) == size and vntext.similarity(repaired, folded) >= 0.85:
                return kind, " ".join(words[size:])
    return None


def find_kind_and_title(lines: list[str], after: int = 0) -> tuple[str, list[str], int | None]:
    """The document kind, the title lines under it, and the index of the kind's line."""
    for index in range(after, len(lines)):
        found = _kind_of(lines[index].strip())
        if not found:
            continue
        kind, rest = found
        title_lines = [rest] if rest.strip() else []
        for line in lines[index + 1: index + 6]:
            if not line.strip():
                if title_lines:
                    break
                continue
            if _BASIS_START.match(vntext.fold(line)) or roman_heading(line) or re.fullmatch(r"[\s_\-–—*=.]+", line):
                break
            title_lines.append(line.strip())
        return kind, title_lines, index
    return "", [], None


# --- issuing body and its parent -----------------------------------------------------------------
_NATIONAL = re.compile(r"c\S{1,2}ng\s+h\S{1,2}a\s+x\S{0,2}\s+h\S{1,2}i\s+ch\S{1,2}\s+ngh\S{1,2}a\s+vi\S{1,2}t\s+nam")
_MOTTO = re.compile(r"\S{2,4}\s+\S{2,4}\s*[-–—]\s*\S{1,3}\s+do\s*[-–—]\s*h\S{1,3}nh\s+ph\S{1,3}c\S?")


def _without_national(line: str) -> str:
    """The line with the national title and motto cut out (they share a scanned line with
    the issuer's name)."""
    folded = vntext.fold(line)
    if len(folded) != len(line):
        return line
    for pattern in (_NATIONAL, _MOTTO):
        m = pattern.search(folded)
        if m:
            line, folded = line[: m.start()] + line[m.end():], folded[: m.start()] + folded[m.end():]
    return line


def header_lines(lines: list[str], until: int) -> list[str]:
    """The header's lines above ``until``: table cells split, national title and motto cut,
    rules (____) and stray marks gone."""
    out = []
    for line in lines[:until]:
        for cell in line.split("|"):
            cell = re.sub(r"^[\s_\-–—~.,*'\"`]+|[\s_\-–—~.,*'\"`]+$", "", _without_national(cell))
            if len(re.sub(r"\W", "", cell)) >= 2:
                out.append(vntext.normalize(cell))
    return out


_PLACE_WORDS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")


def find_issuers(header: list[str]) -> tuple[str, str]:
    """(issuer, issuer_parent) from the header lines above the number, in capitals.

    Decree 30: the parent body on the first line, the issuer under it; a name too long for
    one line ("ỦY BAN NHÂN DÂN" / "HUYỆN THỦY NGUYÊN") continues on the next."""
    names = [h for h in header if _mostly_capitals(h) and not _NUMBER.search(h)]
    if not names:
        return "", ""
    if len(names) == 1:
        return names[0], ""
    if _continues(names[0], names[1]):
        return " ".join(names[:2]), ""
    return " ".join(names[1:3]) if len(names) > 2 and _continues(names[1], names[2]) else names[1], names[0]


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _continues(first: str, second: str) -> bool:
    """Whether ``second`` finishes the name begun on ``first`` ("ỦY BAN NHÂN DÂN" + "TỈNH X")."""
    head = vntext.fold(first).strip()
    tail = vntext.fold(second).strip()
    open_ended = head in {"uy ban nhan dan", "hoi dong nhan dan", "so", "ban"} or head.endswith(" va")
    return open_ended and tail.startswith(_PLACE_WORDS + ("thong tin", "van hoa", "tai chinh"))


# --- bases --------------------------------------------------------------------------------------
_BASIS_WORD = re.compile(r"^\s*(\S+\s+\S+)\s+")


def find_basis(lines: list[str], start: int, end: int) -> list[str]:
    """The documents the plan implements: each "Căn cứ …"/"Thực hiện …" paragraph between
    the title and the first section, without its opening words and closing comma."""
    paragraphs, current = [], None
    for line in lines[start:end]:
        folded = vntext.fold(line)
        if _BASIS_START.match(folded):
            current = [line.strip()]
            paragraphs.append(current)
        elif current is not None and line.strip():
            current.append(line.strip())
        else:
            current = None
        if current is not None and re.search(r"[,;.:]\s*$", line):
            current = None  # a basis ends its sentence with "," or ";" at the end of a line
    out = []
    for paragraph in paragraphs:
        text = vntext.normalize(" ".join(paragraph))
        text = _BASIS_WORD.sub("", text, count=1)
        text = _without_announcement(text)
        for part in re.split(r";\s+", text):
            part = part.strip(" ,.;")
            if part:
                out.append(part)
    return out


_ANNOUNCEMENT = re.compile(r",[^,]*\b(?:nhu sau|sau day)\s*:?\s*$")


def _without_announcement(text: str) -> str:
    """"…năm 2025, Sở Ngoại vụ ban hành Kế hoạch như sau:" → "…năm 2025": the closing clause
    announces the plan, it is not part of the basis."""
    folded = vntext.fold(text)
    m = _ANNOUNCEMENT.search(folded)
    return text[: m.start()] if m and len(folded) == len(text) else text


# --- recipients and signer ------------------------------------------------------------------------
def _is_recipients_label(line: str) -> tuple[bool, str]:
    """Whether the line opens "Nơi nhận:" (OCR: "Noinhdn:"), and what follows on it."""
    m = re.match(r"^\s*([^:]{4,14}):\s*(.*)$", line)
    if not m:
        return False, ""
    label = vntext.ocr_repair(m.group(1)).replace(" ", "")
    return vntext.similarity(label, "noinhan") >= 0.7, m.group(2).strip()


def find_recipients(lines: list[str]) -> tuple[list[str], int | None, str]:
    """The recipients list, the index of its "Nơi nhận:" line and what stood beside the label
    (a scan puts the signer's title there)."""
    for index in range(len(lines) - 1, -1, -1):
        found, beside = _is_recipients_label(lines[index])
        if not found:
            continue
        recipients = []
        for line in lines[index + 1:]:
            if not line.strip():
                continue
            if not re.match(r"^\s*[-–—+•]", line):
                break
            left = re.split(r"\s{3,}|\s\|\s?", line.strip())[0]  # the signature block may share the line
            name = re.sub(r"^\s*[-–—+•]\s*", "", left).strip(" ;,.")
            if name:
                recipients.append(vntext.normalize(name))
        return recipients, index, beside
    return [], None, ""


SIGNER_TITLES = (
    "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG",
    "CHÁNH VĂN PHÒNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "BÍ THƯ", "PHÓ BÍ THƯ", "CỤC TRƯỞNG",
    "VIỆN TRƯỞNG", "HIỆU TRƯỞNG", "TỔNG GIÁM ĐỐC", "CHÁNH THANH TRA",
)
_SIGNER_BY_FOLD = {vntext.fold(t): t for t in SIGNER_TITLES}


def _signer_title(text: str) -> str | None:
    """The signer's title in its proper spelling when ``text`` is one ("GIAM POC" → "GIÁM ĐỐC"),
    "KT."/"TM."/"Q." prefixes set aside."""
    text = re.sub(r"^\s*(?:KT|TM|Q|TL|TUQ)\s*[.:]\s*", "", text.strip(), flags=re.IGNORECASE)
    repaired = vntext.ocr_repair(text)
    best = max(_SIGNER_BY_FOLD, key=lambda f: vntext.similarity(repaired, f))
    return _SIGNER_BY_FOLD[best] if vntext.similarity(repaired, best) >= 0.85 else None


_NAME = re.compile(r"^[^\W\d_][^\W\d_.'’]*(?:\s+[^\W\d_][^\W\d_.'’]*){1,5}$")


def _signature_parts(lines: list[str]) -> list[str]:
    """The pieces of the closing lines: a scan or a table puts recipients and signature side
    by side, separated by wide spaces or " | "."""
    return [part.strip() for line in lines for part in re.split(r"\s{3,}|\|", line) if part.strip()]


def find_signer(lines: list[str], recipients_at: int | None, beside: str) -> Signer | None:
    """The signer's title (the last title of the signature block: "KT. GIÁM ĐỐC" is
    followed by the signer's own "PHÓ GIÁM ĐỐC") and name (the last piece that reads as a
    person's name)."""
    start = max(0, (recipients_at if recipients_at is not None else len(lines)) - 4)
    parts = ([beside] if beside else []) + _signature_parts(lines[start:])
    titles = [t for t in (_signer_title(p) for p in parts) if t]
    names = [p for p in (vntext.normalize(p) for p in parts) if _is_person_name(p)]
    if not titles and not names:
        return None
    return Signer(titles[-1] if titles else "", names[-1] if names else "")


def _is_person_name(text: str) -> bool:
    return bool(_NAME.match(text)) and all(w[0].isupper() for w in text.split()) and not _signer_title(text) \
        and not _mostly_capitals(text)


def first_section_index(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if roman_heading(line):
            return index
    return len(lines)
