"""Extraction: one fetched page (untrusted HTML) → the article it carries, as plain data.

``extract(html, url)`` parses the page once with lxml and runs everything on that tree:
trafilatura's main-content cascade (comments off, formatting and links kept for the HTML
body), htmldate for the publication date, and a few cheap look-ups in ``<head>`` for title,
author, language hint and canonical URL. Nothing here touches the network or the database.

Choices measured on the extraction gold (``bench/extraction.py`` over 206 real pages):
trafilatura's default *balanced* focus with comments off keeps as many "with" snippets as
bare ``trafilatura.extract`` while leaking fewer "without" snippets; *precision* loses
content, *recall* and *fast* leak more boilerplate. Dates come from htmldate without its
extensive text search: on the gold's 167 dated pages it gives 143 right, 16 wrong and 8 none,
against 146 right and 21 wrong with it (among them year-only guesses such as "2016-01-01"
from a "2016" in the text); a missing date falls back to the fetch time, a wrong one
misleads the digest.

Every input is hostile: pages over ``MAX_HTML_BYTES`` are refused before parsing, bytes
are decoded without ever raising, markup is stripped from every plain-text field and the
HTML body goes through nh3 with a short allow-list (no images, no attributes but ``href``).
"""

from __future__ import annotations

import codecs
import html as htmllib
import re
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from functools import lru_cache
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from htmldate import find_date
from lxml.etree import Element, SubElement, XPath, strip_elements, strip_tags, tostring
from trafilatura import bare_extraction
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import examine_meta, extract_meta_json, extract_metainfo, extract_title
from trafilatura.settings import Extractor
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt
from trafilatura.xpaths import AUTHOR_XPATHS

from doingoai.core import vntext

from .. import sanitise

__all__ = ["MAX_HTML_BYTES", "Extracted", "decode_html", "extract"]

#: Larger pages are refused before parsing (a news article page is 50–800 kB; 5 MB leaves room
#: for inline scripts and styles while keeping a hostile 50 MB string from reaching lxml).
MAX_HTML_BYTES = 5 * 1024 * 1024

#: Tags kept in ``Extracted.html``; ``a`` keeps only ``href`` (http, https, mailto).


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the pipeline keeps of one page. Text fields are NFC and free of markup."""

    title: str
    text: str
    lead: str
    author: str | None
    published: datetime | None
    language_hint: str | None
    html: str
    canonical_url: str | None


# ---------------------------------------------------------------------------------------------
# decoding


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def decode_html(data: bytes) -> str:
    """Bytes of a page → text, never raising.

    A byte-order mark wins; then valid UTF-8 is taken as UTF-8 (a legacy ``charset`` left in a
    template of a UTF-8 site is common, the reverse never decodes cleanly); then the charset
    declared in the first 4 kB (``<meta charset>``, ``http-equiv``, XML declaration), e.g.
    ``windows-1258`` of old Vietnamese sites; otherwise UTF-8 with replacement characters."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _DECLARED_CHARSET.search(data[:4096])
    if match:
        declared = (match.group(1) or match.group(2)).decode("ascii").lower()
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            encoding = "utf-8"
        if encoding.startswith(("utf-16", "utf-32")):  # an ASCII-readable page cannot be UTF-16
            encoding = "utf-8"
        return data.decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# plain text


_MARKUP = re.compile(
    r"<(script|style|noscript|template|iframe|svg|math)\b.*?(?:</\1\s*>|$)"  # element with its content
    r"|<!--.*?(?:-->|$)"  # comment
    r"|</?[a-zA-Z][^<>]*>",  # any other tag
    re.IGNORECASE | re.DOTALL,
)


def _plain(text: str | None) -> str:
    """A plain-text field: no markup at all (titles of hostile pages carry ``<script>``), NFC,
    odd spaces made plain, blank lines dropped, line breaks kept."""
    if not text:
        return ""
    text = _MARKUP.sub(" ", text)
    lines = (vntext.normalize(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _one_line(text: str | None) -> str:
    return vntext.normalize(_plain(text))


# "TP. Hải Phòng", "PGS.TS. Nguyễn", "Mr. Smith": a full stop after these is not a sentence end.
_ABBREVIATIONS = frozenset(
    "tp q p tx tt ts ths pgs gs bs ks ls nxb nsnd nsut ubnd st mr mrs ms dr prof jr sr vs no "
    "co ltd inc corp dept gen col lt sgt fig vol tr ed etc e.g i.e u.s".split()
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)]*(?=\s)|[。！？]+[」』”’)）]*")
_SHORT_SENTENCE = 120  # a first sentence shorter than this gets the second one too


