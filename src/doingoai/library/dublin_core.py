"""The Dublin Core description of a library item (simple DC, the fifteen elements).

One function of the item, used by the OAI-PMH endpoint (``oai_dc``), the catalogue's citation
and the metadata of the item page, so that they always say the same thing:

    elements(item) → [("title", "…"), ("creator", "…"), ("creator", "…"), ("subject", "…"), …]

Repeatable elements (creator, subject, contributor, relation) hold one value per line in the
model; here each line becomes one element. Values are NFC; empty elements are left out. The
order is the order of the ``oai_dc`` schema's examples (title, creator, subject, description,
publisher, contributor, date, type, format, identifier, source, language, relation, coverage,
rights)."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.urls import reverse

from doingoai.core import seed
from doingoai.core.vntext import fold

from .models import Item, Kind

__all__ = ["DCMI_TYPES", "ELEMENTS", "dcmi_type", "elements", "grouped", "language_codes", "public_url",
           "split_lines"]

# The fifteen elements of the Dublin Core Metadata Element Set 1.1, in output order.
ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)

# The DCMI Type Vocabulary term of each kind of item (https://www.dublincore.org/specifications/
# dublin-core/dcmi-type-vocabulary/). A map is a still image.
DCMI_TYPES: dict[str, str] = {
    Kind.ARTICLE: "Text",
    Kind.DOCUMENT: "Text",
    Kind.BOOK: "Text",
    Kind.CHAPTER: "Text",
    Kind.IMAGE: "StillImage",
    Kind.MAP: "StillImage",
    Kind.VIDEO: "MovingImage",
    Kind.AUDIO: "Sound",
}

_LANGUAGE_SPLIT = re.compile(r"[,;/]+")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)
# Names an editor may type instead of a code (folded with ``vntext.fold``).
_LANGUAGE_NAMES = {
    "tieng viet": "vi", "viet": "vi", "vietnamese": "vi", "tieng anh": "en", "anh": "en", "english": "en",
    "tieng trung": "zh", "tieng hoa": "zh", "chinese": "zh", "tieng phap": "fr", "french": "fr",
    "tieng nga": "ru", "russian": "ru", "tieng nhat": "ja", "japanese": "ja", "tieng han": "ko",
    "korean": "ko",
}


def _clean(value) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()


def split_lines(text: str) -> list[str]:
    """The non-empty lines of a repeatable element, trimmed, each once (in their order)."""
    seen: set[str] = set()
    values = []
    for line in (text or "").splitlines():
        line = _clean(line)
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            values.append(line)
    return values


def language_codes(text: str) -> list[str]:
    """"vi, EN; Tiếng Pháp" → ["vi", "en", "fr"]: ISO 639 codes, names of common languages
    turned into their codes, anything else kept as typed."""
    codes = []
    for part in _LANGUAGE_SPLIT.split(text or ""):
        part = _clean(part)
        if not part:
            continue
        tokens = part.split()
        if fold(part) in _LANGUAGE_NAMES:
            codes.append(_LANGUAGE_NAMES[fold(part)])
        elif all(_LANGUAGE_CODE.match(token) for token in tokens):
            codes += [token.lower() for token in tokens]
        else:
            codes.append(part)
    return codes


def dcmi_type(kind: str) -> str:
    return DCMI_TYPES.get(kind, "Text")


def public_url(item: Item, request=None) -> str:
    """The absolute address of the item's public page: on the platform's address
    (``settings.WAGTAILADMIN_BASE_URL``, the canonical one, used by OAI-PMH and citations), or
    on the address the reader used when ``request`` is given."""
    path = reverse("library_public_item", args=[item.pk])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def elements(item: Item, request=None) -> list[tuple[str, str]]:
    """The Dublin Core elements of ``item`` as (element, value) pairs, in ``ELEMENTS`` order,
    repeated elements one value each. ``type`` is the DCMI type, then the kind's name
    (e.g. "Text", "Sách"); ``identifier`` is the public address, then the item's own
    identifier (document number, ISBN …); ``date`` is ISO 8601 (YYYY-MM-DD); ``language`` are
    the ISO 639 codes; ``subject`` are the keywords, then the names of the plan's themes."""
    out: list[tuple[str, str]] = []

    def add(name: str, *values: str) -> None:
        seen = {v.casefold() for n, v in out if n == name}
        for value in values:
            value = _clean(value)
            if value and value.casefold() not in seen:
                seen.add(value.casefold())
                out.append((name, value))

    add("title", item.title)
    add("creator", *split_lines(item.creator))
    themes = seed.theme_names()
    add("subject", *split_lines(item.subject), *(themes[c] for c in item.themes or [] if c in themes))
    add("description", item.description)
    add("publisher", item.publisher)
    add("contributor", *split_lines(item.contributor))
    add("date", item.date.isoformat() if item.date else "")
    kind_label = dict(Kind.choices).get(item.kind, "")
    add("type", dcmi_type(item.kind), str(kind_label))
    add("format", item.format)
    add("identifier", public_url(item, request) if item.pk else "", *split_lines(item.identifier))
    add("source", item.source)
    add("language", *language_codes(item.language))
    add("relation", *split_lines(item.relation))
    add("coverage", item.coverage)
    add("rights", item.rights)
    return out


def grouped(item: Item, request=None) -> dict[str, list[str]]:
    """The same as ``elements``, as element → values (only the elements that have a value)."""
    out: dict[str, list[str]] = {}
    for name, value in elements(item, request):
        out.setdefault(name, []).append(value)
    return out
