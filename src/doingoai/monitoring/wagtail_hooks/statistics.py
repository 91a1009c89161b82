"""The statistics screen, and the press figures of the plan's periodic report."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail import hooks

from doingoai.plans import statistics as plan_statistics

from .. import stats
from ..views import statistics as views

# Figures of task 9 for the periodic report (the plans app imports no monitoring module).
plan_statistics.register("monitoring.press", gettext_noop("Theo dõi báo chí"), stats.report_figures)


@hooks.register("register_admin_urls")
def admin_urls():
    return [path("bao-chi/thong-ke/", views.statistics_view, name="monitoring_statistics")]


@hooks.register("register_monitoring_menu_item")
def statistics_menu():
    from . import MonitoringMenuItem

    return MonitoringMenuItem(_("Thống kê báo chí"), reverse("monitoring_statistics"), icon_name="table", order=70)
