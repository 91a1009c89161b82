"""Feeds, sitemaps and listing pages → the addresses of new articles.

Plain functions over bytes/text already fetched (``pipeline.fetch``), so that they run on
saved files too. Whatever arrives is untrusted: a hostile or broken document gives a
``FeedResult`` with a Vietnamese ``error`` (or the entries that could be read and a
``warning``), never an exception. Titles and summaries are plain text: tags, scripts and
entities are gone, the text is NFC.

* ``parse_feed``: RSS 0.9x/1.0/2.0 and Atom (feedparser), after an XML pre-check that
  refuses DTDs declaring entities (billion laughs, XXE);
* ``parse_sitemap``: XML sitemaps, sitemap indexes and Google News sitemaps (defusedxml;
  DTDs refused), gzip-compressed or not;
* ``links_from_listing``: article links on a listing page of the same site.
"""

from __future__ import annotations

import email.utils
import html as html_module
import io
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import ParseError
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml.ElementTree as safe_etree
import defusedxml.sax
import feedparser
import nh3
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from doingoai.core import vntext

__all__ = [
    "FeedEntry",
    "FeedResult",
    "links_from_listing",
    "parse_date",
    "parse_feed",
    "parse_sitemap",
    "plain_text",
]

VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")  # no daylight saving time
MAX_SITEMAP_URLS = 50_000  # sitemaps.org limit
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # sitemaps.org limit, uncompressed
MAX_SUMMARY = 2000


@dataclass
class FeedEntry:
    url: str
    title: str = ""
    published: datetime | None = None  # aware, UTC; the update time when none is given
    summary: str = ""
    guid: str = ""
    updated: datetime | None = None  # aware, UTC (a sitemap's <lastmod>)


@dataclass
class FeedResult:
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None
    warning: str | None = None
    kind: str = ""  # feedparser's version ("rss20", "atom10" …), "urlset" or "sitemapindex"
    title: str = ""
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index

    @property
    def ok(self) -> bool:
        return self.error is None


# --- Plain text and dates ---------------------------------------------------------------------

_BLOCK_TAG = re.compile(r"<(/?)(p|div|br|li|h[1-6]|tr|td|th|blockquote|section|article|dd|dt)\b", re.I)
_MARKUP = re.compile(r"<[a-zA-Z/!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math"}


def plain_text(fragment: str | None) -> str:
    """Text of an HTML fragment: tags removed (script and style with their content),
    entities decoded, spaces collapsed, NFC. Markup escaped twice (common in feeds) is
    removed too, so the result never holds a tag."""
    if not fragment:
        return ""
    text = str(fragment)
    for _round in range(2):
        cleaned = nh3.clean(_BLOCK_TAG.sub(r" <\1\2", text), tags=set(),
                            clean_content_tags=_DROPPED_WITH_CONTENT)
        text = html_module.unescape(cleaned)
        if not _MARKUP.search(text):
            break
    else:
        text = html_module.unescape(nh3.clean(text, tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT))
        text = text.replace("<", "‹").replace(">", "›")  # a third layer of escaping: neutralise
    text = _CONTROL.sub("", text)
    return vntext.normalize(text)


_VN_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_VN_TIME = re.compile(r"(?<!\d)(\d{1,2})[:hH](\d{2})(?::(\d{2}))?(?!\d)")


def parse_date(value: str | None) -> datetime | None:
    """An aware UTC datetime from the date formats found in feeds and sitemaps: ISO 8601 /
    W3C, RFC 822, and Vietnamese day-first forms ("Thứ hai, 01/09/2025 - 08:30",
    "08:30 01-09-2025"). A time without a zone is Vietnam time (UTC+7)."""
    if not value:
        return None
    text = str(value).strip()[:200]
    if not text:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = _vietnamese_date(text)
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VIETNAM)
    return parsed.astimezone(UTC)


def _vietnamese_date(text: str) -> datetime | None:
    day = _VN_DATE.search(text)
    if not day:
        return None
    clock = _VN_TIME.search(text[: day.start()] + " " + text[day.end():])
    try:
        hour, minute, second = (int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)) if clock else (0, 0, 0)
        return datetime(int(day.group(3)), int(day.group(2)), int(day.group(1)), hour, minute, second)
    except ValueError:
        return None


# --- XML safety -------------------------------------------------------------------------------

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


