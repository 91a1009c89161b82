"""The stages after the fetch, chained: canonical URL and content hash → analysis → story →
store → index.

Items go in batches of ``BATCH``. The work that needs no database lock (canonical URL, hash,
analysis, story signature) is done first; then the batch's articles are stored, given their
stories and indexed in one transaction, under a unique key per article. A worker killed in
the middle of a batch leaves nothing of that batch (and everything of the batches before
it): run again, it stores what is missing and nothing twice. One commit and one index write
per batch, where an article at a time paid for both on every article."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from doingoai.core.batching import chunks

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


#: Articles stored, given their stories and indexed in one transaction.
BATCH = 25


@dataclass
class _Ready:
    """An item with everything computed that needs no database lock."""

    item: Incoming
    url: str
    url_key: str
    content_hash: str
    published: datetime.datetime | None
    result: object
    signature: object


def ingest(items: Iterable[Incoming], *, times: StageTimes | None = None, alerts: bool = True) -> list[Outcome]:
    """Store each item through the pipeline. Re-ingesting the same article changes nothing.

    The new articles then go to the alerts, in one job; a caller that ingests one article at a
    time (polling) passes ``alerts=False`` and calls ``enqueue_alerts`` once at the end."""
    from . import stories

    times = times or StageTimes()
    index = stories.sql_index()
    outcomes: list[Outcome] = []
    for batch in chunks(items, BATCH):
        outcomes += _store_batch(_prepare(batch, times), index, times)
    if alerts:
        enqueue_alerts([o.article.pk for o in outcomes if o.created])
    return outcomes


def _prepare(batch: list[Incoming], times: StageTimes) -> list[_Ready | None]:
    """canonical → hash → analysis → signature, outside any transaction; ``None`` for an item
    already stored (one query for the batch)."""
    from ..analysis import analyze_text
    from . import stories

    started = time.perf_counter()
    urls = [canonical.stored_url(item.url) for item in batch]
    keys = [canonical.url_key(item.url) for item in batch]
    known = set(Article.objects.filter(url_key__in=keys).values_list("url_key", flat=True))
    started = times.add("canonical", started)
    ready: list[_Ready | None] = []
    for item, url, key in zip(batch, urls, keys, strict=True):
        if key in known:
            ready.append(None)
            continue
        known.add(key)  # the same address twice in a batch is stored once
        content_hash = canonical.content_hash(item.title, item.text)
        started = times.add("canonical", started)
        published = _aware(item.published)
        result = analyze_text(item.title, item.text, published, page_lang=item.page_lang)
        started = times.add("analysis", started)
        signature = stories.signature(item.title, item.text, result.lang)
        started = times.add("story-signature", started)
        ready.append(_Ready(item, url, key, content_hash, published, result, signature))
    return ready


def _store_batch(ready: list[_Ready | None], index, times: StageTimes) -> list[Outcome]:
    """store → story → index, the batch in one transaction (each article in a savepoint: one
    stored at the same moment by another worker is skipped, the rest kept)."""
    from .. import search
    from . import stories

    outcomes: list[Outcome] = []
    stored: list[Article] = []
    started = time.perf_counter()
    with transaction.atomic():
        for r in ready:
            if r is None:
                outcomes.append(Outcome(None, False, "đã có"))
                continue
            item, result = r.item, r.result
            try:
                with transaction.atomic():
                    article = Article.objects.create(
                        source=item.source, url=r.url, url_key=r.url_key,
                        external_id=item.external_id[:200], title=item.title, text=item.text, html=item.html,
                        author=item.author[:300], published_at=r.published, content_hash=r.content_hash,
                        language=result.lang, relevant=result.relevant, relevance=result.relevance,
                        themes=result.themes, sentiment=result.sentiment,
                        minhash=stories.to_bytes(r.signature), analysis_versions={"analysis": result.version},
                    )
                    story_key = index.assign(article.pk, r.signature, result.lang, r.published)
                    _attach_story(article, story_key)
            except IntegrityError:  # stored at the same moment by another worker
                outcomes.append(Outcome(None, False, "đã có"))
                continue
            stored.append(article)
            outcomes.append(Outcome(article, True))
        started = times.add("store+story", started)
        if stored:
            search.index_articles(stored)
        started = times.add("index", started)
    times.count += len(stored)
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
        # Outlets, not articles: a second copy from the same outlet does not count again.
        new_outlet = article.source_id is not None and not Article.objects.filter(
            story_id=story_id, source_id=article.source_id).exists()
        Article.objects.filter(pk=article.pk).update(story=story)
        story.article_count += 1
        story.outlet_count += new_outlet
        story.last_seen_at = max(story.last_seen_at, seen)
        if seen < story.first_seen_at:
            story.first_seen_at, story.first_article = seen, article
        story.save(update_fields=["article_count", "last_seen_at", "first_seen_at", "first_article", "outlet_count"])
    article.story = story
