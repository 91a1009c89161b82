"""Staff screens of the monitoring app (first: the sources and the stored articles)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from doingoai.core.viewsets import ReadOnlyPolicy

from .access import can_use
from .models import Article, Source


class SourceViewSet(ModelViewSet):
    model = Source
    icon = "site"
    menu_label = _("Nguồn tin")
    url_prefix = "bao-chi/nguon-tin"
    add_to_admin_menu = False
    name = "monitoring_sources"
    list_display = ["name", "kind", "country", "language", "active", "polling", "last_success_at", "error_streak"]
    list_filter = ["kind", "country", "language", "active", "polling"]
    search_fields = ["name", "homepage"]
    form_fields = ["name", "kind", "country", "language", "homepage", "feed_urls", "sitemap_urls", "listing_urls",
                   "poll_minutes", "official", "active", "polling"]
    copy_view_enabled = False
    inspect_view_enabled = True


class ArticleIndexView(IndexView):
    """The list of articles, whose titles lead to the article's own page (story, corrections)."""

    def get_inspect_url(self, instance):
        if super().get_inspect_url(instance):
            return reverse("monitoring_article", args=[instance.pk])
        return None


class ArticleViewSet(ModelViewSet):
    model = Article
    icon = "doc-full"
    menu_label = _("Bài báo")
    url_prefix = "bao-chi/bai-bao"
    add_to_admin_menu = False
    name = "monitoring_articles"
    index_view_class = ArticleIndexView
    list_display = ["title", "source", "published_at", "language", "relevant", "sentiment"]
    list_filter = ["language", "relevant", "sentiment", "source__kind"]
    # Labels are corrected through LabelCorrection (they join the training data), not edited here.
    permission_policy = ReadOnlyPolicy(Article, can_use)
    form_fields = ["title"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["title", "url", "source", "published_at", "fetched_at", "language", "relevant", "relevance",
                           "themes", "sentiment", "story", "text"]
