"""Editors' corrections of the analysis labels of an article, and the retraining they feed.

    from doingoai.monitoring import labels

    labels.correct(article, user, sentiment="negative", themes=["du-lich"])

``correct`` stores one ``LabelCorrection`` per field that really changes (its previous and its
new value), updates the article, brings its entry in the search index up to date and writes
the change to the audit log. The labels obey the analysis contract: an article that is not
about the city has no theme and the sentiment "na"; one that is has at least one theme and a
sentiment. Corrections join the training data of the next retrain (``retraining``), which
records a ``ModelVersion``; ``request_retrain`` enqueues that job once, however many times the
button is pressed.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doingoai.core import audit, permissions, seed
from doingoai.core.models import AuditEntry, JobRecord

from . import search
from .access import can_use
from .models import Article, LabelCorrection, ModelVersion

FIELDS = ("language", "relevant", "themes", "sentiment")

# The codes ``analysis.language.detect`` gives (its scripts, and the Latin-script languages
# lingua chooses among), with their names.
LANGUAGES: dict[str, str] = {
    "vi": gettext_lazy("Tiếng Việt"), "en": gettext_lazy("Tiếng Anh"), "zh": gettext_lazy("Tiếng Trung"),
    "ko": gettext_lazy("Tiếng Hàn"), "ja": gettext_lazy("Tiếng Nhật"), "ru": gettext_lazy("Tiếng Nga"),
    "th": gettext_lazy("Tiếng Thái"), "fr": gettext_lazy("Tiếng Pháp"), "de": gettext_lazy("Tiếng Đức"),
    "es": gettext_lazy("Tiếng Tây Ban Nha"), "id": gettext_lazy("Tiếng Indonesia"), "it": gettext_lazy("Tiếng Ý"),
    "pt": gettext_lazy("Tiếng Bồ Đào Nha"), "nl": gettext_lazy("Tiếng Hà Lan"), "other": gettext_lazy("Khác"),
}

RETRAIN_LOCK = "doingoai-monitoring-retrain-lock"
STALE_AFTER = datetime.timedelta(hours=6)


theme_names = seed.theme_names  # the one lookup of theme names (``core.seed``)


def theme_codes() -> tuple[str, ...]:
    return tuple(theme_names())


def language_name(code: str) -> str:
    return str(LANGUAGES.get(code, code or "—"))


def display(field: str, value) -> str:
    """A label value as an editor reads it ("Tiêu cực", "Du lịch, Môi trường", "Có" …)."""
    if value is None:
        return "—"
    if field == "language":
        return language_name(value)
    if field == "relevant":
        return _("Có") if value else _("Không")
    if field == "themes":
        names = theme_names()
        return ", ".join(names.get(code, code) for code in value) or "—"
    if field == "sentiment":
        try:
            return str(Article.Sentiment(value).label)
        except ValueError:
            return str(value)
    return str(value)


def _ordered_themes(codes) -> list[str]:
    order = {code: i for i, code in enumerate(theme_codes())}
    return sorted(set(codes), key=lambda c: order.get(c, len(order)))


def _labels(article: Article) -> dict:
    themes = article.themes if isinstance(article.themes, list) else []
    return {"language": article.language, "relevant": bool(article.relevant), "themes": _ordered_themes(themes),
            "sentiment": article.sentiment}


def _validated(current: dict, *, language, relevant, themes, sentiment) -> dict:
    """The labels after the correction, or ``ValidationError`` keyed by field."""
    new = dict(current)
    errors: dict[str, list[str]] = {}
    if language is not None:
        code = str(language).strip().lower()
        if code != current["language"] and code not in LANGUAGES:
            errors.setdefault("language", []).append(_("Ngôn ngữ «%(code)s» không có trong danh sách.") % {"code": code})
        new["language"] = code
    if relevant is not None:
        new["relevant"] = bool(relevant)
    if themes is not None:
        unknown = [str(t) for t in themes if t not in theme_codes()]
        if unknown:
            errors.setdefault("themes", []).append(
                _("Chủ đề không có trong danh mục: %(codes)s.") % {"codes": ", ".join(unknown)})
        new["themes"] = _ordered_themes(t for t in themes if t in theme_codes())
    if sentiment is not None:
        if sentiment not in Article.Sentiment.values:
            errors.setdefault("sentiment", []).append(_("Sắc thái không hợp lệ."))
        new["sentiment"] = sentiment
    if not new["relevant"]:
        # The analysis contract: an article not about the city has no theme and no sentiment.
        if themes:
            errors.setdefault("themes", []).append(_("Bài không liên quan đến thành phố thì không gắn chủ đề."))
        if sentiment not in (None, Article.Sentiment.NA):
            errors.setdefault("sentiment", []).append(
                _("Bài không liên quan đến thành phố có sắc thái «Không áp dụng»."))
        new["themes"], new["sentiment"] = [], Article.Sentiment.NA.value
    else:
        if not new["themes"] and "themes" not in errors:
            errors.setdefault("themes", []).append(_("Bài liên quan đến thành phố cần ít nhất một chủ đề."))
        if new["sentiment"] == Article.Sentiment.NA and "sentiment" not in errors:
            errors.setdefault("sentiment", []).append(
                _("Bài liên quan đến thành phố cần sắc thái tích cực, trung lập hoặc tiêu cực."))
    if errors:
        raise ValidationError(errors)
    return new


@transaction.atomic
def correct(article: Article, user, *, language: str | None = None, relevant: bool | None = None,
            themes: list[str] | None = None, sentiment: str | None = None) -> list[LabelCorrection]:
    """Correct the labels of ``article`` (``None``: leave that label as it is). Returns the
    corrections stored: one per field whose value changed, none when nothing changed."""
    if not can_use(user):
        raise PermissionDenied(_("Chỉ người theo dõi báo chí được hiệu chỉnh nhãn bài báo."))
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = _labels(article)
    after = _validated(before, language=language, relevant=relevant, themes=themes, sentiment=sentiment)
    changed = [f for f in FIELDS if before[f] != after[f]]
    if not changed:
        return []
    corrections = [
        LabelCorrection.objects.create(article=article, field=f, value=after[f], previous=before[f], user=user)
        for f in changed
    ]
    Article.objects.filter(pk=article.pk).update(**{f: after[f] for f in changed})
    search.index_article_ids([article.pk])
    audit.record(AuditEntry.Action.UPDATE, article, user=user,
                 changes={**{f: [before[f], after[f]] for f in changed}, "ghi_chu": "Hiệu chỉnh nhãn phân tích"})
    return corrections


def history(article: Article) -> list[dict]:
    """The corrections of ``article``, newest first, as an editor reads them."""
    rows = []
    for c in article.corrections.select_related("user").order_by("-created_at", "-id"):
        user = c.user
        rows.append({
            "correction": c, "field": c.get_field_display(), "at": c.created_at,
            "who": (user.get_full_name() or user.get_username()) if user else "—",
            "previous": display(c.field, c.previous), "value": display(c.field, c.value),
        })
    return rows


# --- the analysis models and their retraining ----------------------------------------------------

def can_view_models(user) -> bool:
    return can_use(user) or permissions.is_system_admin(user)


def can_retrain(user) -> bool:
    return permissions.is_leader(user) or permissions.is_system_admin(user)


def model_versions(limit: int = 50):
    return ModelVersion.objects.order_by("-trained_at", "-id")[:limit]


def pending_corrections() -> int:
    """Corrections made since the active model was trained (all of them before any retrain)."""
    latest = ModelVersion.objects.filter(name="analysis").order_by("-trained_at").first()
    corrections = LabelCorrection.objects.all()
    if latest is not None:
        corrections = corrections.filter(created_at__gt=latest.trained_at)
    return corrections.count()


def _retrain_task():
    from . import tasks  # lazily: the jobs module imports the domain modules

    return tasks.retrain_models


def retrain_pending() -> JobRecord | None:
    """The retrain job waiting or running, if there is one (a record left waiting for more
    than ``STALE_AFTER`` — a worker lost, a queue emptied — no longer blocks a new request)."""
    return JobRecord.objects.filter(
        task_path=_retrain_task().module_path, status__in=[JobRecord.Status.READY, JobRecord.Status.RUNNING],
        enqueued_at__gte=timezone.now() - STALE_AFTER,
    ).order_by("-enqueued_at").first()


class RetrainRefused(Exception):
    pass


def request_retrain(user) -> None:
    """Enqueue the retraining job, unless one is already waiting or running (a second click,
    or two people at once: the short lock makes the check and the enqueue one step)."""
    if not can_retrain(user):
        raise PermissionDenied(_("Chỉ lãnh đạo Sở và quản trị hệ thống được yêu cầu huấn luyện lại mô hình."))
    if not cache.add(RETRAIN_LOCK, 1, timeout=30):
        raise RetrainRefused(_("Yêu cầu huấn luyện lại đang được gửi, xin chờ trong giây lát."))
    try:
        if retrain_pending() is not None:
            raise RetrainRefused(_("Mô hình đang chờ hoặc đang được huấn luyện lại; không gửi thêm yêu cầu."))
        _retrain_task().enqueue()
        audit.record(AuditEntry.Action.OTHER, object_type="monitoring.modelversion",
                     object_repr="Yêu cầu huấn luyện lại mô hình phân tích", user=user,
                     changes={"hiệu chỉnh chưa dùng": pending_corrections()})
    finally:
        cache.delete(RETRAIN_LOCK)
