"""Evidence of a case's addresses: raw HTML, extracted text and a full-page screenshot, each
with its SHA-256 and capture time, immutable once taken; captures can be repeated.

One capture (``capture``, run by the job ``tasks.capture_evidence``):

1. the page is fetched once, by the platform's one safe fetcher (public addresses only,
   checked after DNS and at every redirect). 404/410/451: the content was removed — the
   capture is done with the facts of the answer. A refused address (internal network, cloud
   metadata, a bad URL) will never succeed: the capture fails with the fetcher's words and is
   not retried. Network errors and other HTTP errors: it fails for now and the job retries;
2. the bytes received are stored as they came (``html``), with their SHA-256; the article's
   text (title, then body) is extracted from them and stored in NFC with the SHA-256 of its
   UTF-8 bytes;
3. ``screenshots.take`` renders those same bytes in headless Chromium (no network of its own,
   no JavaScript) into a full-page PNG, stored with its SHA-256. A failed screenshot is
   retried with the job (from the stored HTML, without fetching again); after the last
   attempt the capture is kept without it, and says so;
4. the text is compared with the previous finished capture of the address: ``first``,
   ``same``, ``edited``, or ``removed`` (gone, or no text where there was text).

Files go to a storage outside ``MEDIA_ROOT`` (``models.evidence.evidence_storage``) and are
written once; a finished capture refuses any change (``Capture.save``) and ``verify``
re-hashes what is stored. The case itself is never touched here.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from doingoai.core import audit, vntext
from doingoai.monitoring.pipeline import extract as extracting
from doingoai.monitoring.pipeline import fetch as fetching

from . import screenshots
from .models import Capture, CaseURL

logger = logging.getLogger("doingoai.cases.evidence")

__all__ = [
    "MAX_ATTEMPTS", "CaptureRetry", "capture", "captures_by_url", "page_policy", "plain_text",
    "request_capture", "sha256", "text_sha256", "verify",
]

#: The job's first run and its retries (``tasks.capture_evidence``: ``retries=3``).
MAX_ATTEMPTS = 4
#: Answers that mean the content is gone (451: removed for legal reasons, often a takedown).
REMOVED_STATUSES = frozenset({404, 410, 451})
#: Fetch failures that no retry can cure.
PERMANENT_KINDS = frozenset({"bad-url", "blocked-address", "too-many-redirects", "too-large",
                             "decompression-bomb", "robots"})
#: A pending capture younger than this blocks another request for the same address.
PENDING_BLOCKS = datetime.timedelta(minutes=30)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class CaptureRetry(Exception):
    """This attempt failed for a reason that may pass (network, server): the job retries."""


# --- requesting -------------------------------------------------------------------------------


def request_capture(case_url: CaseURL, user=None, *, refuse_pending: bool = False) -> Capture:
    """A new pending capture of ``case_url``, taken by a background job once committed.

    While a capture of the address is still pending (requested less than ``PENDING_BLOCKS``
    ago), that capture is returned and nothing new is queued (a double click queues one job);
    with ``refuse_pending`` a ``ValidationError`` says so instead."""
    with transaction.atomic():
        CaseURL.objects.select_for_update().filter(pk=case_url.pk).first()  # one request at a time
        pending = (Capture.objects.filter(case_url=case_url, status=Capture.Status.PENDING,
                                          requested_at__gte=timezone.now() - PENDING_BLOCKS)
                   .order_by("-requested_at", "-pk").first())
        if pending is not None:
            if refuse_pending:
                raise ValidationError(_("Địa chỉ này đang chờ thu thập (yêu cầu lúc %(when)s); "
                                        "không tạo thêm yêu cầu.")
                                      % {"when": _when(pending.requested_at)})
            return pending
        capture = Capture.objects.create(case_url=case_url, requested_by=user)
        audit.record("cases.evidence.requested", capture, user=user,
                     changes={"case": case_url.case_id, "url": case_url.url})
    from . import tasks

    transaction.on_commit(lambda: tasks.capture_evidence.enqueue(capture.pk), robust=True)
    return capture


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S")


# --- reading ----------------------------------------------------------------------------------


def captures_by_url(case) -> list[tuple[CaseURL, list[Capture]]]:
    """The addresses of ``case``, each with its captures, newest first."""
    urls = list(case.urls.order_by("added_at", "pk"))
    by_url: dict[int, list[Capture]] = {u.pk: [] for u in urls}
    for item in (Capture.objects.filter(case_url__case=case).select_related("requested_by")
                 .order_by("-requested_at", "-pk")):
        by_url[item.case_url_id].append(item)
    return [(u, by_url[u.pk]) for u in urls]


# --- hashing ----------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    """The SHA-256 of a text: over its UTF-8 bytes in NFC."""
    return sha256(unicodedata.normalize("NFC", text).encode("utf-8"))


def verify(capture: Capture) -> bool:
    """True when every stored piece of ``capture`` still has the SHA-256 recorded when it was
    taken (the HTML and screenshot files on disk, the text in the database)."""
    pieces = ((capture.html, capture.html_sha256), (capture.screenshot, capture.screenshot_sha256))
    for file, digest in pieces:
        if bool(file) != bool(digest):
            return False
        if file:
            try:
                data = _read(file)
            except OSError:
                return False
            if sha256(data) != digest:
                return False
    if capture.text_sha256 or capture.text:
        return text_sha256(capture.text) == capture.text_sha256
    return True


def _read(file) -> bytes:
    with file.storage.open(file.name, "rb") as handle:
        return handle.read()


# --- extracting -------------------------------------------------------------------------------

_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
           "header", "footer", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption", "title")


def plain_text(html: str) -> str:
    """The visible text of a page, one block a line, without scripts or styles (for pages the
    article extraction finds nothing in)."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return ""
    for node in tree.xpath("//script|//style|//noscript|//template|//head/*[not(self::title)]"):
        node.drop_tree()
    for node in tree.iter(*_BLOCKS):
        node.tail = "\n" + (node.tail or "")
    lines = (vntext.normalize(line) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def page_text(content: bytes, url: str) -> str:
    """Title and text of the article in ``content`` (NFC), or the page's plain text."""
    article = extracting.extract(content, url)
    if article is not None and article.text.strip():
        parts = [article.title.strip(), article.text.strip()]
        return unicodedata.normalize("NFC", "\n\n".join(p for p in parts if p))
    return unicodedata.normalize("NFC", plain_text(extracting.decode_html(content)))


# --- capturing --------------------------------------------------------------------------------


def page_policy() -> fetching.FetchPolicy:
    """How the page is fetched: a person asked for this one address, as a reader would open
    it, so robots.txt (a rule for crawlers) is not consulted; one quick retry, the job does
    the rest."""
    return fetching.FetchPolicy(respect_robots=False, retries=1, min_host_interval=1.0)


def capture(capture_id: int, *, policy: fetching.FetchPolicy | None = None) -> dict:
    """Take the pending capture ``capture_id`` (see the module docstring); a small summary.

    Raises ``CaptureRetry`` when the attempt failed for a reason that may pass and attempts
    are left (the job then runs it again). Running it on a finished capture changes nothing."""
    with transaction.atomic():
        item = (Capture.objects.select_for_update().select_related("case_url__case")
                .get(pk=capture_id))
        if item.status == Capture.Status.DONE:
            return _summary(item)
        item.attempts += 1
        item.save(update_fields=["attempts"])
    last = item.attempts >= MAX_ATTEMPTS
    policy = policy or page_policy()

    if item.html_sha256:  # fetched by an earlier attempt whose screenshot failed
        html = _read(item.html)
        if sha256(html) != item.html_sha256:
            return _fail(item, _("Tệp HTML đã lưu không còn khớp mã SHA-256: không chụp ảnh từ tệp này."),
                         retry=False)
        content_type = None
    else:
        result = fetching.fetch(item.case_url.url, policy=policy)
        if result.status in REMOVED_STATUSES:
            return _removed(item, result)
        if not result.ok or result.not_modified:
            return _fetch_failed(item, result, last)
        html, content_type = result.content, result.headers.get("content-type")
        _keep_page(item, result)

    media_type = (content_type or "text/html").split(";")[0].strip().lower()
    if item.change == Capture.Change.REMOVED or media_type not in HTML_TYPES:
        note = "" if item.change == Capture.Change.REMOVED else _(
            "Nội dung không phải trang HTML (%(type)s): không chụp ảnh.") % {"type": media_type}
        return _done(item, note)
    try:
        shot = screenshots.take(html, item.final_url or item.case_url.url, content_type=content_type,
                                policy=policy)
    except screenshots.ScreenshotError as exc:
        if not last:
            return _fail(item, _("Lần thử %(n)s/%(max)s: chưa chụp được ảnh toàn trang (%(why)s). "
                                 "HTML và nội dung đã lưu; hệ thống sẽ tự thử chụp lại.")
                         % {"n": item.attempts, "max": MAX_ATTEMPTS, "why": exc.message}, retry=True)
        return _done(item, _("Không chụp được ảnh toàn trang sau %(max)s lần thử (%(why)s). Bản lưu "
                             "gồm HTML gốc và nội dung trích xuất, không có ảnh chụp.")
                     % {"max": MAX_ATTEMPTS, "why": exc.message})
    _write(item, "screenshot", shot.png, "png")
    note = _("Trang dài hơn %(px)s điểm ảnh: ảnh chụp dừng ở %(px)s điểm ảnh đầu.") % {
        "px": f"{screenshots.MAX_HEIGHT:,}".replace(",", ".")} if shot.truncated else ""
    return _done(item, note)


def _keep_page(item: Capture, result: fetching.FetchResult) -> None:
    """Write the fetched bytes, the text and their hashes (the capture is not finished yet)."""
    item.taken_at = timezone.now()
    item.final_url = result.final_url[:2000]
    item.http_status = result.status
    _write(item, "html", result.content, "html")
    text = page_text(result.content, result.final_url) if result.text is not None else ""
    item.text, item.text_sha256 = text, text_sha256(text)
    previous = _previous(item)
    if previous is None:
        item.change = Capture.Change.FIRST
    elif not text.strip() and previous.text.strip():
        item.change = Capture.Change.REMOVED
    elif previous.text_sha256 == item.text_sha256:
        item.change = Capture.Change.SAME
    else:
        item.change = Capture.Change.EDITED
    item.save()


def _write(item: Capture, field_name: str, data: bytes, extension: str) -> None:
    """Store ``data`` once and record its SHA-256, checked against the bytes read back."""
    case = item.case_url.case
    name = get_valid_filename(f"{case.number}-{item.pk}.{extension}") or f"{item.pk}.{extension}"
    file = getattr(item, field_name)
    file.save(name, ContentFile(data), save=False)
    digest = sha256(data)
    if sha256(_read(file)) != digest:
        raise OSError(_("Tệp chứng cứ ghi ra không khớp dữ liệu đã nhận."))
    setattr(item, f"{field_name}_sha256", digest)


def _previous(item: Capture) -> Capture | None:
    return (Capture.objects.filter(case_url=item.case_url_id, status=Capture.Status.DONE)
            .exclude(pk=item.pk).order_by("-taken_at", "-pk").first())


def _removed(item: Capture, result: fetching.FetchResult) -> dict:
    item.taken_at = timezone.now()
    item.final_url = result.final_url[:2000]
    item.http_status = result.status
    item.text, item.text_sha256 = "", text_sha256("")
    item.change = Capture.Change.REMOVED
    return _done(item, _("Máy chủ trả lời HTTP %(status)s: nội dung không còn ở địa chỉ này.")
                 % {"status": result.status})


def _fetch_failed(item: Capture, result: fetching.FetchResult, last: bool) -> dict:
    item.final_url = result.final_url[:2000]
    item.http_status = result.status
    why = result.error or _("Máy chủ không trả nội dung.")
    if result.error_kind in PERMANENT_KINDS:
        return _fail(item, _("Không thu thập được: %(why)s Không thử lại.") % {"why": why}, retry=False)
    if last:
        return _fail(item, _("Không thu thập được sau %(max)s lần thử: %(why)s")
                     % {"max": MAX_ATTEMPTS, "why": why}, retry=False)
    return _fail(item, _("Lần thử %(n)s/%(max)s không thành công: %(why)s Hệ thống sẽ tự thử lại.")
                 % {"n": item.attempts, "max": MAX_ATTEMPTS, "why": why}, retry=True)


def _fail(item: Capture, message: str, *, retry: bool) -> dict:
    item.status = Capture.Status.FAILED
    item.error = message
    item.save()
    logger.warning("Thu thập chứng cứ %s (%s): %s", item.pk, item.case_url.url, message)
    if retry:
        raise CaptureRetry(message)
    return _summary(item)


def _done(item: Capture, note: str = "") -> dict:
    item.status = Capture.Status.DONE
    item.error = note
    if item.taken_at is None:
        item.taken_at = timezone.now()
    with transaction.atomic():
        Capture.objects.select_for_update().filter(pk=item.pk).first()
        item.save()  # refuses when another run finished it meanwhile
        audit.record("cases.evidence.captured", item, changes={
            "url": item.case_url.url, "final_url": item.final_url, "http_status": item.http_status,
            "change": item.change, "html_sha256": item.html_sha256,
            "text_sha256": item.text_sha256, "screenshot_sha256": item.screenshot_sha256,
        })
    return _summary(item)


def _summary(item: Capture) -> dict:
    return {"capture": item.pk, "status": item.status, "change": item.change,
            "http_status": item.http_status, "attempts": item.attempts,
            "screenshot": bool(item.screenshot), "error": item.error}

