"""Helpers of the catalogue's tests (no tests here): items with real files."""

from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from PIL import Image

from doingoai.library.models import Access, Item, ItemFile


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (255, 255, 255)).save(buffer, "PDF")
    return buffer.getvalue()


def attach(item: Item, name: str, data: bytes, mime: str, role: str = ItemFile.Role.ORIGINAL, **extra) -> ItemFile:
    return ItemFile.objects.create(
        item=item, role=role, file=ContentFile(data, name=name), name=name, mime=mime, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), **extra,
    )


def item_fields(**fields) -> dict:
    defaults = {"title": "Tài liệu thử", "live": True, "access": Access.PUBLIC, "language": "vi"}
    return {**defaults, **fields}
