"""The page of an article (with its story and the correction of its labels), the page of a
story, and the screen of the analysis models. Thin: the work is in ``labels``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import actions, labels, sanitise, stats
from ..models import Article, Story
from . import monitoring_only

STORY_ARTICLES_SHOWN = 50


def safe_html(html: str) -> str:
    """The stored article HTML, cleaned AGAIN at display time by the extractor's own policy
    (it was cleaned when stored: belt and braces). The only press content marked safe."""
    return mark_safe(sanitise.clean(html)) if html else ""  # noqa: S308  (nh3 output)


class CorrectionForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Ngôn ngữ"), choices=lambda: list(labels.LANGUAGES.items()))
    relevant = forms.BooleanField(label=gettext_lazy("Liên quan đến thành phố"), required=False)
    themes = forms.MultipleChoiceField(
        label=gettext_lazy("Chủ đề"), required=False, choices=lambda: list(labels.theme_names().items()),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("Giữ phím Ctrl (Cmd) để chọn nhiều chủ đề. Bài không liên quan thì không có chủ đề."))
    sentiment = forms.ChoiceField(label=gettext_lazy("Sắc thái"), choices=Article.Sentiment.choices)

    def __init__(self, *args, current_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if current_language and current_language not in labels.LANGUAGES:  # a code from a page's lang
            self.fields["language"].choices = [*self.fields["language"].choices, (current_language, current_language)]

    def clean(self):
        data = super().clean()
        if "relevant" in data and not data["relevant"]:
            # "not about the city" clears the other two labels (the analysis contract)
            data["themes"], data["sentiment"] = [], Article.Sentiment.NA.value
        return data


def _article_or_404(pk):
    return get_object_or_404(Article.objects.select_related("source", "story", "story__first_article__source"), pk=pk)


def _story_articles(story: Story, exclude: int | None = None, limit: int = STORY_ARTICLES_SHOWN):
    qs = story.articles.select_related("source").order_by(F("published_at").asc(nulls_last=True), "fetched_at", "id")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs[:limit]


@monitoring_only
def article_page(request, pk):
    article = _article_or_404(pk)
    initial = {"language": article.language, "relevant": article.relevant, "themes": article.themes,
               "sentiment": article.sentiment}
    form = CorrectionForm(request.POST or None, initial=initial, current_language=article.language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = labels.correct(article, request.user, language=data["language"], relevant=data["relevant"],
                                  themes=data["themes"], sentiment=data["sentiment"])
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            if done:
                messages.success(request, _("Đã lưu %(n)s hiệu chỉnh nhãn; chúng sẽ được dùng khi huấn luyện lại mô hình.")
                                 % {"n": len(done)})
            else:
                messages.info(request, _("Nhãn không thay đổi."))
            return redirect("monitoring_article", pk=article.pk)
    story = article.story
    return TemplateResponse(request, "monitoring/articles/article.html", {
        "page_title": _("Bài báo"), "article": article, "story": story,
        "story_articles": _story_articles(story, exclude=article.pk) if story else [],
        "actions": actions.for_object(request, article),
        "html": safe_html(article.html), "form": form, "history": labels.history(article),
        "language_name": labels.language_name(article.language),
        "source_country": stats.country_name(article.source.country) if article.source else "",
        "theme_names": [labels.theme_names().get(c, c) for c in (article.themes or [])],
    })


@monitoring_only
def story_page(request, pk):
    story = get_object_or_404(Story.objects.select_related("first_article__source"), pk=pk)
    return TemplateResponse(request, "monitoring/articles/story.html", {
        "page_title": _("Câu chuyện"), "story": story, "articles": _story_articles(story, limit=500),
        "actions": actions.for_object(request, story),
    })


def _flat(metrics: dict, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for key, value in sorted(metrics.items()):
        if isinstance(value, dict):
            out += _flat(value, f"{prefix}{key}.")
        elif not isinstance(value, list):
            out.append((f"{prefix}{key}", value))
    return out


def models_page(request):
    user = request.user
    if not labels.can_view_models(user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            labels.request_retrain(user)
        except labels.RetrainRefused as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(request, _("Đã gửi yêu cầu huấn luyện lại; mô hình mới sẽ có sau vài phút."))
        return redirect("monitoring_models")
    versions = [{"version": v, "metrics": _flat(v.metrics or {})} for v in labels.model_versions()]
    return TemplateResponse(request, "monitoring/articles/models.html", {
        "page_title": _("Mô hình phân tích"), "versions": versions, "pending": labels.pending_corrections(),
        "can_retrain": labels.can_retrain(user), "running": labels.retrain_pending(),
    })
