"""The sources and their health."""

from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from doingoai.core import dashboard

from .. import health
from ..access import can_use
from ..views import sources as views
from ..viewsets import SourceViewSet
from .menu import MonitoringMenuItem


@hooks.register("register_admin_viewset")
def source_viewset():
    return SourceViewSet()


@hooks.register("register_monitoring_menu_item")
def sources_menu():
    return MonitoringMenuItem(_("Nguồn tin"), reverse("monitoring_sources:index"), icon_name="site", order=60)


@hooks.register("register_admin_urls")
def health_urls():
    return [
        path("bao-chi/tinh-trang-nguon/", views.health_index, name="monitoring_source_health"),
        path("bao-chi/tinh-trang-nguon/<int:pk>/", views.health_detail, name="monitoring_source_health_detail"),
        path("bao-chi/tinh-trang-nguon/<int:pk>/lay-tin-ngay/", views.poll_now, name="monitoring_source_poll_now"),
    ]


@hooks.register("register_monitoring_menu_item")
def health_menu():
    return MonitoringMenuItem(_("Tình trạng nguồn tin"), reverse("monitoring_source_health"), icon_name="warning",
                              order=65)


@dashboard.register_counter
def troubled_sources(user):
    if not can_use(user):
        return []
    return [dashboard.Counter(
        label=gettext("Nguồn tin lỗi hoặc im lặng"), value=health.troubled_count(),
        url=reverse("monitoring_source_health") + "?sap-xep=trang-thai",
    )]
