"""schema.org ClaimReview markup of a published clarification, and a checker of Google's rules
for it (https://developers.google.com/search/docs/appearance/structured-data/factcheck).

    data = claimreview.claim_review(clarification, request)
    claimreview.validate(data)          # [] when the markup is complete
    claimreview.script_tag(data)        # <script type="application/ld+json">…</script>, safe

The verdict is given both as words (``alternateName``: the Vietnamese label, e.g. "Sai sự
thật", what Google shows) and on a 1..5 scale (``ratingValue``, ``worstRating`` 1,
``bestRating`` 5)::

    false 1 · misleading 2 · unproven 3 · mixed 4 · true 5

"Chưa có căn cứ" (unproven) sits in the middle: nothing supports the claim, nothing yet
disproves it; "Đúng một phần" (mixed) is closer to true than unproven is.

The claim's author is named only when it is an outlet or an organisation (the source of the
monitored article where it appeared, unless that source is a personal page): no private
persons (Decree 13/2023)."""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localdate

__all__ = ["RATING_VALUES", "BEST", "WORST", "claim_review", "validate", "script_tag", "to_json"]

RATING_VALUES = {"false": 1, "misleading": 2, "unproven": 3, "mixed": 4, "true": 5}
WORST, BEST = 1, 5
CONTEXTS = {"https://schema.org", "http://schema.org", "https://schema.org/", "http://schema.org/"}
AUTHOR_TYPES = {"Organization", "Person", "NewsMediaOrganization", "GovernmentOrganization"}


def _day(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return localdate(value).isoformat() if value.tzinfo else value.date().isoformat()
    return value.isoformat()


def _claim_author(clarification) -> dict | None:
    """The outlet where the claim appeared: the source of the case's monitored article at the
    claim's address. Personal pages are never named."""
    from doingoai.monitoring.models import Source

    for case_url in clarification.case.urls.select_related("article__source"):
        article = case_url.article
        if case_url.url != clarification.appearance_url or article is None or article.source is None:
            continue
        source = article.source
        if source.kind == Source.Kind.BLOG:
            return None
        author = {"@type": "Organization", "name": source.name}
        if source.homepage:
            author["url"] = source.homepage
        return author
    return None


def claim_review(clarification, request) -> dict:
    """The ClaimReview of ``clarification``, with absolute addresses from ``request``. A draft
    (seen in preview) is dated today."""
    from doingoai.core.models import Organisation

    published = clarification.first_published_at
    day = localdate(published) if published else localdate()
    organisation = Organisation.on(day)
    rating = clarification.rating
    appearance = {"@type": "CreativeWork", "url": clarification.appearance_url}
    if clarification.appearance_published:
        appearance["datePublished"] = _day(clarification.appearance_published)
    claim = {"@type": "Claim", "appearance": appearance}
    if clarification.appearance_published:
        claim["datePublished"] = _day(clarification.appearance_published)
    author = _claim_author(clarification) if clarification.case_id else None
    if author:
        claim["author"] = author
    try:
        url = clarification.get_absolute_url()
    except NoReverseMatch:  # previewed before it has an address
        url = reverse("cases_public_clarifications")
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": request.build_absolute_uri(url),
        "claimReviewed": clarification.claim_reviewed,
        "datePublished": day.isoformat(),
        "inLanguage": "vi",
        "author": {
            "@type": "Organization",
            "name": organisation.name if organisation else "",
            "url": request.build_absolute_uri("/"),
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUES.get(rating, 3),
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": str(clarification.get_rating_display()),
        },
        "itemReviewed": claim,
    }


# --- rendering -------------------------------------------------------------------------------

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def to_json(data: dict) -> str:
    """JSON text that can stand inside a <script> element: <, > and & escaped as JSON escapes
    (as Django's ``json_script`` does), so no "</script>" can close it early."""
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_ESCAPES)


def script_tag(data: dict) -> SafeString:
    return mark_safe(f'<script type="application/ld+json">\n{to_json(data)}\n</script>')  # noqa: S308


