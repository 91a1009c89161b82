"""Uploads: the page "Tải lên tài liệu" (many files, drag and drop, a progress bar per file),
the view that takes one file per request, and the status of an item's processing as JSON.

The browser (``static/library/staff/upload.js``) sends each file on its own, so that a refused
file (a MẬT document, a damaged PDF, a file lying about its type, one too large) gets its own
Vietnamese message and the rest of the batch goes on. A file is written to disk as it
arrives (``TemporaryFileUploadHandler``), after its announced size was checked against
``DOINGOAI_UPLOAD_MAX_MB``; ``ingest.ingest_upload`` makes the draft and leaves the OCR to
the job ``process_item``, whose progress the page polls."""

from __future__ import annotations

import logging

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from doingoai.core.responses import forbidden

from .. import publishing
from ..access import can_use
from ..forms import UploadDefaultsForm, UploadFileForm, upload_limit_bytes
from ..models import Item, ProcessingState
from ..viewsets import edit_url, items_for
from . import library_only

logger = logging.getLogger("doingoai.library")


def can_upload(user) -> bool:
    return can_use(user) and user.has_perm("library.add_item")


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@library_only
@require_GET
def upload_page(request):
    if not can_upload(request.user):
        return forbidden(request, _("Bạn chưa được phân quyền thêm tài liệu vào thư viện."))
    from .. import filetypes

    return TemplateResponse(request, "library/staff/upload.html", {
        "page_title": _("Tải lên tài liệu"), "form": UploadDefaultsForm(),
        "upload_url": reverse("library_upload_file"), "max_mb": upload_limit_bytes() // (1024 * 1024),
        "accepted": filetypes.accepted_types(), "list_url": reverse(Item.snippet_viewset.get_url_name("list")),
    })


@csrf_exempt  # the handlers must be set before anything reads the body; CSRF is checked below
@require_POST
def upload_file(request):
    """One file: ``{id, title, edit_url, status_url}``, or ``{error}`` with status 400."""
    if not can_upload(request.user):
        return _error(_("Bạn chưa được phân quyền thêm tài liệu vào thư viện."), 403)
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    limit = upload_limit_bytes()
    if announced > limit + 64 * 1024:  # the form's other fields and the multipart framing
        return _error(_("Tệp quá lớn: giới hạn là %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, 413)
    request.upload_handlers = [TemporaryFileUploadHandler(request)]
    return _receive(request)


@csrf_protect
def _receive(request):
    from .. import ingest

    form = UploadFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _error(" ".join(e for errors in form.errors.values() for e in errors))
    uploaded = form.cleaned_data["file"]
    collection = form.cleaned_data.get("collection")
    try:
        item = ingest.ingest_upload(
            uploaded, user=request.user, collections=[collection] if collection else [],
            languages=form.ocr_languages(), owner_unit=publishing._default_unit(request.user), run_ocr="later",
        )
    except ingest.Refused as exc:
        return _error(exc.message)
    except Exception:
        logger.exception("Tải lên %s thất bại", uploaded.name)
        return _error(_("Không xử lý được tệp «%(name)s» do lỗi của hệ thống; lỗi đã được ghi lại để quản trị "
                        "viên xem xét.") % {"name": uploaded.name}, 500)
    access = form.cleaned_data.get("access")
    if access and access != item.access:
        Item.objects.filter(pk=item.pk).update(access=access)
    return JsonResponse({
        "id": item.pk, "title": item.title, "edit_url": edit_url(item),
        "status_url": reverse("library_item_status", args=[item.pk]),
        "processing": item.processing, "progress": item.progress,
    })


@library_only
@require_GET
def item_status(request, pk):
    """Where the processing of an item stands: ``{processing, label, progress, error, done}``."""
    item = get_object_or_404(items_for(request.user).only(
        "pk", "title", "processing", "progress", "processing_error"), pk=pk)
    done = item.processing not in (ProcessingState.PENDING, ProcessingState.RUNNING)
    return JsonResponse({
        "id": item.pk, "title": item.title, "processing": item.processing,
        "label": item.get_processing_display() if item.processing else _("Không cần xử lý"),
        "progress": item.progress if item.processing else 100, "error": item.processing_error, "done": done,
    })
