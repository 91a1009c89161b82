"""How a Vietnamese administrative document is laid out, line by line (Decree 30/2020):
Roman-numbered section headings, numbered items, "- Label: value" fields, sub-items "(1)".

Every test here is tolerant of OCR damage: "I11." is "III.", "Pon vi chu tri" is
"Đơn vị chủ trì", "Thot gian thyc hién" is "Thời gian thực hiện".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from doingoai.core import vntext

__all__ = [
    "LEAD", "COORDINATORS", "TIMELINE", "CONTENT", "Field", "Heading",
    "roman_heading", "numbered_item", "field_of", "starts_paragraph", "label_category", "strip_bullet",
    "is_sub_item",
]

LEAD, COORDINATORS, TIMELINE, CONTENT = "lead", "coordinators", "timeline", "content"

# Labels of a task's fields as plans write them; matched after ``vntext.ocr_repair``.
_LABELS = {
    LEAD: (
        "Đơn vị chủ trì", "Cơ quan chủ trì", "Chủ trì", "Đơn vị chủ trì thực hiện",
        "Cơ quan chủ trì thực hiện", "Chủ trì thực hiện", "Đơn vị thực hiện", "Cơ quan thực hiện",
        "Đơn vị chủ trì tham mưu", "Cơ quan chủ trì tham mưu", "Đơn vị chịu trách nhiệm",
    ),
    COORDINATORS: (
        "Đơn vị phối hợp", "Cơ quan phối hợp", "Phối hợp", "Đơn vị phối hợp thực hiện",
        "Cơ quan phối hợp thực hiện", "Phối hợp thực hiện", "Đơn vị tham gia", "Cơ quan tham gia",
    ),
    TIMELINE: (
        "Thời gian thực hiện", "Thời hạn hoàn thành", "Thời gian hoàn thành", "Tiến độ",
        "Tiến độ thực hiện", "Tiến độ hoàn thành", "Thời gian", "Thời hạn", "Thời gian triển khai",
    ),
    CONTENT: (
        "Nội dung", "Nội dung thực hiện", "Nội dung công việc", "Nội dung cụ thể", "Hình thức",
        "Hình thức thể hiện", "Hình thức thực hiện", "Kênh truyền thông", "Sản phẩm", "Kết quả",
        "Sản phẩm dự kiến", "Yêu cầu", "Mục tiêu", "Phương thức",
    ),
}
_REPAIRED_LABELS = {
    category: tuple(vntext.ocr_repair(label) for label in labels) for category, labels in _LABELS.items()
}
LABEL_THRESHOLD = 0.8

_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
# "I11." and "Il." are OCR's "III." and "II.": a heading opens with I/V/X, then I, V, X, l, 1, |.
_HEADING = re.compile(r"^\s*[_.\-•]?\s*([IVX][IVXl1|]{0,3})\s*[.):,]\s*(\S.*)$")
_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*(?!\d)(\S.*)?$")
_BULLET = re.compile(r"^\s*(?:[-–—•+*·]|\(\s*[\w@]{1,3}\s*\)|[a-zđ]\)|@)\s*")
_FIELD = re.compile(r"^\s*(?:[-–—•+*·]\s*)?([^:;()]{2,45}?)\s*:\s*(.*)$")


@dataclass(frozen=True)
class Heading:
    number: int
    title: str


@dataclass(frozen=True)
class Field:
    category: str  # LEAD, COORDINATORS, TIMELINE, CONTENT
    label: str
    value: str


def _uppercase_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def roman_heading(line: str) -> Heading | None:
    """"I11. NHIEM VU CU THE" → Heading(3, "NHIEM VU CU THE"). A heading's words are in
    capitals; a sentence opening with "I." is not a heading."""
    m = _HEADING.match(line)
    if not m or _uppercase_share(m.group(2)) < 0.6:
        return None
    numeral = m.group(1).replace("1", "I").replace("l", "I").replace("|", "I")
    number = _ROMAN_VALUES.get(numeral)
    return Heading(number, m.group(2).strip()) if number else None


def numbered_item(line: str) -> tuple[int, str] | None:
    """"3. Hợp tác với …" → (3, "Hợp tác với …"); "1.1." and dates are not items."""
    m = _ITEM.match(line)
    if not m:
        return None
    return int(m.group(1)), (m.group(2) or "").strip()


def label_category(label: str) -> tuple[str | None, float]:
    """The kind of field a label names (LEAD, COORDINATORS, TIMELINE, CONTENT), or None."""
    repaired = vntext.ocr_repair(label)
    best, best_score = None, 0.0
    for category, labels in _REPAIRED_LABELS.items():
        for known in labels:
            score = vntext.similarity(repaired, known)
            if score > best_score:
                best, best_score = category, score
    return (best, best_score) if best_score >= LABEL_THRESHOLD else (None, best_score)


def field_of(line: str) -> Field | None:
    """"- Pon vi chu tri: Phong …" → Field(LEAD, "Pon vi chu tri", "Phong …")."""
    m = _FIELD.match(line)
    if not m:
        return None
    category, _ = label_category(m.group(1))
    if category is None:
        return None
    return Field(category, m.group(1).strip(), m.group(2).strip())


def starts_paragraph(line: str) -> bool:
    """A bullet ("- ", "+ ", "•"), a sub-item ("(1)", "a)") or a field opens a new paragraph;
    any other line continues the one above (a wrapped line)."""
    return bool(_BULLET.match(line)) or field_of(line) is not None


def strip_bullet(line: str) -> str:
    return _BULLET.sub("", line, count=1).strip()


def is_sub_item(line: str) -> bool:
    return bool(re.match(r"^\s*(?:\(\s*[\w@]{1,3}\s*\)|[a-zđ]\)|@\s)", line))
