"""Screens of the library: staff screens behind ``library_only``, the public catalogue, the
file views (access checked) and the OAI-PMH endpoint. Thin: domain modules do the work."""

from __future__ import annotations

from django.utils.translation import gettext as _

from doingoai.core.responses import file_response, gate

from ..access import can_use

__all__ = ["library_only", "file_response"]

library_only = gate(can_use, lambda: _(
    "Thư viện điện tử dành cho lãnh đạo Sở và người có vai trò chuyên môn, biên tập trong một "
    "đơn vị. Nếu cần sử dụng, xin liên hệ quản trị hệ thống để được phân quyền."))
