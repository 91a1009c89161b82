"""Identity of fetched articles: one canonical form per URL, one hash per text.

Fetching is idempotent because the pipeline stores an article under ``url_key`` (the same
page reached through a feed with ``utm_*`` tags, a Zalo share with ``zarsrc``, the AMP or
the mobile edition gets the same key) and notices a re-published copy by ``content_hash``
(the same title and text with other spaces, quotes, case or marks gets the same hash).

``canonical_url`` rules, in order (courlan does the base normalisation):

1. scrub (whitespace, ``&amp;``, markup rests) and refuse nothing: a string that is not an
   absolute http(s) URL comes back trimmed but otherwise unchanged;
2. scheme folded to ``https`` (news sites answer both; identity must not depend on which
   link a feed printed), user and password dropped, host lower-cased, punycode decoded,
   trailing dot and default ports (80, 443) dropped;
3. mirror hosts folded (``MIRROR_PREFIXES``: ``www.``, ``m.``, ``mobile.``, ``amp.``) when
   what remains is still a registrable domain of its own and the host is not in
   ``NOT_MIRRORS``;
4. path: dot segments resolved, percent escapes upper-cased, non-ASCII quoted, a trailing
   ``/amp`` (AMP edition) removed, an empty path made ``/``;
5. query: tracking parameters dropped (``TRACKING_PARAMS`` and ``TRACKING_PREFIXES``),
   the others kept with their values and sorted;
6. fragment dropped, except a ``#!`` route of a script-driven site, which names the page.

The canonical form is an identity, not an address: an article keeps the address it was
published at (``stored_url``: only tracking parameters and the fragment removed), so that a
page served over plain http, or only under ``www.``, still opens from the platform.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from courlan import normalize_url, scrub_url

from doingoai.core import vntext

__all__ = [
    "MIRROR_PREFIXES",
    "NOT_MIRRORS",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "canonical_url",
    "content_hash",
    "stored_url",
    "url_key",
]

#: Query parameters that only say where a reader came from. Compared case-insensitively.
TRACKING_PARAMS = frozenset({
    # ad and social click ids
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "igsh", "epik", "mc_cid", "mc_eid", "_ga", "_gl",
    # Zalo shares (zarsrc, gidzl) and Facebook share parameters
    "zarsrc", "gidzl", "fb_action_ids", "fb_action_types", "fb_ref", "fb_source",
    "action_object_map", "action_type_map", "action_ref_map",
    # referrers and campaign tags used by outlets and aggregators
    "ref", "ref_src", "ref_url", "referer", "referrer", "cmpid", "icid", "ncid", "ocid",
    "s_cid", "xtor", "spm", "share", "sr_share", "trk", "trkcampaign", "cmp", "soc_src",
    "soc_trk", "at_medium", "at_campaign", "wt_mc", "__twitter_impression", "rss",
    "amp", "outputtype", "isappinstalled",
})
#: Families of tracking parameters: ``utm_source``, ``pk_campaign``, ``hsa_grp``…
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_", "hsa_", "_hs", "mc_", "ga_", "itm_", "vero_", "oly_", "fb_")

#: Sub-domains that serve the same articles as the bare domain (desktop, mobile and AMP
#: editions of an outlet). Folded only when what remains is a registrable domain.
MIRROR_PREFIXES = ("www.", "m.", "mobile.", "amp.")
#: Hosts whose ``m.``/``www.``… label is not a mirror (link shorteners, separate services).
NOT_MIRRORS = frozenset({"m.me", "m.youtube.com", "m.facebook.com", "amp.dev", "www.amp.dev"})
#: Second-level labels under which a name is not registrable on its own: "m.com.vn" stays.
_PUBLIC_SECOND_LEVEL = frozenset({
    "com", "net", "org", "gov", "edu", "ac", "co", "or", "ne", "go", "int", "info", "biz",
    "health", "name", "pro", "mil", "nom", "gob", "gouv",
})

_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_AMP_SUFFIX = re.compile(r"(?:/amp)+/?$", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _registrable(host: str) -> bool:
    """Whether ``host`` can name a site on its own (a rough public-suffix check)."""
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return False
    if len(labels) == 2:
        return labels[0] not in _PUBLIC_SECOND_LEVEL
    return True


def _fold_mirror(host: str) -> str:
    while host not in NOT_MIRRORS:
        for prefix in MIRROR_PREFIXES:
            if host.startswith(prefix) and _registrable(host[len(prefix):]):
                host = host[len(prefix):]
                break
        else:
            return host
    return host


def _path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/")
    resolved = posixpath.normpath(path)
    if resolved.startswith("//"):  # normpath keeps a leading "//"
        resolved = "/" + resolved.lstrip("/")
    if resolved == ".":
        resolved = "/"
    if trailing and not resolved.endswith("/"):
        resolved += "/"
    resolved = _AMP_SUFFIX.sub("", resolved) or "/"
    resolved = quote(resolved, safe="/%!$&'()*+,;=:@-._~")
    return _PERCENT_ESCAPE.sub(lambda m: m.group().upper(), resolved)


def _query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k and not _is_tracking(k)]
    return urlencode(sorted(pairs), quote_via=quote, safe="-._~")


def canonical_url(url: str) -> str:
    """The one form of ``url`` that every link to the same article shares (rules above)."""
    raw = (url or "").strip()
    cleaned = scrub_url(raw) if raw else raw
    if cleaned.startswith("//"):
        cleaned = "https:" + cleaned
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return raw
    host = parts.hostname.rstrip(".")
    if port is not None and port not in (80, 443):  # both are defaults once the scheme is https
        host = f"{host}:{port}"
    # courlan: lower-cased host, punycode decoded, path quoted (default ports are gone already)
    base = urlsplit(normalize_url(urlunsplit((scheme, host, parts.path, "", ""))))
    netloc = base.netloc
    hostname, colon, port_text = netloc.rpartition(":") if netloc.count(":") == 1 else (netloc, "", "")
    netloc = _fold_mirror(hostname) + colon + port_text
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit(("https", netloc, _path(base.path), _query(parts.query), fragment))


def stored_url(url: str) -> str:
    """The address kept for an article and linked to: as published (scheme, host, port and
    path untouched, so that it still opens), without tracking parameters or a fragment. Its
    identity is :func:`canonical_url`, which may differ (https, no ``www.``, …)."""
    raw = (url or "").strip()
    try:
        parts = urlsplit(scrub_url(raw) if raw else raw)
    except ValueError:
        return raw
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return raw
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", _query(parts.query), fragment))


def url_key(url: str) -> str:
    """SHA-256 (hex) of :func:`canonical_url`: the ``Article.url_key`` of the page."""
    return key_of(canonical_url(url))


def key_of(canonical: str) -> str:
    """The ``url_key`` of an address already made canonical."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _WithoutFormatCharacters(dict):
    """A ``str.translate`` table dropping format characters (category Cf), filled on first sight."""

    def __missing__(self, code: int) -> int | None:
        value = self[code] = None if unicodedata.category(chr(code)) == "Cf" else code
        return value


_NO_FORMAT = _WithoutFormatCharacters()


def _content_words(text: str) -> str:
    # zero-width spaces and soft hyphens (format characters) must not split a word
    return " ".join(vntext.fold_tokens(text.translate(_NO_FORMAT))) if text else ""


def content_hash(title: str, text: str) -> str:
    """SHA-256 (hex) of the article's words: folded with ``vntext.fold`` (case, marks, đ),
    punctuation and symbols dropped, whitespace collapsed. A re-ingested copy with other
    spaces, quotes, dashes, case, composed or decomposed marks hashes the same; a changed
    word does not. Title and text stay apart, so moving a word between them counts."""
    payload = _content_words(title or "") + "\n" + _content_words(text or "")
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
