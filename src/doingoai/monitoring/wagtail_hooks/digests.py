"""The daily press digest (điểm báo): its screens and its menu entry."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..views import digests as views
from .menu import MonitoringMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("bao-chi/diem-bao/", views.archive, name="monitoring_digests"),
        path("bao-chi/diem-bao/soan/", views.compile_today, name="monitoring_digest_compile"),
        path("bao-chi/diem-bao/<int:pk>/", views.detail, name="monitoring_digest"),
        path("bao-chi/diem-bao/<int:pk>/soan-lai/", views.recompile, name="monitoring_digest_recompile"),
        path("bao-chi/diem-bao/<int:pk>/sua/", views.edit, name="monitoring_digest_edit"),
        path("bao-chi/diem-bao/<int:pk>/gui/", views.send, name="monitoring_digest_send"),
        path("bao-chi/diem-bao/<int:pk>/tep/<str:fmt>/", views.download, name="monitoring_digest_file"),
    ]


@hooks.register("register_monitoring_menu_item")
def digests_menu():
    return MonitoringMenuItem(_("Điểm báo"), reverse("monitoring_digests"), icon_name="doc-full-inverse", order=50)
