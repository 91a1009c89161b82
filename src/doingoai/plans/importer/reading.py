"""``parse``: a plan's text (clean, or an OCR reading with lost diacritics) into a ParsedPlan."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date

from doingoai.core import vntext
from doingoai.core.secrecy import find_secrecy_mark

from .. import timeline as timelines
from . import header
from .errors import PlanImportError
from .restore import Restorer
from .result import ParsedPlan, ParsedTask, PlanDocument
from .tasks import RawTask, find_tasks
from .units import UnitRef, UnitRegistry

__all__ = ["parse", "refuse_secret"]


def refuse_secret(text: str) -> None:
    """PlanImportError when the text carries a secrecy stamp (MẬT, TỐI MẬT, TUYỆT MẬT)."""
    mark = find_secrecy_mark(text)
    if mark:
        raise PlanImportError(
            f"Không nhập được: tài liệu mang dấu độ mật “{mark}”. Hệ thống không được lưu giữ bí mật "
            "nhà nước; tài liệu mật phải được quản lý theo quy định về bảo vệ bí mật nhà nước, ngoài hệ thống."
        )


def parse(text: str, units: list[UnitRef]) -> ParsedPlan:
    """Read a plan out of ``text``, matching the units it names against ``units``.

    Raises PlanImportError for a document stamped secret, and for a text in which no task
    with a lead unit is found (the message says what was found and what was missing)."""
    text = _lines_nfc(text or "")
    refuse_secret(text)
    lines = text.split("\n")
    registry = UnitRegistry(units)
    restorer = Restorer.for_text(text, units)
    document, body_start, missing = _read_document(lines, restorer)
    raw_tasks = find_tasks(lines, body_start)
    if not raw_tasks:
        raise PlanImportError(_not_a_plan_message(document, missing))
    warnings = [f"{_MISSING_WORDS[m].capitalize()}." for m in missing]
    year = document.year or _year_from(document, text, warnings)
    tasks = [_task(raw, registry, restorer, year, warnings) for raw in raw_tasks]
    _warn_new_units(tasks, warnings)
    return ParsedPlan(document=document, tasks=tasks, warnings=warnings, missing=missing)


def _lines_nfc(text: str) -> str:
    """NFC, "\n" line ends, no-break spaces plain; the line structure is kept (it carries
    the layout)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.replace("\u00a0", " ").rstrip() for line in text.split("\n"))


# --- the document's fields -----------------------------------------------------------------------
def _read_document(lines: list[str], restorer: Restorer) -> tuple[PlanDocument, int, list[str]]:
    """The document's fields, the index of the first line after its title, and the names of
    the fields not found."""
    top = lines[: header.first_section_index(lines)]
    number = header.find_number(top)
    day, place, date_at = header.find_date_and_place(top)
    # The kind ("KẾ HOẠCH") stands under the number and date; the issuer above them.
    below = max(number[1] if number else 0, date_at or 0)
    kind, title_lines, kind_at = header.find_kind_and_title(top, after=below)
    above = min(i for i in (number[1] if number else None, date_at, kind_at, len(top)) if i is not None)
    issuer, parent = header.find_issuers(header.header_lines(lines, max(above, 1)))
    title_end = (kind_at or 0) + 1 + len(title_lines)
    recipients, recipients_at, beside = header.find_recipients(lines)
    document = PlanDocument(
        number=number[0] if number else "",
        kind=kind,
        date=day,
        title=restorer.restore(vntext.normalize(" ".join([kind, *title_lines]))),
        issuer=restorer.restore(issuer),
        issuer_parent=restorer.restore(parent),
        place=restorer.restore(place),
        basis=[restorer.restore(b) for b in header.find_basis(lines, title_end, len(top))],
        signer=header.find_signer(lines, recipients_at, beside),
        recipients=recipients,
    )
    found = {"number": document.number, "date": document.date, "kind": kind, "title": title_lines, "issuer": issuer}
    return document, title_end, [name for name, value in found.items() if not value]


_MISSING_WORDS = {
    "number": "không thấy số ký hiệu", "date": "không thấy ngày ban hành",
    "kind": "không thấy tên loại văn bản (KẾ HOẠCH)", "title": "không thấy trích yếu",
    "issuer": "không thấy cơ quan ban hành",
}


