"""Selectors of the public catalogue: collections with their counts, the newest items, facets
with their labels, the metadata table, the viewers of an item's files, the citation.

Everything here reads; the screens (``views/public.py``) only pass requests in and these
results out. Labels follow the active language (Vietnamese by default; English through the
catalogue of translations, and ``name_en`` / ``description_en`` of collections)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html import escape

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doingoai.core import seed

from . import dublin_core
from .access import public_items
from .models import Access, Collection, Item, ItemFile, Kind
from .search import FACETS, Result, languages_of

__all__ = [
    "FacetGroup", "FacetOption", "Viewer", "citation", "citation_html", "collection_description",
    "collection_name", "facet_groups", "file_url", "is_english", "item_context", "language_name",
    "metadata_rows", "newest_items", "public_collections", "theme_name", "tombstone_visible", "viewers",
]

FACET_LABELS = {
    "theme": gettext_lazy("Chủ đề"),
    "kind": gettext_lazy("Loại tài liệu"),
    "year": gettext_lazy("Năm"),
    "language": gettext_lazy("Ngôn ngữ"),
    "collection": gettext_lazy("Bộ sưu tập"),
}

LANGUAGE_NAMES = {
    "vi": gettext_lazy("Tiếng Việt"), "en": gettext_lazy("Tiếng Anh"), "zh": gettext_lazy("Tiếng Trung"),
    "ko": gettext_lazy("Tiếng Hàn"), "ja": gettext_lazy("Tiếng Nhật"), "fr": gettext_lazy("Tiếng Pháp"),
    "ru": gettext_lazy("Tiếng Nga"), "de": gettext_lazy("Tiếng Đức"),
}

ELEMENT_LABELS = {
    "title": gettext_lazy("Nhan đề"),
    "creator": gettext_lazy("Tác giả"),
    "subject": gettext_lazy("Chủ đề, từ khóa"),
    "description": gettext_lazy("Tóm tắt"),
    "publisher": gettext_lazy("Nhà xuất bản, cơ quan ban hành"),
    "contributor": gettext_lazy("Người đóng góp"),
    "date": gettext_lazy("Ngày xuất bản, ban hành"),
    "type": gettext_lazy("Loại tài liệu"),
    "format": gettext_lazy("Định dạng"),
    "identifier": gettext_lazy("Định danh"),
    "source": gettext_lazy("Nguồn"),
    "language": gettext_lazy("Ngôn ngữ"),
    "relation": gettext_lazy("Liên kết"),
    "coverage": gettext_lazy("Phạm vi"),
    "rights": gettext_lazy("Bản quyền"),
}

NEWEST = 8


def is_english() -> bool:
    return (translation.get_language() or "vi").split("-")[0] == "en"


# --- collections and themes ------------------------------------------------------------------

def collection_name(collection: Collection) -> str:
    return collection.name_en if is_english() and collection.name_en else collection.name


def collection_description(collection: Collection) -> str:
    return collection.description_en if is_english() and collection.description_en else collection.description


def public_collections():
    """The public collections, in their order, each with ``count``: its items anyone may see."""
    visible = Q(items__live=True, items__access=Access.PUBLIC, items__removed_at__isnull=True)
    return Collection.objects.filter(public=True).annotate(count=Count("items", filter=visible, distinct=True))


def newest_items(limit: int = NEWEST) -> list[Item]:
    return list(public_items().defer("text", "folded").order_by("-first_published_at", "-pk")[:limit])


theme_name = seed.theme_name  # in the reader's language


def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return str(name) if name is not None else code


# --- facets ----------------------------------------------------------------------------------

@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        return [o for o in self.options if o.selected]


def facet_groups(result: Result, *, hide: tuple[str, ...] = ()) -> list[FacetGroup]:
    """The facets of a result as groups of options with labels and counts (selected options
    always shown, even at 0), in a stable order: themes and languages by count, kinds in
    their order, years newest first, collections in their order (public ones only)."""
    collections = {str(c.pk): c for c in Collection.objects.filter(public=True)}
    kinds = [k for k, _label in Kind.choices]
    groups = []
    for name in FACETS:
        if name in hide:
            continue
        counts = dict(result.facet_counts.get(name, {}))
        chosen = result.selected.get(name, set())
        for value in chosen:
            counts.setdefault(value, 0)
        if name == "collection":
            counts = {v: n for v, n in counts.items() if v in collections}
        options = []
        for value, count in counts.items():
            if name == "theme":
                label = theme_name(value)
            elif name == "kind":
                label = str(dict(Kind.choices).get(value, value))
            elif name == "language":
                label = language_name(value)
            elif name == "collection":
                label = collection_name(collections[value])
            else:
                label = value
            options.append(FacetOption(value, label, count, value in chosen))
        if name == "kind":
            options.sort(key=lambda o: kinds.index(o.value) if o.value in kinds else len(kinds))
        elif name == "year":
            options.sort(key=lambda o: o.value, reverse=True)
        elif name == "collection":
            order = {k: (c.order, c.name) for k, c in collections.items()}
            options.sort(key=lambda o: order[o.value])
        else:
            options.sort(key=lambda o: (-o.count, o.label))
        if options:
            groups.append(FacetGroup(name, str(FACET_LABELS[name]), options))
    return groups


# --- an item ---------------------------------------------------------------------------------

def file_url(item_file: ItemFile) -> str:
    return reverse("library_file", args=[item_file.pk, item_file.name])


@dataclass
class Viewer:
    """How the page shows one file: ``kind`` is pdf, image, video, audio or download."""

    kind: str
    file: ItemFile
    url: str


def _viewer_kind(mime: str) -> str:
    mime = (mime or "").lower()
    if mime == "application/pdf":
        return "pdf"
    if mime.startswith("image/") and mime != "image/svg+xml":
        return "image"
    if mime.startswith("video/"):
        return "video"
    if mime.startswith("audio/"):
        return "audio"
    return "download"


def viewers(item: Item) -> tuple[list[Viewer], list[Viewer]]:
    """(what the page shows, every file to download). A PDF made searchable by OCR is shown
    instead of its scanned original; previews are not listed for download."""
    files = list(item.files.all())
    searchable = [f for f in files if f.role == ItemFile.Role.SEARCHABLE]
    shown, downloads = [], []
    for f in files:
        viewer = Viewer(_viewer_kind(f.mime), f, file_url(f))
        if f.role != ItemFile.Role.PREVIEW:
            downloads.append(viewer)
        if viewer.kind == "download" or f.role == ItemFile.Role.PREVIEW:
            continue
        if viewer.kind == "pdf" and searchable and f.role == ItemFile.Role.ORIGINAL:
            continue
        shown.append(viewer)
    return shown, downloads


def metadata_rows(item: Item, request=None) -> list[tuple[str, list[str]]]:
    """(label, values) of the item's Dublin Core description, as the page shows it: dates
    dd/mm/yyyy, languages by name, the kind by its name."""
    rows = []
    for name, values in dublin_core.grouped(item, request).items():
        if name == "title":
            continue
        if name == "date" and item.date:
            values = [item.date.strftime("%d/%m/%Y")]
        elif name == "language":
            values = [language_name(v) for v in values]
        elif name == "type":
            values = [str(dict(Kind.choices).get(item.kind, values[-1]))]
        elif name == "subject" and item.themes:
            themes = set(seed.theme_names().values())
            values = [v for v in values if v not in themes]  # the themes have their own links
            if not values:
                continue
        rows.append((str(ELEMENT_LABELS[name]), values))
    return rows


def _year(item: Item) -> str | None:
    return str(item.date.year) if item.date else None


def _citation_parts(item: Item, accessed: datetime.date, lang: str, url: str) -> tuple[str, str, str]:
    """(before the title, the title, after it) of the citation."""
    with translation.override(lang):
        creators = ", ".join(dublin_core.split_lines(item.creator))
        year = _year(item) or _("không rõ năm")
        after = []
        if item.publisher:
            after.append(item.publisher.strip())
        after.append(_("truy cập ngày %(date)s tại %(url)s") % {"date": accessed.strftime("%d/%m/%Y"), "url": url})
        if creators:
            return f"{creators} ({year}), ", item.title.strip(), ", " + ", ".join(after) + "."
        return "", item.title.strip(), f" ({year}), " + ", ".join(after) + "."


def citation(item: Item, accessed: datetime.date, lang: str = "vi", url: str | None = None) -> str:
    """The item cited in the Vietnamese style: "Tác giả (năm), Nhan đề, Nhà xuất bản, truy cập
    ngày dd/mm/yyyy tại <URL>." — without a creator the title comes first ("Nhan đề (năm), …"),
    without a date the year reads "không rõ năm". ``url``: the item's public address
    (``dublin_core.public_url`` when not given)."""
    before, title, after = _citation_parts(item, accessed, lang, url or dublin_core.public_url(item))
    return before + title + after


def citation_html(item: Item, accessed: datetime.date, lang: str = "vi", url: str | None = None) -> SafeString:
    """The same, escaped, the title in italics."""
    before, title, after = _citation_parts(item, accessed, lang, url or dublin_core.public_url(item))
    return mark_safe(f"{escape(before)}<em>{escape(title)}</em>{escape(after)}")  # every part escaped


def tombstone_visible(item: Item) -> bool:
    """Whether the public may learn that a removed item existed: it was published and public."""
    return item.removed_at is not None and item.first_published_at is not None and item.access == Access.PUBLIC


def item_context(item: Item, request=None) -> dict:
    """Everything the item page shows (also used by the editors' preview, where only the item
    and the request are known)."""
    from django.utils import timezone

    url = dublin_core.public_url(item, request) if item.pk else ""
    lang = "en" if is_english() else "vi"
    shown, downloads = viewers(item) if item.pk else ([], [])
    themes = [(code, theme_name(code)) for code in (item.themes or []) if code in seed.theme_names()]
    collections = [c for c in item.collections.filter(public=True)] if item.pk else []
    image = next((v for v in shown if v.kind == "image"), None)
    today = timezone.localdate()
    return {
        "item": item,
        "url": url,
        "kind_label": str(dict(Kind.choices).get(item.kind, item.kind)),
        "creators": dublin_core.split_lines(item.creator),
        "metadata": metadata_rows(item, request) if item.pk else [],
        "themes": themes,
        "collections": [(c, collection_name(c)) for c in collections],
        "viewers": shown,
        "downloads": downloads,
        "image": image,
        "image_url": request.build_absolute_uri(image.url) if image and request else "",
        "citation": citation_html(item, today, lang, url) if item.pk else "",
        "citation_text": citation(item, today, lang, url) if item.pk else "",
        "languages": [language_name(c) for c in languages_of(item.language)],
        "content_lang": (languages_of(item.language) or ["vi"])[0],
        "date_label": date_format(item.date, "d/m/Y") if item.date else "",
    }
