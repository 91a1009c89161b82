"""Secrecy stamps (độ mật) on documents.

The platform is not certified to hold state secrets, so a document stamped MẬT, TỐI MẬT or
TUYỆT MẬT is refused wherever it enters. A stamp is a short line of its own ("MẬT",
"TỐI MẬT", "Độ mật: Mật"); the same words inside prose ("bảo vệ bí mật Nhà nước",
"mật khẩu", "chế độ bảo mật thông tin") are not a stamp and must not trip the check.
"""

from __future__ import annotations

import re

from doingoai.core import vntext

__all__ = ["find_secrecy_mark", "SECRECY_MARKS"]

SECRECY_MARKS = {"mat": "MẬT", "toi mat": "TỐI MẬT", "tuyet mat": "TUYỆT MẬT"}

# A stamp line is short; anything longer is prose or a heading that merely mentions secrecy.
_MAX_STAMP_LINE = 40
# Frames that stamps are printed or scanned with: brackets, quotes, boxes, stray dots.
_FRAME = re.compile(r"^[\s\[\](){}«»\"'“”*|_.:;,\-–—=]+|[\s\[\](){}«»\"'“”*|_.:;,\-–—=]+$")
_DEGREE = re.compile(r"^do\s+mat\s*[:\-–]\s*(.+)$")


def _mark_of(folded: str) -> str | None:
    return SECRECY_MARKS.get(re.sub(r"\s+", " ", folded).strip())


def _stamp_on_line(line: str) -> str | None:
    bare = _FRAME.sub("", line)
    if not bare or len(bare) > _MAX_STAMP_LINE:
        return None
    repaired = vntext.ocr_repair(bare)
    degree = _DEGREE.match(repaired)
    if degree:
        # "Độ mật: Mật" is a form field: its value decides, in any case.
        return _mark_of(_FRAME.sub("", degree.group(1)))
    mark = _mark_of(repaired)
    if mark is None:
        return None
    letters = [c for c in bare if c.isalpha()]
    if all(c.isupper() for c in letters):
        return mark  # "MẬT", "TỐI MẬT", OCR's "TOI MAT": a stamp is printed in capitals
    if not bare.isascii() and bare[0].isupper() and vntext.fold(bare) != bare.lower():
        return mark  # "Tối mật" with its marks, alone on a line, capitalised
    return None


def find_secrecy_mark(text: str) -> str | None:
    """The secrecy degree stamped on ``text`` ("MẬT", "TỐI MẬT", "TUYỆT MẬT"), or None.

    Only a line that is the stamp counts: a short line reading just the degree (in capitals,
    or capitalised with its diacritics), or a "Độ mật: …" field."""
    for line in (text or "").splitlines():
        mark = _stamp_on_line(vntext.normalize(line))
        if mark:
            return mark
    return None
