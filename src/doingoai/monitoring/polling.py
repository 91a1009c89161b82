"""Polling the sources: feed, news sitemap or listing page → new addresses → page →
extraction → the pipeline (``ingest``), with the outcome kept on the source's health.

* ``enqueue_due`` (every few minutes): each active source with polling on whose turn has
  come is claimed with a compare-and-set of ``next_poll_at`` — two schedulers running at
  once enqueue it once — then ``tasks.poll_source`` is enqueued.
* ``request_poll`` ("Lấy tin ngay"): the same claim, against the ``next_poll_at`` the
  person saw, so a double submit enqueues once.
* ``poll_source``: one poll. Every address goes through the safe fetcher
  (``pipeline.fetch``: SSRF refusal, caps, gzip bombs, charsets); feeds and sitemaps are read
  with conditional GET (ETag/Last-Modified kept in ``Source.http_cache``). Whatever goes
  wrong with one address — broken or hostile XML, a refused redirect, a page too large, no
  article in it — becomes a failed ``SourceCheck`` with a Vietnamese message and the poll
  goes on; one ``SourceCheck`` sums the poll up. Bad input never raises out of the job.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import saved_pages
from .models import Article, Source, SourceCheck
from .pipeline import canonical, feeds
from .pipeline import extract as extraction
from .pipeline import fetch as fetching
from .pipeline.ingest import enqueue_alerts, ingest

logger = logging.getLogger("doingoai.monitoring.polling")

#: New articles fetched in one poll at most; the others wait for the next poll.
MAX_ARTICLES_PER_POLL = 50
#: Child sitemaps read from one sitemap index.
MAX_CHILD_SITEMAPS = 5
#: A poll stops fetching new pages after this many seconds (the rest waits for the next poll).
POLL_BUDGET_SECONDS = 300.0
MAX_MESSAGE = 2000
MAX_URL = 2000

# Fetch errors worth trying again at the next poll: the feed's validators are then not kept,
# so that the articles it lists are offered again.
_TRANSIENT = frozenset({"timeout", "connection", "dns"})

_KIND_WORDS = {
    "feed": gettext_lazy("nguồn RSS/Atom"),
    "sitemap": gettext_lazy("sơ đồ tin (sitemap)"),
    "listing": gettext_lazy("trang danh sách tin"),
}


# --- Scheduling -------------------------------------------------------------------------------


def _claim(source_id: int, seen_next_poll_at: datetime.datetime | None, now: datetime.datetime,
           minutes: int) -> bool:
    """Move the source's next poll on, if nobody did since ``seen_next_poll_at`` was read."""
    match = Q(next_poll_at__isnull=True) if seen_next_poll_at is None else Q(next_poll_at=seen_next_poll_at)
    following = now + datetime.timedelta(minutes=max(1, minutes or 1))
    return bool(Source.objects.filter(match, pk=source_id).update(next_poll_at=following))


def enqueue_due(now: datetime.datetime | None = None) -> int:
    """Enqueue a poll of every active source with polling on whose time has come; each one
    once, however many schedulers run. Returns how many were enqueued."""
    from . import tasks

    now = now or timezone.now()
    due = (Source.objects.filter(active=True, polling=True)
           .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
           .values_list("pk", "next_poll_at", "poll_minutes"))
    enqueued = 0
    for pk, seen, minutes in list(due):
        if _claim(pk, seen, now, minutes):
            tasks.poll_source.enqueue(pk)
            enqueued += 1
    return enqueued


def poll_token(source: Source) -> str:
    """What the "Lấy tin ngay" form sends back: the ``next_poll_at`` the person saw."""
    return source.next_poll_at.isoformat() if source.next_poll_at else ""


def request_poll(source: Source, token: str, now: datetime.datetime | None = None) -> bool:
    """"Lấy tin ngay": enqueue a poll of ``source`` now. False when this request (or the
    scheduler) already did since the person loaded the page — a double submit enqueues once."""
    from . import tasks

    if not source.active:
        return False
    try:
        seen = datetime.datetime.fromisoformat(token) if token else None
    except ValueError:
        return False
    if not _claim(source.pk, seen, now or timezone.now(), source.poll_minutes):
        return False
    tasks.poll_source.enqueue(source.pk)
    return True


