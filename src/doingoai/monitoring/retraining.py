"""Retraining the analysis models with editors' corrections, recorded as model versions."""

from __future__ import annotations

from django.utils import timezone

from .models import Article, LabelCorrection, ModelVersion


def correction_examples() -> list[dict]:
    """Every corrected article as a training example carrying only the corrected labels
    (the latest correction of each field wins)."""
    examples: dict[int, dict] = {}
    for correction in LabelCorrection.objects.select_related("article").order_by("created_at", "id"):
        article: Article = correction.article
        example = examples.setdefault(article.pk, {
            "title": article.title, "text": article.text,
            "published": timezone.localdate(article.counted_at).isoformat(),
        })
        example[correction.field] = correction.value
    return list(examples.values())


def retrain() -> dict:
    from .analysis import training  # scikit-learn: loaded by the job that retrains

    result = training.retrain(correction_examples())
    ModelVersion.objects.filter(name="analysis").update(active=False)
    ModelVersion.objects.update_or_create(
        name="analysis", version=result["version"],
        defaults={"samples": result["samples"], "metrics": result["metrics"], "active": True},
    )
    return result