def _xml_hazard(content: bytes) -> str | None:
    """A Vietnamese reason to refuse ``content`` before any parser expands it, or ``None``."""
    # Any entity declaration is refused (internal ones: billion laughs; external ones: XXE).
    # A DOCTYPE naming an external DTD without entities (RSS 0.91's Netscape one) is
    # harmless here — nothing ever loads it — and stays allowed.
    try:
        defusedxml.sax.parseString(content, ContentHandler(), forbid_dtd=False,
                                   forbid_entities=True, forbid_external=False)
    except DefusedXmlException:
        return _ENTITY_REFUSAL
    except (SAXException, ValueError, UnicodeError, LookupError):
        pass  # malformed: the entity scan below still applies, then the lenient parser
    # Broken XML stops the check before the DTD is read: refuse any entity declaration.
    if _ENTITY_DECL.search(content[:1024 * 1024]) or _ENTITY_DECL.search(content[:2 * 1024 * 1024].replace(b"\0", b"")):
        return _ENTITY_REFUSAL
    return None


_ENTITY_REFUSAL = (
    "Tài liệu XML khai báo thực thể (<!ENTITY>) trong DTD — kiểu tấn công «billion laughs»/XXE; "
    "từ chối đọc vì lý do an toàn."
)


# --- Feeds ------------------------------------------------------------------------------------


