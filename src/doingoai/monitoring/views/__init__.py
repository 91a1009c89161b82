"""Staff screens of press monitoring, one module per area. Thin: HTTP in, domain modules do
the work. Every screen is behind ``monitoring_only``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from doingoai.core.responses import file_response, gate

from ..access import can_use

__all__ = ["monitoring_only", "file_response"]

monitoring_only = gate(can_use, lambda: _(
    "Theo dõi báo chí dành cho lãnh đạo Sở và người có vai trò chuyên môn, biên tập trong một "
    "đơn vị. Nếu cần sử dụng, xin liên hệ quản trị hệ thống để được phân quyền."))
