"""Saved searches, alert rules and the alerts: their screens and menu entries."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..views import alerts as views
from .menu import MonitoringMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("bao-chi/tim-kiem-da-luu/", views.saved_searches, name="monitoring_saved_searches"),
        path("bao-chi/tim-kiem-da-luu/<int:pk>/mo/", views.open_saved_search, name="monitoring_saved_search_open"),
        path("bao-chi/quy-tac-canh-bao/", views.rules, name="monitoring_alert_rules"),
        path("bao-chi/quy-tac-canh-bao/them/", views.rule_create, name="monitoring_alert_rule_create"),
        path("bao-chi/quy-tac-canh-bao/<int:pk>/sua/", views.rule_edit, name="monitoring_alert_rule_edit"),
        path("bao-chi/quy-tac-canh-bao/<int:pk>/xoa/", views.rule_delete, name="monitoring_alert_rule_delete"),
        path("bao-chi/canh-bao/", views.alert_list, name="monitoring_alerts"),
    ]


@hooks.register("register_monitoring_menu_item")
def saved_searches_menu():
    return MonitoringMenuItem(_("Tìm kiếm đã lưu"), reverse("monitoring_saved_searches"), icon_name="folder-open-inverse",
                              order=30)


@hooks.register("register_monitoring_menu_item")
def alert_rules_menu():
    return MonitoringMenuItem(_("Quy tắc cảnh báo"), reverse("monitoring_alert_rules"), icon_name="cog", order=40)


@hooks.register("register_monitoring_menu_item")
def alerts_menu():
    return MonitoringMenuItem(_("Cảnh báo"), reverse("monitoring_alerts"), icon_name="warning", order=45)
