"""Staff screens of the cases app, one module per area. Thin: HTTP in, domain modules do the
work. Every staff screen is behind ``cases_only``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from doingoai.core.responses import file_response, gate

from ..access import can_use

__all__ = ["cases_only", "file_response"]

cases_only = gate(can_use, lambda: _(
    "Xử lý thông tin sai sự thật, khiếu nại, tố cáo dành cho lãnh đạo Sở và người có vai trò "
    "chuyên môn tại Thanh tra Sở, Phòng Thông tin – Báo chí – Xuất bản và Trung tâm Thông tin "
    "và Truyền thông. Nếu cần sử dụng, xin liên hệ quản trị hệ thống để được phân quyền."))
