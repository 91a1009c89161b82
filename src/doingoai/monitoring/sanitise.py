"""The one policy for press HTML: what the extractor stores and what the article page shows
(cleaned again there) go through ``clean``. Fetched HTML is untrusted everywhere."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset({"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "strong", "em", "a"})
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
DROP_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "svg", "math"}


def clean(raw: str) -> str:
    """Only the allowed tags, links with ``rel="noopener nofollow"``, no comments; scripts and
    the like dropped with their content."""
    return nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        clean_content_tags=DROP_WITH_CONTENT,
        strip_comments=True,
    ).strip()