def _sentences(paragraph: str):
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        if match.group().startswith("."):
            words = paragraph[start:match.start()].split()
            last = words[-1] if words else ""
            if vntext.fold(last).lstrip("(\"'“") in _ABBREVIATIONS:
                continue
            if len(last) == 1 and last.isupper():  # an initial: "J. Smith"
                continue
        if sentence := paragraph[start:match.end()].strip():
            yield sentence
        start = match.end()
    if rest := paragraph[start:].strip():
        yield rest


def _lead(text: str, title: str = "") -> str:
    """The first sentence of the first paragraph (not the title repeated), with the second
    one when the first is short: what a digest shows under the title."""
    folded_title = vntext.fold(title)
    paragraph = next((line for line in text.splitlines() if vntext.fold(line) != folded_title), "")
    sentences = _sentences(paragraph)
    first = next(sentences, "")
    if first and len(first) < _SHORT_SENTENCE:
        return f"{first} {next(sentences, '')}".strip()
    return first


# ---------------------------------------------------------------------------------------------
# head look-ups


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _language_code(value: str | None) -> str | None:
    """"vi-VN", "vi_VN", "VI" → "vi"; anything that is not a language code → None."""
    if not value:
        return None
    primary = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    return primary if _LANGUAGE_CODE.match(primary) else None


def _language_hint(tree) -> str | None:
    """The language the page declares: ``<html lang>``, then ``og:locale``, then
    ``<meta http-equiv="content-language">``. A hint for the analysis stage, never a verdict."""
    root = tree.getroottree().getroot()
    for value in (root.get("lang"), root.get("xml:lang"), root.get(_XML_LANG)):
        if code := _language_code(value):
            return code
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("property") or meta.get("http-equiv") or meta.get("name") or "").lower()
        if key in ("og:locale", "content-language", "language", "dc.language"):
            if code := _language_code(meta.get("content")):
                return code
    return None


def _http_url(value: str | None, base: str | None) -> str | None:
    if not value or not value.strip():
        return None
    absolute = urljoin(base or "", value.strip())
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


