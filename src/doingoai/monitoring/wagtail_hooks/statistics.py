"""The statistics screen, and the press figures of the plan's periodic report."""

from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from doingoai.core import dashboard

from .. import stats
from ..access import can_use
from ..views import statistics as views
from .menu import MonitoringMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [path("bao-chi/thong-ke/", views.statistics_view, name="monitoring_statistics")]


@hooks.register("register_monitoring_menu_item")
def statistics_menu():
    return MonitoringMenuItem(_("Thống kê báo chí"), reverse("monitoring_statistics"), icon_name="table", order=70)


@dashboard.register_counter
def press_today(user):
    """The morning's first figure: stories about the city today, with their articles beside."""
    if not can_use(user):
        return []
    today = stats.totals(stats.Period.last_days(1))
    return [dashboard.Counter(
        label=gettext("Câu chuyện về thành phố hôm nay"), value=today.stories,
        note=gettext("%(n)s bài báo") % {"n": today.articles}, url=reverse("monitoring_statistics"),
    )]
