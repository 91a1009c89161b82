"""Staff screens of press monitoring, one module per area. Thin: HTTP in, domain modules do
the work. Every screen is behind ``monitoring_only``."""

from __future__ import annotations

import functools
import mimetypes

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ..access import can_use


def monitoring_only(view):
    """Leaders and editing roles only (``access.can_use``); anyone else signed in gets a 403
    page that says why (Wagtail's admin would turn a raised ``PermissionDenied`` into a
    redirect to the dashboard, which explains nothing)."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not can_use(request.user):
            return TemplateResponse(request, "monitoring/forbidden.html",
                                    {"page_title": _("Không có quyền truy cập")}, status=403)
        return view(request, *args, **kwargs)

    return checked


def file_response(body: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A generated file (export, document) as a response; its type follows the file name."""
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response
