"""Export of every match of a search (not a page of them) to CSV and XLSX, and the writers of
any table (a header and rows) in those two formats, which the statistics screen uses too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .models import Article

COLUMNS = ["Mã", "Tiêu đề", "Địa chỉ", "Nguồn", "Quốc gia", "Ngôn ngữ", "Ngày đăng", "Liên quan", "Mức độ liên quan",
           "Chủ đề", "Sắc thái", "Số bài cùng câu chuyện", "Số cơ quan đăng"]


def rows(ids: Iterable[int], batch: int = 1000) -> Iterator[list]:
    ids = list(ids)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        articles = Article.objects.filter(pk__in=chunk).select_related("source", "story").in_bulk()
        for pk in chunk:
            a = articles.get(pk)
            if a is None:
                continue
            published = timezone.localtime(a.published_at).strftime("%d/%m/%Y %H:%M") if a.published_at else ""
            yield [
                a.pk, a.title, a.url, a.source.name if a.source else "", a.source.country if a.source else "",
                a.language, published, "có" if a.relevant else "không", round(a.relevance, 3), ", ".join(a.themes),
                a.get_sentiment_display(), a.story.article_count if a.story else 1, a.story.outlet_count if a.story else 0,
            ]


def to_csv(ids: Iterable[int]) -> bytes:
    return table_to_csv(COLUMNS, rows(ids))


def to_xlsx(ids: Iterable[int]) -> bytes:
    return table_to_xlsx(COLUMNS, rows(ids), "Kết quả tìm kiếm")


# --- any table ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value):
    """Text from the press must not become a formula in a spreadsheet program."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_to_csv(columns: list[str], table_rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([_csv_safe(v) for v in row] for row in table_rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheet programs read UTF-8


_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def table_to_xlsx(columns: list[str], table_rows: Iterable[list], title: str = "Bảng") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title.translate(_SHEET_FORBIDDEN)[:31] or "Bảng")
    sheet.append(columns)
    for row in table_rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # openpyxl would store it as a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
