"""The stored articles (and, later in this module, their page with label corrections)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..viewsets import ArticleViewSet


@hooks.register("register_admin_viewset")
def article_viewset():
    return ArticleViewSet()


@hooks.register("register_monitoring_menu_item")
def articles_menu():
    from . import MonitoringMenuItem

    return MonitoringMenuItem(_("Bài báo"), reverse("monitoring_articles:index"), icon_name="doc-full", order=20)