# --- One poll ---------------------------------------------------------------------------------


@dataclass
class Candidate:
    url: str
    key: str
    entry: feeds.FeedEntry
    document: str  # the feed, sitemap or listing page that named it


@dataclass
class Problem:
    url: str
    message: str
    status: int | None = None


@dataclass
class PollReport:
    source_id: int
    ok: bool = True
    documents: int = 0
    documents_read: int = 0
    not_modified: int = 0
    discovered: int = 0
    known: int = 0
    stored: int = 0
    deferred: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    status: int | None = None

    def as_dict(self) -> dict:
        return {"source": self.source_id, "ok": self.ok, "stored": self.stored, "problems": len(self.problems),
                "seconds": round(self.seconds, 2)}


def default_policy() -> fetching.FetchPolicy:
    return fetching.FetchPolicy()


def _clip(text: str, limit: int = MAX_MESSAGE) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Poll:
    def __init__(self, source: Source, policy: fetching.FetchPolicy, client: fetching.SafeClient):
        self.source = source
        self.policy = policy
        self.client = client
        self.report = PollReport(source_id=source.pk)
        self.cache: dict = dict(source.http_cache or {})
        self.pending_validators: dict[str, dict] = {}
        self.candidates: dict[str, Candidate] = {}
        self.stored_ids: list[int] = []
        self.unfinished_documents: set[str] = set()
        self.asked: set[str] = set()  # the documents read this time (validators of others are dropped)
        self.started = time.monotonic()

    # -- discovery ---------------------------------------------------------------------------
    def fetch_document(self, url: str, kind: str, *, conditional: bool) -> fetching.FetchResult | None:
        """A feed, sitemap or listing page; ``None`` when it failed or did not change."""
        report = self.report
        report.documents += 1
        self.asked.add(url)
        validators = self.cache.get(url) if conditional else None
        validators = validators if isinstance(validators, dict) else {}
        result = fetching.fetch(url, policy=self.policy, client=self.client,
                                etag=validators.get("etag"), last_modified=validators.get("last_modified"))
        if result.status is not None:
            report.status = result.status
        if result.error:
            report.ok = False
            report.problems.append(Problem(url, _("Không tải được %(what)s: %(error)s") % {
                "what": _KIND_WORDS[kind], "error": result.error}, result.status))
            return None
        if conditional and (result.etag or result.last_modified):
            self.pending_validators[url] = {k: v for k, v in (("etag", result.etag),
                                                              ("last_modified", result.last_modified)) if v}
        if result.not_modified:
            report.documents_read += 1
            report.not_modified += 1
            return None
        return result

    def document_failed(self, url: str, kind: str, message: str, status: int | None) -> None:
        self.report.ok = False
        self.pending_validators.pop(url, None)
        self.report.problems.append(Problem(url, _("Không đọc được %(what)s: %(error)s") % {
            "what": _KIND_WORDS[kind], "error": message}, status))

    def add_entries(self, entries: list[feeds.FeedEntry], document: str) -> None:
        for entry in entries:
            url = (entry.url or "").strip()
            if not url or len(url) > MAX_URL:
                continue
            key = canonical.url_key(url)
            if key not in self.candidates:
                self.candidates[key] = Candidate(url=url, key=key, entry=entry, document=document)
                self.report.discovered += 1

    def read_feed(self, url: str) -> None:
        result = self.fetch_document(url, "feed", conditional=True)
        if result is None:
            return
        parsed = feeds.parse_feed(result.content, result.final_url)
        if parsed.error:
            self.document_failed(url, "feed", parsed.error, result.status)
            return
        self.report.documents_read += 1
        if parsed.warning:
            self.report.notes.append(f"{url}: {parsed.warning}")
        self.add_entries(parsed.entries, url)

    def read_sitemap(self, url: str, depth: int = 0) -> None:
        result = self.fetch_document(url, "sitemap", conditional=True)
        if result is None:
            return
        parsed = feeds.parse_sitemap(result.content, result.final_url)
        if parsed.error:
            self.document_failed(url, "sitemap", parsed.error, result.status)
            return
        self.report.documents_read += 1
        if parsed.warning:
            self.report.notes.append(f"{url}: {parsed.warning}")
        if parsed.sitemaps:
            if depth > 0:
                self.report.notes.append(_("%(url)s: bỏ qua sơ đồ trang lồng nhiều cấp.") % {"url": url})
                return
            for child in parsed.sitemaps[:MAX_CHILD_SITEMAPS]:
                self.read_sitemap(child, depth + 1)
            return
        # A news sitemap lists the newest first only by convention: newest first here.
        entries = sorted(parsed.entries, key=lambda e: e.published or e.updated or _EPOCH, reverse=True)
        self.add_entries(entries, url)

    def read_listing(self, url: str) -> None:
        result = self.fetch_document(url, "listing", conditional=False)
        if result is None:
            return
        if result.text is None:
            self.document_failed(url, "listing", _("nội dung không phải trang HTML."), result.status)
            return
        links = feeds.links_from_listing(result.text, result.final_url)
        self.report.documents_read += 1
        if not links:
            self.report.notes.append(_("%(url)s: không thấy liên kết bài nào trên trang danh sách.") % {"url": url})
        self.add_entries([feeds.FeedEntry(url=link, guid=link) for link in links], url)

    def guarded(self, method, url: str, kind: str) -> None:
        try:
            method(url)
        except Exception as exc:  # hostile input must never stop the poll (nor the worker)
            logger.exception("Lỗi khi đọc %s của nguồn %s", url, self.source.pk)
            self.document_failed(url, kind, _("lỗi không lường trước (%(error)s).") % {"error": type(exc).__name__}, None)

    # -- articles ----------------------------------------------------------------------------
    def new_candidates(self) -> list[Candidate]:
        keys = list(self.candidates)
        known: set[str] = set()
        for start in range(0, len(keys), 500):
            known.update(Article.objects.filter(url_key__in=keys[start:start + 500]).values_list("url_key", flat=True))
        self.report.known = len(known)
        fresh = [c for key, c in self.candidates.items() if key not in known]
        if len(fresh) > MAX_ARTICLES_PER_POLL:
            for late in fresh[MAX_ARTICLES_PER_POLL:]:
                self.unfinished_documents.add(late.document)
            self.report.deferred = len(fresh) - MAX_ARTICLES_PER_POLL
            fresh = fresh[:MAX_ARTICLES_PER_POLL]
        return fresh

    def take(self, candidate: Candidate) -> None:
        result = fetching.fetch(candidate.url, policy=self.policy, client=self.client)
        if result.error:
            if result.error_kind in _TRANSIENT or (result.status or 0) >= 500 or result.status == 429:
                self.unfinished_documents.add(candidate.document)
            self.article_failed(candidate, _("Không tải được bài: %(error)s") % {"error": result.error}, result.status)
            return
        if result.text is None:
            self.article_failed(candidate, _("Không lấy được bài: nội dung không phải trang HTML (%(kind)s).") % {
                "kind": result.content_type or _("không rõ kiểu")}, result.status)
            return
        extracted = extraction.extract(result.text, url=result.final_url)
        incoming = saved_pages.incoming_from_page(
            extracted, candidate.url, published=candidate.entry.published, title=candidate.entry.title,
            source=self.source,
        )
        if incoming is None:
            self.article_failed(candidate, _("Không trích xuất được nội dung bài từ trang (trang quá lớn, "
                                             "không đọc được hoặc không có phần nội dung chính)."), result.status)
            return
        outcome = ingest([incoming], alerts=False)[0]  # one alerts job for the whole poll
        if outcome.created:
            self.report.stored += 1
            self.stored_ids.append(outcome.article.pk)

    def article_failed(self, candidate: Candidate, message: str, status: int | None) -> None:
        self.report.problems.append(Problem(candidate.url, message, status))

    def take_all(self) -> None:
        fresh = self.new_candidates()
        for index, candidate in enumerate(fresh):
            if time.monotonic() - self.started > POLL_BUDGET_SECONDS:
                left = fresh[index:]
                self.report.deferred += len(left)
                self.unfinished_documents.update(c.document for c in left)
                break
            try:
                self.take(candidate)
            except Exception as exc:  # one bad article must not lose the others
                logger.exception("Lỗi khi xử lý bài %s của nguồn %s", candidate.url, self.source.pk)
                self.unfinished_documents.add(candidate.document)
                self.article_failed(candidate, _("Lỗi không lường trước khi xử lý bài (%(error)s).") % {
                    "error": type(exc).__name__}, None)
        enqueue_alerts(self.stored_ids)

    def run(self) -> PollReport:
        source = self.source
        feeds_, sitemaps, listings = (_urls(source.feed_urls), _urls(source.sitemap_urls),
                                      _urls(source.listing_urls))
        if not (feeds_ or sitemaps or listings):
            self.report.ok = False
            self.report.problems.append(Problem(
                source.homepage or "", _("Nguồn tin chưa có địa chỉ RSS/Atom, sơ đồ tin hay trang danh sách nào.")))
            return self.report
        for url in feeds_:
            self.guarded(self.read_feed, url, "feed")
        for url in sitemaps:
            self.guarded(self.read_sitemap, url, "sitemap")
        for url in listings:
            self.guarded(self.read_listing, url, "listing")
        self.take_all()
        self.cache = {url: v for url, v in self.cache.items() if url in self.asked}
        for url, validators in self.pending_validators.items():
            if url not in self.unfinished_documents:
                self.cache[url] = validators
        return self.report


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _urls(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return list(dict.fromkeys(u.strip() for u in value if isinstance(u, str) and u.strip()))


def summary(report: PollReport) -> str:
    """The Vietnamese line of one poll, as the health page shows it."""
    parts = []
    if report.ok:
        parts.append(_("Lấy tin thành công"))
    elif report.documents_read:
        parts.append(_("Lấy tin có lỗi"))
    else:
        parts.append(_("Lấy tin thất bại"))
    parts.append(_("đọc được %(read)d/%(total)d địa chỉ RSS, sơ đồ tin, trang danh sách") % {
        "read": report.documents_read, "total": report.documents})
    if report.not_modified:
        parts.append(_("%(n)d không thay đổi (HTTP 304)") % {"n": report.not_modified})
    parts.append(_("thấy %(found)d bài, %(known)d bài đã có, lưu %(stored)d bài mới") % {
        "found": report.discovered, "known": report.known, "stored": report.stored})
    if report.deferred:
        parts.append(_("còn %(n)d bài để lần sau") % {"n": report.deferred})
    if report.problems:
        parts.append(_("%(n)d địa chỉ lỗi") % {"n": len(report.problems)})
    line = "; ".join(parts) + "."
    if report.notes:
        line += " " + _("Ghi chú: %(notes)s") % {"notes": " ".join(report.notes)}
    return _clip(line)


def poll_source(source_id: int, *, policy: fetching.FetchPolicy | None = None) -> dict | None:
    """Poll one source now and record the outcome on its health. Never raises for what the
    sites send; a source that is gone or switched off is skipped (``None``)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.active:
        return None
    began = time.monotonic()
    policy = policy or default_policy()
    with fetching.make_client(policy) as client:
        poll = _Poll(source, policy, client)
        report = poll.run()
    report.seconds = time.monotonic() - began
    _record(source, report, poll.cache)
    return report.as_dict()


def _record(source: Source, report: PollReport, cache: dict) -> None:
    now = timezone.now()
    checks = [
        SourceCheck(source=source, at=now, ok=False, url=_clip(p.url, MAX_URL), status=p.status,
                    message=_clip(p.message))
        for p in report.problems
    ]
    first = source.feed_urls or source.sitemap_urls or source.listing_urls or [source.homepage or ""]
    checks.append(SourceCheck(
        source=source, at=now, ok=report.ok, url=_clip(_urls(first)[0] if _urls(first) else "", MAX_URL),
        status=report.status, message=summary(report), new_articles=report.stored, seconds=report.seconds,
    ))
    SourceCheck.objects.bulk_create(checks)
    changes: dict = {"http_cache": cache}
    if report.ok:
        changes.update(last_success_at=now, error_streak=0)
    else:
        changes.update(error_streak=F("error_streak") + 1)
    if report.problems:
        changes.update(last_error_at=now, last_error=_clip(report.problems[-1].message))
    Source.objects.filter(pk=source.pk).update(**changes)
