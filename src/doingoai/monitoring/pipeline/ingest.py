"""The stages after the fetch, chained: canonical URL and content hash → analysis → story →
store → index. Each article is stored in its own transaction under a unique key, so a
worker killed in the middle of a batch loses nothing that was stored and, run again, stores
nothing twice."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Article, Source, Story
from . import canonical


@dataclass
class Incoming:
    """An article as it arrives from a feed, a saved page or a JSON line."""

    url: str
    title: str
    text: str
    published: datetime.datetime | None = None
    external_id: str = ""
    html: str = ""
    author: str = ""
    page_lang: str | None = None
    source: Source | None = None


@dataclass
class Outcome:
    article: Article | None
    created: bool
    reason: str = ""


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    count: int = 0

    def add(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] += now - started
        return now


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, datetime.UTC)


def ingest(items: Iterable[Incoming], *, times: StageTimes | None = None, alerts: bool = True) -> list[Outcome]:
    """Store each item through the pipeline. Re-ingesting the same article changes nothing.

    The new articles then go to the alerts, in one job; a caller that ingests one article at a
    time (polling) passes ``alerts=False`` and calls ``enqueue_alerts`` once at the end."""
    from .. import search
    from ..analysis import analyze_text
    from . import stories

    times = times or StageTimes()
    index = stories.sql_index()
    outcomes = []
    for item in items:
        started = time.perf_counter()
        url = canonical.canonical_url(item.url)
        url_key = canonical.key_of(url)
        if Article.objects.filter(url_key=url_key).exists():
            outcomes.append(Outcome(None, False, "đã có"))
            continue
        content_hash = canonical.content_hash(item.title, item.text)
        started = times.add("canonical", started)
        published = _aware(item.published)
        result = analyze_text(item.title, item.text, published, page_lang=item.page_lang)
        started = times.add("analysis", started)
        signature = stories.signature(item.title, item.text, result.lang)
        started = times.add("story-signature", started)
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    source=item.source, url=url, url_key=url_key,
                    external_id=item.external_id[:200], title=item.title, text=item.text, html=item.html,
                    author=item.author[:300], published_at=published, content_hash=content_hash,
                    language=result.lang, relevant=result.relevant, relevance=result.relevance,
                    themes=result.themes, sentiment=result.sentiment, minhash=stories.to_bytes(signature),
                    analysis_versions={"analysis": result.version},
                )
                story_key = index.assign(article.pk, signature, result.lang, published)
                _attach_story(article, story_key)
                started = times.add("store+story", started)
                search.index_articles([article])
                started = times.add("index", started)
        except IntegrityError:  # stored at the same moment by another worker
            outcomes.append(Outcome(None, False, "đã có"))
            continue
        times.count += 1
        outcomes.append(Outcome(article, True))
    if alerts:
        enqueue_alerts([o.article.pk for o in outcomes if o.created])
    return outcomes


def enqueue_alerts(article_ids: list[int]) -> None:
    """→ alerts: one job for these new articles, once they are committed; then other apps
    are told (``signals.articles_stored``)."""
    if article_ids:
        from .. import tasks
        from ..signals import articles_stored

        def after_commit():
            tasks.evaluate_alerts.enqueue(article_ids)
            articles_stored.send(sender=Article, article_ids=article_ids)

        transaction.on_commit(after_commit, robust=True)


def _attach_story(article: Article, story_key: int) -> None:
    seen = article.counted_at or timezone.now()
    if story_key == article.pk:
        story = Story.objects.create(title=article.title, language=article.language, first_article=article,
                                     first_seen_at=seen, last_seen_at=seen, article_count=1,
                                     outlet_count=1 if article.source_id else 0)
        Article.objects.filter(pk=article.pk).update(story=story)
    else:
        story_id = Article.objects.filter(pk=story_key).values_list("story_id", flat=True).get()
        story = Story.objects.select_for_update().get(pk=story_id)
        Article.objects.filter(pk=article.pk).update(story=story)
        story.article_count += 1
        story.last_seen_at = max(story.last_seen_at, seen)
        if seen < story.first_seen_at:
            story.first_seen_at, story.first_article = seen, article
        # Outlets, not articles: two copies from one outlet count once.
        story.outlet_count = Article.objects.filter(story=story).exclude(source=None).values("source").distinct().count()
        story.save(update_fields=["article_count", "last_seen_at", "first_seen_at", "first_article", "outlet_count"])
    article.story = story
