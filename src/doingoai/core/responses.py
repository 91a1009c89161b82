"""Responses every module's screens share: a generated file, and the 403 page that says why."""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Callable

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _


def file_response(body: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A generated file (export, document) as a response; its type follows the file name."""
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def forbidden(request, reason: str) -> TemplateResponse:
    """A 403 page in the staff UI that explains who may use the screen (Wagtail's admin would
    turn a raised ``PermissionDenied`` into a redirect to the dashboard, which explains
    nothing)."""
    return TemplateResponse(request, "core/forbidden.html",
                            {"page_title": _("Không có quyền truy cập"), "reason": reason}, status=403)


def gate(allowed: Callable, reason: Callable[[], str]):
    """A view decorator: ``allowed(user)`` or the 403 page with ``reason()``."""

    def decorator(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            if not allowed(request.user):
                return forbidden(request, reason())
            return view(request, *args, **kwargs)

        return checked

    return decorator
