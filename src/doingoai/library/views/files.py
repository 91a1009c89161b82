"""The files of library items, served after checking who asks (``access.can_view``): the public
gets the files of live public items only; anyone else not allowed, or anyone at all once the
item is removed, gets 404 — the same answer as for a file that does not exist.

PDF, raster images, video and audio are shown inline (the PDF viewer, the zoom, the players);
anything else is an attachment under ``Content-Security-Policy: sandbox``, so that an HTML
copy of an article or an SVG never runs in the site's origin. Single byte ranges are
answered with 206 (seeking in a video); ``ETag`` is the file's SHA-256."""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from ..access import can_view
from ..models import Access, ItemFile

INLINE = ("application/pdf", "video/", "audio/", "image/png", "image/jpeg", "image/gif", "image/webp",
          "image/avif", "image/tiff", "text/plain")
CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _inline(mime: str) -> bool:
    return any(mime == kind or (kind.endswith("/") and mime.startswith(kind)) for kind in INLINE)


def _read(handle, start: int, length: int):
    try:
        handle.seek(start)
        left = length
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) of a single "bytes=" range; None when there is none or it is not one we
    answer (several ranges: the whole file); False when it cannot be satisfied."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


@require_safe
@xframe_options_sameorigin  # the item page shows PDFs in a frame of the same site
def download(request, pk, name):
    item_file = ItemFile.objects.select_related("item").filter(pk=pk).first()
    if item_file is None or item_file.name != name or not can_view(request.user, item_file.item):
        raise Http404
    item = item_file.item
    public = item.live and item.access == Access.PUBLIC and item.removed_at is None
    mime = (item_file.mime or "application/octet-stream").split(";")[0].strip().lower()
    inline = _inline(mime)
    etag = f'"{item_file.sha256}"' if item_file.sha256 else None

    def headers(response):
        response["X-Content-Type-Options"] = "nosniff"
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
        response["Vary"] = "Cookie"
        if etag:
            response["ETag"] = etag
        if not inline:
            response["Content-Security-Policy"] = "sandbox"
        response["Content-Disposition"] = content_disposition_header(not inline, item_file.name)
        return response

    if etag and etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return headers(HttpResponseNotModified())
    try:
        handle = item_file.file.storage.open(item_file.file.name, "rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    size = item_file.file.storage.size(item_file.file.name)
    content_type = f"{mime}; charset=utf-8" if mime.startswith("text/") else mime
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if_range = request.headers.get("If-Range")
    if wanted is not None and if_range and if_range != etag:
        wanted = None  # the file changed since the first part was read: send it whole
    if wanted is False:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return headers(response)
    if wanted is None:
        start, end, status = 0, size - 1, 200
    else:
        (start, end), status = wanted, 206
    response = StreamingHttpResponse(_read(handle, start, end - start + 1), status=status, content_type=content_type)
    response["Content-Length"] = str(max(0, end - start + 1))
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return headers(response)
