"""Export of every match of a search (not a page of them) to CSV and XLSX, and the writers of
any table (a header and rows) in those two formats, which the statistics screen uses too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Article


def columns() -> list[str]:
    """The header of an export of articles, in the language of the person who asks for it."""
    return [
        pgettext("export column", "Mã"), pgettext("export column", "Tiêu đề"),
        pgettext("export column", "Địa chỉ"), pgettext("export column", "Nguồn"),
        pgettext("export column", "Quốc gia"), pgettext("export column", "Ngôn ngữ"),
        pgettext("export column", "Ngày đăng"), pgettext("export column", "Liên quan"),
        pgettext("export column", "Mức độ liên quan"), pgettext("export column", "Chủ đề"),
        pgettext("export column", "Sắc thái"), pgettext("export column", "Số bài cùng câu chuyện"),
        pgettext("export column", "Số cơ quan đăng"),
    ]


def rows(ids: Iterable[int], batch: int = 1000) -> Iterator[list]:
    ids = list(ids)
    yes, no = pgettext("export value", "có"), pgettext("export value", "không")
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
                a.language, published, yes if a.relevant else no, round(a.relevance, 3), ", ".join(a.themes),
                a.get_sentiment_display(), a.story.article_count if a.story else 1, a.story.outlet_count if a.story else 0,
            ]


def to_csv(ids: Iterable[int]) -> bytes:
    return table_to_csv(columns(), rows(ids))


def to_xlsx(ids: Iterable[int]) -> bytes:
    return table_to_xlsx(columns(), rows(ids), _("Kết quả tìm kiếm"))


# --- any table ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value):
    """Text from the press must not become a formula in a spreadsheet program."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_to_csv(header: list[str], table_rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_csv_safe(v) for v in row] for row in table_rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheet programs read UTF-8


_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def table_to_xlsx(header: list[str], table_rows: Iterable[list], title: str | None = None) -> bytes:
    from openpyxl import Workbook  # loaded by the first export, not by every process
    from openpyxl.cell import WriteOnlyCell

    fallback = pgettext("spreadsheet sheet", "Bảng")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title or fallback).translate(_SHEET_FORBIDDEN)[:31] or fallback)
    sheet.append(header)
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
