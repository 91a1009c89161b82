"""Export of every match of a search (not a page of them) to CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from openpyxl import Workbook

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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows(ids))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheet programs read UTF-8


def to_xlsx(ids: Iterable[int]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Kết quả tìm kiếm")
    sheet.append(COLUMNS)
    for row in rows(ids):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