def parse_feed(content: bytes, base_url: str) -> FeedResult:
    """Entries of an RSS or Atom document (links made absolute against ``base_url``)."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if not content or not content.strip():
        return FeedResult(error="Nguồn tin trống (không có nội dung).")
    hazard = _xml_hazard(content)
    if hazard:
        return FeedResult(error=hazard)
    try:
        # A stream, never bytes/str: feedparser would read a local file or a URL named by them.
        parsed = feedparser.parse(
            io.BytesIO(content),
            response_headers={"content-location": base_url, "content-type": "application/xml"},
            resolve_relative_uris=True, sanitize_html=True,
        )
    except Exception as exc:  # a parser crash on hostile input is this document's error
        return FeedResult(error=f"Không đọc được nguồn tin: lỗi khi phân tích ({type(exc).__name__}).")
    result = FeedResult(kind=str(parsed.get("version") or ""))
    result.title = plain_text(parsed.get("feed", {}).get("title", ""))
    seen: set[str] = set()
    skipped = 0
    for item in parsed.get("entries", []):
        try:
            entry = _entry(item, base_url)
        except Exception:  # one odd entry must not lose the others
            entry = None
        if entry is None or entry.url in seen:
            skipped += entry is None
            continue
        seen.add(entry.url)
        result.entries.append(entry)
    if parsed.get("bozo"):
        problem = _bozo_text(parsed.get("bozo_exception"))
        if not result.entries:
            result.error = (
                f"Nội dung không phải nguồn tin RSS/Atom đọc được ({problem})."
                if not result.kind else f"Nguồn tin bị lỗi định dạng, không đọc được mục nào ({problem})."
            )
            return result
        result.warning = (
            f"Nguồn tin có lỗi định dạng ({problem}); đã đọc được {len(result.entries)} mục."
        )
    elif not result.kind and not result.entries:
        result.error = "Nội dung không phải nguồn tin RSS/Atom."
    if skipped and not result.error:
        note = f"Bỏ qua {skipped} mục không có địa chỉ http(s) dùng được."
        result.warning = f"{result.warning} {note}" if result.warning else note
    return result


def _bozo_text(exc: object) -> str:
    if exc is None:
        return "lỗi không rõ"
    message = str(exc).strip() or type(exc).__name__
    return plain_text(message)[:300]


def _entry(item: dict, base_url: str) -> FeedEntry | None:
    link = item.get("link") or ""
    if not link:
        for candidate in item.get("links", []) or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    guid = str(item.get("id") or "").strip()
    if not link and item.get("guidislink") and guid:
        link = guid
    url = _absolute(link, base_url)
    if url is None:
        return None
    updated = _entry_date(item, "updated")
    published = _entry_date(item, "published") or _entry_date(item, "created") or updated
    return FeedEntry(
        url=url,
        title=plain_text(item.get("title", "")),
        published=published,
        summary=plain_text(item.get("summary", ""))[:MAX_SUMMARY],
        guid=guid[:2000] or url,
        updated=updated,
    )


def _entry_date(item: dict, key: str) -> datetime | None:
    # dict.get: feedparser's own get() maps a missing "updated" to "published" (deprecated).
    found = parse_date(dict.get(item, key))
    if found is not None:
        return found
    struct = dict.get(item, f"{key}_parsed")
    if struct:
        try:
            return datetime(*struct[:6], tzinfo=UTC)
        except (TypeError, ValueError):
            return None
    return None


def _absolute(link: str | None, base_url: str) -> str | None:
    """An absolute http(s) address without fragment, or ``None``."""
    if not link or not isinstance(link, str):
        return None
    link = link.strip()
    if not link or len(link) > 4096:
        return None
    try:
        parts = urlsplit(urljoin(base_url or "", link))
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


# --- Sitemaps ---------------------------------------------------------------------------------

_LOC = re.compile(rb"<(?:\w+:)?loc>\s*(.*?)\s*</(?:\w+:)?loc>", re.I | re.S)


def parse_sitemap(content: bytes, base_url: str) -> FeedResult:
    """A sitemap index (→ ``sitemaps``, the child sitemap addresses) or a urlset (→
    ``entries``; Google News ``news:title`` and ``news:publication_date`` when present,
    ``lastmod`` as ``updated``). Gzip-compressed sitemaps are accepted."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if not content or not content.strip():
        return FeedResult(error="Sơ đồ trang (sitemap) trống.")
    if content[:2] == b"\x1f\x8b":
        try:
            content = _gunzip(content, MAX_SITEMAP_BYTES)
        except ValueError as exc:
            return FeedResult(error=str(exc))
    try:
        root = safe_etree.fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden, DefusedXmlException):
        return FeedResult(error=(
            "Sơ đồ trang (sitemap) có khai báo DTD/thực thể XML — từ chối đọc vì lý do an toàn "
            "(sitemap hợp lệ không cần DTD)."
        ))
    except (ParseError, ValueError, UnicodeError, LookupError) as exc:
        return _sitemap_fallback(content, base_url, exc)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        result = FeedResult(kind=kind)
        for element in root:
            if _local(element.tag) == "sitemap":
                url = _absolute(_child_text(element, "loc"), base_url)
                if url and url not in result.sitemaps:
                    result.sitemaps.append(url)
        return result
    if kind != "urlset":
        return FeedResult(error=f"Không phải sơ đồ trang (sitemap): phần tử gốc là <{kind[:40]}>.")
    result = FeedResult(kind=kind)
    seen: set[str] = set()
    for element in root:
        if _local(element.tag) != "url":
            continue
        url = _absolute(_child_text(element, "loc"), base_url)
        if url is None or url in seen:
            continue
        if len(result.entries) >= MAX_SITEMAP_URLS:
            result.warning = f"Sơ đồ trang có hơn {MAX_SITEMAP_URLS} địa chỉ; chỉ đọc {MAX_SITEMAP_URLS} địa chỉ đầu."
            break
        seen.add(url)
        news = next((c for c in element if _local(c.tag) == "news"), None)
        title = plain_text(_child_text(news, "title")) if news is not None else ""
        published = parse_date(_child_text(news, "publication_date")) if news is not None else None
        updated = parse_date(_child_text(element, "lastmod"))
        result.entries.append(FeedEntry(url=url, title=title, published=published, guid=url, updated=updated))
    return result


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element, name: str) -> str:
    if element is None:
        return ""
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _sitemap_fallback(content: bytes, base_url: str, exc: Exception) -> FeedResult:
    """Broken XML: the <loc> addresses that can still be read, with a warning."""
    if _ENTITY_DECL.search(content) or re.search(rb"<!DOCTYPE", content, re.I):
        return FeedResult(error="Sơ đồ trang (sitemap) có khai báo DTD/thực thể XML — từ chối đọc vì lý do an toàn.")
    urls: list[str] = []
    for match in _LOC.finditer(content):
        text = html_module.unescape(match.group(1).decode("utf-8", "replace"))
        url = _absolute(text, base_url)
        if url and url not in urls:
            urls.append(url)
        if len(urls) >= MAX_SITEMAP_URLS:
            break
    problem = plain_text(str(exc))[:200] or type(exc).__name__
    if not urls:
        return FeedResult(error=f"Sơ đồ trang (sitemap) không phải XML đọc được ({problem}).")
    return FeedResult(
        kind="urlset", entries=[FeedEntry(url=u, guid=u) for u in urls],
        warning=f"Sơ đồ trang bị lỗi XML ({problem}); đã đọc được {len(urls)} địa chỉ.",
    )


def _gunzip(data: bytes, cap: int) -> bytes:
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(data, cap + 1)
    except zlib.error as exc:
        raise ValueError(f"Sơ đồ trang nén gzip bị hỏng ({exc}).") from None
    if len(out) > cap or decoder.unconsumed_tail:
        raise ValueError(f"Sơ đồ trang giải nén ra hơn {cap // (1024 * 1024)} MiB — nghi là «bom nén», từ chối.")
    return out


# --- Listing pages ----------------------------------------------------------------------------

