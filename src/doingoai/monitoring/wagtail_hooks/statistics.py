"""The statistics screen, and the press figures of the plan's periodic report."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..views import statistics as views


@hooks.register("register_admin_urls")
def admin_urls():
    return [path("bao-chi/thong-ke/", views.statistics_view, name="monitoring_statistics")]


@hooks.register("register_monitoring_menu_item")
def statistics_menu():
    from . import MonitoringMenuItem

    return MonitoringMenuItem(_("Thống kê báo chí"), reverse("monitoring_statistics"), icon_name="table", order=70)
