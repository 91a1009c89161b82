"""The search screen."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..views import search as views
from .menu import MonitoringMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [path("bao-chi/tim-kiem/", views.search_view, name="monitoring_search")]


@hooks.register("register_monitoring_menu_item")
def search_menu():
    return MonitoringMenuItem(_("Tìm kiếm bài báo"), reverse("monitoring_search"), icon_name="search", order=10)
