"""The stored articles: their list (a Wagtail viewset), the page of an article with the
correction of its labels, the page of a story, and the screen of the analysis models."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .. import labels
from ..views import articles as views
from ..viewsets import ArticleViewSet
from .menu import MonitoringMenuItem


@hooks.register("register_admin_viewset")
def article_viewset():
    return ArticleViewSet()


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("bao-chi/bai-bao/<int:pk>/", views.article_page, name="monitoring_article"),
        path("bao-chi/cau-chuyen/<int:pk>/", views.story_page, name="monitoring_story"),
        path("bao-chi/mo-hinh-phan-tich/", views.models_page, name="monitoring_models"),
    ]


@hooks.register("register_monitoring_menu_item")
def articles_menu():
    return MonitoringMenuItem(_("Bài báo"), reverse("monitoring_articles:index"), icon_name="doc-full", order=20)


class ModelsMenuItem(MenuItem):
    """The models screen is open to the system administrator too (she runs the retraining)."""

    def is_shown(self, request):
        return labels.can_view_models(request.user)


@hooks.register("register_monitoring_menu_item")
def models_menu():
    return ModelsMenuItem(_("Mô hình phân tích"), reverse("monitoring_models"), icon_name="cogs", order=90)
