"""The plan's tasks: the numbered items of the section that assigns work.

Which section that is differs between plans ("III. NHIỆM VỤ CỤ THỂ", "II. NHIỆM VỤ VÀ GIẢI
PHÁP", "III. NỘI DUNG THỰC HIỆN"), so it is not found by its heading but by its shape: the
section whose numbered items carry lead-unit fields ("Đơn vị chủ trì: …"). A plan may also
give its tasks as a table (STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian), which the DOCX
reader writes as rows of cells separated by " | ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from doingoai.core import vntext

from .layout import (
    CONTENT,
    COORDINATORS,
    LEAD,
    TIMELINE,
    field_of,
    is_sub_item,
    label_category,
    numbered_item,
    roman_heading,
    starts_paragraph,
    strip_bullet,
)

__all__ = ["RawTask", "find_tasks", "sections"]


@dataclass
class RawTask:
    """A task as written: its number, title lines and fields, before any matching."""

    no: int
    title: str
    content: list[str] = field(default_factory=list)
    lead: str | None = None
    coordinators: list[str] = field(default_factory=list)
    timeline: str | None = None
    extra_leads: list[str] = field(default_factory=list)


@dataclass
class Section:
    number: int | None
    title: str
    start: int  # first line after the heading
    end: int


def sections(lines: list[str], start: int = 0) -> list[Section]:
    """The Roman-numbered sections from ``start`` on; the whole text as one section when the
    plan has none."""
    heads = [(i, h) for i, h in ((i, roman_heading(line)) for i, line in enumerate(lines)) if h and i >= start]
    if not heads:
        return [Section(None, "", start, len(lines))]
    out = []
    for k, (index, heading) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        out.append(Section(heading.number, heading.title, index + 1, end))
    return out


def _items(lines: list[str], section: Section) -> list[tuple[int, int, int]]:
    """(number, first line, end line) of the items numbered 1, 2, 3… in order; a number out
    of sequence is a wrapped line that happens to open with digits, not an item."""
    found: list[tuple[int, int]] = []
    for index in range(section.start, section.end):
        item = numbered_item(lines[index])
        if item and item[0] == (found[-1][0] + 1 if found else 1):
            found.append((item[0], index))
    return [
        (number, index, found[k + 1][1] if k + 1 < len(found) else section.end)
        for k, (number, index) in enumerate(found)
    ]


def _read_item(lines: list[str], number: int, start: int, end: int) -> RawTask:
    """Title (the item's opening paragraph) and fields of one numbered item."""
    first = numbered_item(lines[start])[1]
    title_lines = [first] if first else []
    index = start + 1
    while index < end and not lines[index].strip() and not title_lines:
        index += 1  # a number alone on its line, the title under it
    while index < end and lines[index].strip() and not starts_paragraph(lines[index]):
        title_lines.append(lines[index].strip())
        index += 1
    task = RawTask(no=number, title=vntext.normalize(" ".join(title_lines)))
    for paragraph in _paragraphs(lines[index:end]):
        _take_paragraph(task, paragraph)
    return task


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines joined into paragraphs: a blank line, a bullet, a sub-item or a field starts a new
    one; any other line continues the paragraph above (a wrapped line)."""
    out: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if not line.strip():
            current = None
        elif current is None or starts_paragraph(line):
            current = [line.strip()]
            out.append(current)
        else:
            current.append(line.strip())
    return [vntext.normalize(" ".join(p)) for p in out]


def _take_paragraph(task: RawTask, paragraph: str) -> None:
    found = field_of(paragraph)
    if found is None:
        text = strip_bullet(paragraph) if not is_sub_item(paragraph) else paragraph
        if text:
            task.content.append(text)
        return
    for part in _split_fields(found.category, found.value):
        category, value = part
        if category == LEAD:
            if task.lead is None:
                task.lead = value
            else:
                task.extra_leads.append(value)
        elif category == COORDINATORS:
            task.coordinators.append(value)
        elif category == TIMELINE:
            task.timeline = task.timeline or value
        elif value:
            task.content.append(value)


_INLINE_FIELD = re.compile(r"[.;]\s+(?=[^.;:]{2,45}:)")


def _split_fields(category: str, value: str) -> list[tuple[str, str]]:
    """A field whose value holds a second field ("Chủ trì: X; phối hợp: Y") as two fields."""
    parts = [(category, value)]
    pieces = _INLINE_FIELD.split(value)
    if len(pieces) < 2:
        return parts
    parts = [(category, pieces[0])]
    for piece in pieces[1:]:
        label, _, rest = piece.partition(":")
        found, _ = label_category(label)
        if found is None:
            parts[-1] = (parts[-1][0], f"{parts[-1][1]}; {piece}")
        else:
            parts.append((found, rest.strip()))
    return parts


# --- tasks in a table ------------------------------------------------------------------------------
_COLUMN_LABELS = {
    "no": ("STT", "TT", "Số TT", "Số thứ tự"),
    "title": ("Nhiệm vụ", "Nội dung", "Tên nhiệm vụ", "Nội dung nhiệm vụ", "Nhiệm vụ, giải pháp", "Nội dung công việc"),
}


def _column_of(cell: str) -> str | None:
    repaired = vntext.ocr_repair(cell)
    for column, labels in _COLUMN_LABELS.items():
        if any(vntext.similarity(repaired, label) >= 0.85 for label in labels):
            return column
    category, _ = label_category(cell)
    return category


def _table_tasks(lines: list[str], start: int, end: int) -> list[RawTask]:
    """Tasks from a " | " table whose header row names the lead column. A row whose number
    cell is empty continues the task above (a cell with several paragraphs)."""
    columns: list[str | None] | None = None
    tasks: list[RawTask] = []
    for line in lines[start:end]:
        if "|" not in line:
            continue
        cells = [c.strip() for c in line.split("|")]
        header = [_column_of(c) for c in cells]
        if LEAD in header and ("title" in header or "no" in header):
            columns = header
            continue
        if columns is None:
            continue
        row = {column: cell for column, cell in zip(columns, cells, strict=False) if column and cell}
        if _opens_task(row, columns, len(tasks) + 1):
            tasks.append(_table_task(row, len(tasks) + 1))
        elif tasks:
            _continue_task(tasks[-1], row)
    return tasks


def _opens_task(row: dict, columns: list, expected: int) -> bool:
    if "no" in columns:
        return re.sub(r"\D", "", row.get("no", "")) == str(expected)
    return bool(row.get(LEAD))


def _table_task(row: dict, number: int) -> RawTask:
    task = RawTask(no=number, title=vntext.normalize(row.get("title", "")))
    task.lead = row.get(LEAD)
    task.coordinators = [row[COORDINATORS]] if row.get(COORDINATORS) else []
    task.timeline = row.get(TIMELINE)
    if row.get(CONTENT):
        task.content.append(row[CONTENT])
    return task


def _continue_task(task: RawTask, row: dict) -> None:
    if row.get("title"):
        task.content.append(row["title"])
    if row.get(CONTENT):
        task.content.append(row[CONTENT])
    if row.get(LEAD):
        task.lead = f"{task.lead}, {row[LEAD]}" if task.lead else row[LEAD]
    if row.get(COORDINATORS):
        task.coordinators.append(row[COORDINATORS])
    if row.get(TIMELINE):
        task.timeline = f"{task.timeline} {row[TIMELINE]}" if task.timeline else row[TIMELINE]


# --- the plan's tasks --------------------------------------------------------------------------------
def find_tasks(lines: list[str], start: int = 0) -> list[RawTask]:
    """The tasks of the plan: the numbered items of the section whose items name the most
    lead units, or the rows of a task table; [] when neither is found."""
    best: list[RawTask] = []
    for section in sections(lines, start):
        tasks = [_read_item(lines, number, first, end) for number, first, end in _items(lines, section)]
        if _leads(tasks) > _leads(best):
            best = tasks
        table = _table_tasks(lines, section.start, section.end)
        if _leads(table) > _leads(best):
            best = table
    return best if _leads(best) else []


def _leads(tasks: list[RawTask]) -> int:
    return sum(1 for t in tasks if t.lead)
