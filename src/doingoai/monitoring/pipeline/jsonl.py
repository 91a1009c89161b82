"""Articles as JSON lines ``{"id", "url", "title", "text", "published"}`` (the contract of
``doingoai monitor analyze`` and ``monitor import``)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .feeds import parse_date


class LineError(ValueError):
    """A line that cannot be read; the message names the line and what is wrong."""


@dataclass
class Line:
    id: str
    url: str
    title: str
    text: str
    published: datetime.datetime | None


def read(lines: Iterable[str]) -> Iterator[Line]:
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LineError(f"Dòng {number}: không phải JSON hợp lệ ({exc.msg}).") from None
        if not isinstance(data, dict):
            raise LineError(f"Dòng {number}: cần một đối tượng JSON.")
        title, text = str(data.get("title") or "").strip(), str(data.get("text") or "").strip()
        if not title and not text:
            raise LineError(f"Dòng {number}: thiếu cả tiêu đề (title) lẫn nội dung (text).")
        published = None
        if data.get("published"):
            published = parse_date(str(data["published"]))
            if published is None:
                raise LineError(f"Dòng {number}: ngày đăng “{data['published']}” không đọc được.")
        yield Line(id=str(data.get("id", number)), url=str(data.get("url") or ""), title=title, text=text,
                   published=published)