def _canonical_url(tree, url: str | None) -> str | None:
    """The URL the page declares as its own (``<link rel=canonical>``, else ``og:url``),
    made absolute against ``url``. Syndicated copies often point at the original outlet: the
    caller decides whether to trust it for identity."""
    for link in tree.iterfind(".//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            if found := _http_url(link.get("href"), url):
                return found
    for meta in tree.iterfind(".//meta[@content]"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            if found := _http_url(meta.get("content"), url):
                return found
    return None


_PUBLISHED_META = frozenset({
    "article:published_time", "og:article:published_time", "datepublished", "pubdate",
    "publishdate", "dc.date.issued", "dcterms.created", "sailthru.date", "date",
})
_JSON_DATE_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"')


@lru_cache(maxsize=1)
def _default_tz() -> tzinfo:
    """Django's ``TIME_ZONE`` when settings are configured, else Vietnam's."""
    try:
        from django.conf import settings

        if settings.configured:
            return ZoneInfo(settings.TIME_ZONE)
    except Exception:  # noqa: BLE001 — any trouble with settings: fall back
        pass
    return ZoneInfo("Asia/Ho_Chi_Minh")


def _parse_timestamp(value: str) -> datetime | None:
    value = value.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.time() == time(0) and parsed.tzinfo is None:
        return None  # a bare date says nothing about the time
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_default_tz())


def _published(tree, url: str | None) -> datetime | None:
    """Publication time: htmldate finds the date (original date, never in the future); when
    the page also states a full timestamp for that day (``article:published_time``, JSON-LD
    ``datePublished``, ``<time datetime>``) its time and offset are kept, else the day starts
    at midnight local time."""
    found = find_date(tree, extensive_search=False, original_date=True, url=url)
    if not found:
        return None
    try:
        day = date.fromisoformat(found)
    except ValueError:
        return None
    candidates = [
        meta.get("content") or ""
        for meta in tree.iterfind(".//meta[@content]")
        if (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower() in _PUBLISHED_META
    ]
    candidates += [t.get("datetime") or "" for t in tree.iterfind(".//time[@datetime]")][:3]
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        if script.text:
            candidates += _JSON_DATE_PUBLISHED.findall(script.text)
    for candidate in candidates:
        stamp = _parse_timestamp(candidate)
        if stamp is not None and stamp.date() == day:
            return stamp
        if stamp is not None and stamp.astimezone(_default_tz()).date() == day:
            return stamp.astimezone(_default_tz())
    return datetime.combine(day, time(0), tzinfo=_default_tz())


# Only trafilatura's specific byline expression (rel/class/itemprop "author"), on the tree as
# it is: on the gold it finds as many authors as trafilatura's whole byline search with
# fewer wrong ones (69 right / 46 wrong against 68 / 62) at a third of the cost.
_BYLINE = AUTHOR_XPATHS[:1]


def _head(tree):
    """OpenGraph, ``<meta>`` and JSON-LD fields (trafilatura's readers), read once."""
    meta = examine_meta(tree)
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 — malformed JSON-LD must not lose the article
        pass
    return meta


def _title_and_author(tree, meta) -> tuple[str, str | None]:
    """Title and author as the page prints them: OpenGraph/meta/JSON-LD first, then the page
    itself (single ``<h1>``, title element; a byline element for the author). Nothing is
    inferred: an author given as a profile URL or an e-mail address is dropped.

    Runs last: it removes scripts and styles from ``tree``."""
    # what follows reads visible text: scripts inside <h1> or a byline must not count
    strip_elements(tree, *sanitise.DROP_WITH_CONTENT, with_tail=False)
    title = meta.title or extract_title(tree)
    author = meta.author
    if not author and (byline := extract_metainfo(tree, _BYLINE, len_limit=120)):
        author = normalize_authors(None, byline)
    return _one_line(htmllib.unescape(title or "")), (_one_line(author) or None)


_SAPO_PROBE = 40
_SAPO = XPath(
    ".//body//*[self::p or self::h2 or self::div or self::span or self::section]"
    "[starts-with(normalize-space(.), $probe)]"
)


def _sapo(tree, description: str | None, text: str) -> str | None:
    """The summary paragraph (sapo) printed above the article body, when the extraction
    left it out: Vietnamese outlets put it in its own element before the body container
    (``p.description``, ``h2.detail-sapo``…). Found as the printed element that starts
    with the page's ``og:description``, so that a site-wide description never gets in."""
    summary = _one_line(description)
    if len(summary) < 2 * _SAPO_PROBE:
        return None
    probe = summary[:_SAPO_PROBE]
    if probe in text:
        return None
    for element in _SAPO(tree, probe=probe):
        sapo = _one_line(element.text_content())
        if len(summary) // 2 <= len(sapo) <= 1200:
            return sapo
    return None


# ---------------------------------------------------------------------------------------------
# body


def _text(body) -> str:
    """Plain text of trafilatura's body: one line per block, links and emphasis as text."""
    plain = copy(body)
    strip_tags(plain, "ref", "hi", "del")
    return _plain(xmltotxt(plain, False))


_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
_EMPHASIS = {"#b": "strong", "#strong": "strong", "#i": "em", "#em": "em"}


def _html(body, base_url: str | None) -> str:
    """Trafilatura's body (p, head, list/item, quote, hi, ref, table/row/cell, lb…) → the
    allow-listed HTML, then nh3 over it all the same (the allow-list is the guarantee)."""
    out = Element("div")

    def inline(src, dst) -> None:
        # copy the inline content of ``src`` (text and children) into ``dst``
        _append_text(dst, src.text)
        for child in src:
            tag = child.tag
            if tag == "hi" and (mapped := _EMPHASIS.get(child.get("rend", ""))):
                node = SubElement(dst, mapped)
                inline(child, node)
            elif tag == "ref" and (href := _http_url(child.get("target"), base_url)):
                node = SubElement(dst, "a", href=href)
                inline(child, node)
            elif tag == "lb":
                _append_text(dst, "\n")
            elif tag in ("graphic", "img"):
                pass
            else:
                inline(child, dst)
            _append_text(dst, child.tail)

    def block(src, parent) -> None:
        tag = src.tag
        if tag in ("p", "code", "quote") and not any(c.tag in _BLOCKS for c in src):
            node = SubElement(parent, "blockquote" if tag == "quote" else "p")
            inline(src, node)
        elif tag == "quote":
            node = SubElement(parent, "blockquote")
            _children(src, node)
        elif tag == "head":
            node = SubElement(parent, _HEADINGS.get(src.get("rend", ""), "h3"))
            inline(src, node)
        elif tag == "list":
            node = SubElement(parent, "ol" if src.get("rend", "").startswith("ol") else "ul")
            for item in src:
                if item.tag == "item":
                    li = SubElement(node, "li")
                    if any(c.tag in _BLOCKS for c in item):
                        _children(item, li)
                    else:
                        inline(item, li)
        elif tag == "table":
            for row in src.iter("row"):
                cells = [" ".join("".join(c.itertext()).split()) for c in row if c.tag == "cell"]
                if any(cells):
                    SubElement(parent, "p").text = " | ".join(cells)
        elif tag in ("graphic", "img"):
            pass
        elif any(c.tag in _BLOCKS for c in src):
            _children(src, parent)
        else:
            node = SubElement(parent, "p")
            inline(src, node)

    def _children(src, parent) -> None:
        # a container holding blocks: loose text becomes paragraphs of its own
        if src.text and src.text.strip():
            SubElement(parent, "p").text = src.text
        for child in src:
            block(child, parent)
            if child.tail and child.tail.strip():
                SubElement(parent, "p").text = child.tail

    _children(body, out)
    raw = "".join(tostring(child, encoding="unicode", with_tail=False) for child in out)
    return sanitise.clean(raw)


_BLOCKS = frozenset({"p", "head", "list", "quote", "table", "code", "div"})


def _append_text(node, text: str | None) -> None:
    if text and "<" in text:  # markup written as text ("&lt;script&gt;…"): dropped as in ``text``
        text = _MARKUP.sub("", text)
    if not text:
        return
    if len(node):
        last = node[-1]
        last.tail = (last.tail or "") + text
    else:
        node.text = (node.text or "") + text


# ---------------------------------------------------------------------------------------------
# the stage


def _options(url: str | None) -> Extractor:
    return Extractor(
        output_format="txt",  # "python" would render a markdown text we do not use
        comments=False,  # reader comments are not the article (and are personal data)
        formatting=True,  # bold/italic for the HTML body; the plain text is rendered without
        links=True,
        images=False,
        tables=True,
        fast=True,  # no readability/jusText fallbacks: -20% time for -0.5 point of gold text (bench/extraction.py)
        url=url,
    )


def extract(html: str | bytes, url: str | None = None) -> Extracted | None:
    """The article of one page, or None when the page is too large, unparsable or has no
    main text.

    ``html`` is the page as fetched (bytes are decoded with :func:`decode_html`); ``url`` is
    where it was fetched from, used to resolve relative links and as a date hint."""
    if html is None or len(html) > MAX_HTML_BYTES:
        return None
    if isinstance(html, bytes):
        html = decode_html(html)
    if not html.strip():
        return None
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = load_html(html)
    except (TypeError, ValueError):
        return None
    if tree is None:
        return None

    canonical = _canonical_url(tree, url)
    base = url or canonical
    # trafilatura works on its own copy of the tree, htmldate too; the head look-ups only read
    # it, except the title/author fallback which runs last
    document = bare_extraction(tree, options=_options(base))
    if document is None or document.body is None:
        return None
    text = _text(document.body)
    if not text:
        return None
    meta = _head(tree)
    if sapo := _sapo(tree, meta.description, text):
        paragraph = Element("p")
        paragraph.text = sapo
        document.body.insert(0, paragraph)
        text = f"{sapo}\n{text}"
    published = _published(tree, base)
    language_hint = _language_hint(tree)
    title, author = _title_and_author(tree, meta)
    return Extracted(
        title=title,
        text=text,
        lead=_lead(text, title),
        author=author,
        published=published,
        language_hint=language_hint,
        html=_html(document.body, base),
        canonical_url=canonical,
    )
