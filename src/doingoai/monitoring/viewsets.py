"""Staff screens of the monitoring app (first: the sources and the stored articles)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from doingoai.core import permissions
from doingoai.core.viewsets import ReadOnlyPolicy

from .models import Article, Source


class SourceViewSet(ModelViewSet):
    model = Source
    icon = "site"
    menu_label = _("Nguồn tin")
    url_prefix = "bao-chi/nguon-tin"
    name = "monitoring_sources"
    list_display = ["name", "kind", "country", "language", "active", "polling", "last_success_at", "error_streak"]
    list_filter = ["kind", "country", "language", "active", "polling"]
    search_fields = ["name", "homepage"]
    form_fields = ["name", "kind", "country", "language", "homepage", "feed_urls", "sitemap_urls", "listing_urls",
                   "poll_minutes", "official", "active", "polling"]
    copy_view_enabled = False
    inspect_view_enabled = True


class ArticleViewSet(ModelViewSet):
    model = Article
    icon = "doc-full"
    menu_label = _("Bài báo")
    url_prefix = "bao-chi/bai-bao"
    name = "monitoring_articles"
    list_display = ["title", "source", "published_at", "language", "relevant", "sentiment"]
    list_filter = ["language", "relevant", "sentiment", "source__kind"]
    # Labels are corrected through LabelCorrection (they join the training data), not edited here.
    permission_policy = ReadOnlyPolicy(Article, lambda user: permissions.is_leader(user) or bool(
        permissions.unit_ids(user, permissions.EDITING_ROLES)))
    form_fields = ["title"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["title", "url", "source", "published_at", "fetched_at", "language", "relevant", "relevance",
                           "themes", "sentiment", "story", "text"]


class MonitoringGroup(ModelViewSetGroup):
    menu_label = _("Theo dõi báo chí")
    menu_icon = "search"
    menu_order = 150
    items = (ArticleViewSet, SourceViewSet)