# --- validation ------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$")


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _url(value) -> bool:
    if not _text(value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _types(node) -> set[str]:
    kind = node.get("@type") if isinstance(node, dict) else None
    return set(kind) if isinstance(kind, list) else {kind}


def _date_problem(where: str, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, str) or not _DATE.match(value):
        return [f"{where}: not an ISO 8601 date"]
    try:
        datetime.date.fromisoformat(value[:10])
    except ValueError:
        return [f"{where}: not an ISO 8601 date"]
    return []


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _rating_problems(rating) -> list[str]:
    if not isinstance(rating, dict):
        return ["reviewRating: required (a Rating)"]
    problems = []
    if "Rating" not in _types(rating):
        problems.append("reviewRating.@type: must be Rating")
    if not _text(rating.get("alternateName")):
        problems.append("reviewRating.alternateName: required (the verdict in words)")
    if "ratingValue" in rating:
        value = _number(rating["ratingValue"])
        worst = _number(rating.get("worstRating", 1))
        best = _number(rating.get("bestRating", 5))
        if value is None:
            problems.append("reviewRating.ratingValue: not a number")
        elif worst is None or best is None:
            problems.append("reviewRating.worstRating/bestRating: not numbers")
        elif worst >= best:
            problems.append("reviewRating: worstRating must be below bestRating")
        elif not worst <= value <= best:
            problems.append("reviewRating.ratingValue: outside worstRating..bestRating")
    return problems


def _author_problems(where: str, author, required: bool) -> list[str]:
    if author is None:
        return [f"{where}: required (an Organization or Person with a name)"] if required else []
    if not isinstance(author, dict):
        return [f"{where}: must be an Organization or Person"]
    problems = []
    if not (_types(author) & AUTHOR_TYPES):
        problems.append(f"{where}.@type: must be Organization or Person")
    if not _text(author.get("name")):
        problems.append(f"{where}.name: required")
    if "url" in author and not _url(author["url"]):
        problems.append(f"{where}.url: not an absolute http(s) address")
    return problems


def _item_problems(item) -> list[str]:
    if not isinstance(item, dict):
        return ["itemReviewed: required (a Claim)"]
    problems = []
    if "Claim" not in _types(item):
        problems.append("itemReviewed.@type: must be Claim")
    appearances = [(key, item[key]) for key in ("appearance", "firstAppearance") if key in item]
    if not appearances:
        problems.append("itemReviewed.appearance: required (or firstAppearance)")
    for key, value in appearances:
        for work in value if isinstance(value, list) else [value]:
            if not isinstance(work, dict) or not (_types(work) & {"CreativeWork", "NewsArticle", "Article",
                                                                   "WebPage", "SocialMediaPosting"}):
                problems.append(f"itemReviewed.{key}: must be a CreativeWork")
                continue
            if not _url(work.get("url")):
                problems.append(f"itemReviewed.{key}.url: required (an absolute http(s) address)")
            problems += _date_problem(f"itemReviewed.{key}.datePublished", work.get("datePublished"))
    problems += _author_problems("itemReviewed.author", item.get("author"), required=False)
    problems += _date_problem("itemReviewed.datePublished", item.get("datePublished"))
    return problems


def validate(data) -> list[str]:
    """The problems of ``data`` as ClaimReview structured data (Google's rules): an empty list
    when it is complete. Required: ``@context`` schema.org, ``@type`` ClaimReview, ``url``,
    ``claimReviewed``, ``author`` with its name, ``reviewRating`` (a Rating with
    ``alternateName``, and ``ratingValue`` within ``worstRating``..``bestRating`` when given),
    ``itemReviewed`` (a Claim with ``appearance`` or ``firstAppearance``: a CreativeWork with
    its ``url``). Dates, when given, must be ISO 8601."""
    if not isinstance(data, dict):
        return ["not a JSON-LD object"]
    problems = []
    if data.get("@context") not in CONTEXTS:
        problems.append("@context: must be https://schema.org")
    if "ClaimReview" not in _types(data):
        problems.append("@type: must be ClaimReview")
    if not _url(data.get("url")):
        problems.append("url: required (an absolute http(s) address)")
    if not _text(data.get("claimReviewed")):
        problems.append("claimReviewed: required")
    problems += _author_problems("author", data.get("author"), required=True)
    problems += _rating_problems(data.get("reviewRating"))
    problems += _item_problems(data.get("itemReviewed"))
    problems += _date_problem("datePublished", data.get("datePublished"))
    return problems