def _not_a_plan_message(document: PlanDocument, missing: list[str]) -> str:
    found = []
    if document.kind:
        found.append(f"loại văn bản “{document.kind}”")
    if document.number:
        found.append(f"số {document.number}")
    if document.date:
        found.append(f"ngày {document.date:%d/%m/%Y}")
    if document.issuer:
        found.append(f"cơ quan ban hành “{document.issuer}”")
    lacking = [_MISSING_WORDS[m] for m in missing if m in ("number", "date", "kind")]
    lacking.append("không thấy nhiệm vụ nào có đơn vị chủ trì (“Đơn vị chủ trì:”, “Cơ quan chủ trì:”)")
    message = "Không nhận ra kế hoạch: " + ", ".join(lacking) + "."
    if found:
        message += " Đã thấy: " + ", ".join(found) + "."
    return message


def _year_from(document: PlanDocument, text: str, warnings: list[str]) -> int:
    """The plan's year when its date could not be read: from the title ("năm 2025"), else
    this year, with a warning either way."""
    m = re.search(r"\b(20\d\d)\b", document.title) or re.search(r"\b(20\d\d)\b", text[:3000])
    year = int(m.group(1)) if m else date.today().year
    warnings.append(f"Không đọc được ngày ban hành; thời gian các nhiệm vụ được tính theo năm {year}.")
    return year


# --- tasks ----------------------------------------------------------------------------------------
def _task(raw: RawTask, registry: UnitRegistry, restorer: Restorer, year: int, warnings: list[str]) -> ParsedTask:
    lead_list = registry.read_list(raw.lead or "")
    coordinator_lists = [registry.read_list(text) for text in raw.coordinators]
    lead = lead_list.units[0] if lead_list.units else None
    coordinators = [m for lst in coordinator_lists for m in lst.units]
    for extra in lead_list.units[1:]:
        warnings.append(f"Nhiệm vụ {raw.no}: có nhiều đơn vị chủ trì; “{extra.name}” được xếp vào đơn vị phối hợp.")
        coordinators.insert(0, extra)
    coordinators = _distinct(coordinators, lead)
    lead, coordinators = _restored_new_units(lead, coordinators, restorer)
    timeline_text = restorer.restore(raw.timeline or "")
    timeline = timelines.parse(timelines.restore_words(timeline_text), year)
    if lead is None:
        warnings.append(f"Nhiệm vụ {raw.no}: không thấy đơn vị chủ trì.")
    if raw.timeline is None:
        warnings.append(f"Nhiệm vụ {raw.no}: không thấy thời gian thực hiện.")
    elif timeline.kind == "unknown":
        warnings.append(f"Nhiệm vụ {raw.no}: không hiểu thời gian thực hiện “{timeline.text}”.")
    return ParsedTask(
        no=raw.no,
        title=restorer.restore(_clean_title(raw.title)),
        content=[restorer.restore(c) for c in raw.content],
        lead=lead,
        coordinators=coordinators,
        and_related_units=lead_list.and_related_units or any(lst.and_related_units for lst in coordinator_lists),
        timeline=timeline,
        title_as_read=raw.title,
    )


def _distinct(matches, lead):
    seen = {lead.code or lead.name} if lead else set()
    out = []
    for m in matches:
        key = m.code or m.name
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _restored_new_units(lead, coordinators, restorer: Restorer):
    def fix(m):
        return replace(m, name=restorer.restore(m.name)) if m is not None and m.is_new else m

    return fix(lead), [fix(m) for m in coordinators]


_LIST_INTRO = re.compile(r",\s*[^,]*\b(?:sau|nhu sau)\s*:?\s*$")


def _clean_title(title: str) -> str:
    """The task title without its trailing list introduction (", tập trung một số nhiệm vụ
    sau:") and closing punctuation."""
    folded = vntext.fold(title)
    m = _LIST_INTRO.search(folded)
    if m and len(folded) == len(title) and title.rstrip().endswith(":"):
        title = title[: m.start()]
    return title.strip().rstrip(".:;,").strip()


def _warn_new_units(tasks: list[ParsedTask], warnings: list[str]) -> None:
    names: list[str] = []
    for task in tasks:
        for m in [task.lead, *task.coordinators]:
            if m is not None and m.is_new and m.name not in names:
                names.append(m.name)
    for name in names:
        warnings.append(f"Đơn vị “{name}” chưa có trong danh mục: sẽ được thêm là đơn vị mới nếu lưu.")
