"""Receivers of other apps' signals: new monitored articles go to claim matching.

``monitoring.signals.articles_stored`` is sent once per ingest batch, after the batch is
committed; the receiver only enqueues one ``match_claims`` job (nothing is fetched or compared
here: the ingest must not wait), and not even that when there is no case at all."""

from __future__ import annotations

from django.dispatch import receiver

from doingoai.monitoring.signals import articles_stored


@receiver(articles_stored, dispatch_uid="doingoai-cases-match-claims")
def match_new_articles(sender, article_ids=(), **kwargs):
    from .models import Case

    if not article_ids or not Case.objects.exists():
        return
    from . import tasks

    tasks.match_claims.enqueue(sorted(article_ids))
