"""How the monitoring app extends the staff UI."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views
from .viewsets import MonitoringGroup


@hooks.register("register_admin_urls")
def admin_urls():
    return [path("bao-chi/tim-kiem/", views.search_view, name="monitoring_search")]


class SearchMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_use(request.user)


@hooks.register("register_admin_menu_item")
def search_menu():
    return SearchMenuItem(_("Tìm kiếm bài báo"), reverse("monitoring_search"), icon_name="search", order=140)


@hooks.register("register_admin_viewset")
def admin_viewsets():
    return MonitoringGroup()
