"""The sources (and, later in this module, their health)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..viewsets import SourceViewSet


@hooks.register("register_admin_viewset")
def source_viewset():
    return SourceViewSet()


@hooks.register("register_monitoring_menu_item")
def sources_menu():
    from . import MonitoringMenuItem

    return MonitoringMenuItem(_("Nguồn tin"), reverse("monitoring_sources:index"), icon_name="site", order=60)