_NAV_SEGMENTS = {
    "tag", "tags", "chu-de", "chude", "topic", "topics", "category", "categories", "danh-muc",
    "danhmuc", "chuyen-muc", "chuyenmuc", "author", "authors", "tac-gia", "tacgia", "search",
    "tim-kiem", "timkiem", "login", "dang-nhap", "dang-ky", "register", "lien-he", "contact",
    "gioi-thieu", "about", "rss", "feed", "feeds", "sitemap", "page", "trang", "archive",
    "archives", "luu-tru", "static", "assets", "wp-content", "wp-includes", "cdn-cgi",
    "account", "tai-khoan", "user", "users", "profile", "subscribe", "quang-cao", "advertise",
    "privacy", "terms", "dieu-khoan", "chinh-sach-bao-mat", "ban-doc", "cart", "gio-hang",
}
_STATIC = re.compile(
    r"\.(jpe?g|png|gif|webp|avif|svg|ico|bmp|css|js|mjs|map|pdf|docx?|xlsx?|pptx?|zip|rar|7z|gz|"
    r"mp3|mp4|m4a|webm|avi|mov|wmv|flv|xml|rss|atom|json|txt|woff2?|ttf|otf|eot|apk|exe)$",
    re.I,
)
_PAGE_NUMBER = re.compile(r"^(trang|page|p)[-_]?\d{1,4}$", re.I)
_ARTICLE_ID = re.compile(r"\d{5,}")
_DATE_PATH = re.compile(r"/(19|20)\d{2}/\d{1,2}/")
_ID_KEYS = {"id", "itemid", "newsid", "articleid", "nid", "p", "post", "tinid", "newsidx", "cid"}
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|zaloapp|dclid|mc_\w+|ref|refsrc)$", re.I)
_NAV_CLASSES = {"menu", "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "pagination", "pager", "paging"}
_NAV_TAGS = {"nav", "header", "footer"}


def links_from_listing(html: str, base_url: str) -> list[str]:
    """Absolute addresses of the articles linked from a listing page of the same site, in
    page order, without duplicates. Navigation, categories, tags, pagination, accounts and
    static files are left out by heuristics on the address (a slug of several words or a
    numeric article id), on the link's place (``nav``/``header``/``footer``, menus) and on
    its text."""
    if not html or not html.strip():
        return []
    try:
        import lxml.html

        document = lxml.html.fromstring(
            html.encode("utf-8", "replace"), parser=lxml.html.HTMLParser(encoding="utf-8", no_network=True)
        )
    except Exception:  # lxml refuses some inputs (empty documents, odd bytes): no links
        return []
    base = _absolute(base_url, base_url)
    if base is None:
        return []
    base_tag = document.find(".//base")
    page_base = _absolute(base_tag.get("href"), base) if base_tag is not None and base_tag.get("href") else base
    site = _site(base)
    candidates: list[tuple[str, bool]] = []
    for anchor in document.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        rel = (anchor.get("rel") or "").lower().split()
        if {"tag", "category", "author", "prev", "next"} & set(rel):
            continue
        url = _absolute(href, page_base)
        if url is None or _site(url) != site:
            continue
        url = _without_tracking(url)
        if url.rstrip("/") == base.rstrip("/"):
            continue
        text = " ".join(anchor.text_content().split())
        if not _looks_like_article(url, text):
            continue
        candidates.append((url, _in_navigation(anchor)))
    chosen = [url for url, in_nav in candidates if not in_nav] or [url for url, _ in candidates]
    return list(dict.fromkeys(chosen))


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host


def _without_tracking(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _in_navigation(anchor) -> bool:
    for element in anchor.iterancestors():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _NAV_TAGS or (element.get("role") or "").lower() == "navigation":
            return True
        marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower().replace("_", "-").split()
        if _NAV_CLASSES & set(marks):
            return True
    return False


def _looks_like_article(url: str, text: str) -> bool:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments and not parts.query:
        return False  # the home page
    if _STATIC.search(parts.path):
        return False
    lowered = [s.lower() for s in segments]
    if any(s in _NAV_SEGMENTS or _PAGE_NUMBER.match(s) for s in lowered[:-1]):
        return False
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    if {"page", "trang", "paged", "q", "keyword", "tu-khoa", "s"} & set(query):
        return False
    if any(k in _ID_KEYS and v.isdigit() and len(v) >= 3 for k, v in query.items()):
        return True
    if not segments:
        return False
    last = re.sub(r"\.(html?|shtml|aspx?|php|jsp|cfm|chn|vn)$", "", lowered[-1])
    if last in _NAV_SEGMENTS or _PAGE_NUMBER.match(last):
        return False
    words = [w for w in re.split(r"[-_+.]", last) if w]
    if _ARTICLE_ID.search(last) and len(words) >= 1:
        return True
    if len(words) >= 4:
        return True
    if _DATE_PATH.search(parts.path) and len(words) >= 2:
        return True
    # A long anchor text (a headline) under a slug of a few words.
    return len(words) >= 2 and len(text.split()) >= 6
