"""The public catalogue: home, search, a collection, an item (thin: ``catalogue`` and
``search`` do the work). Non-public items answer 404, not 403, so that their existence is not
revealed; a removed item that was public answers 410 with its tombstone."""

from __future__ import annotations

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from doingoai.core import public_links

from .. import catalogue
from .. import search as catalogue_search
from ..access import can_view, public_items
from ..models import Collection, Item

public_links.register(public_links.PublicLink(
    title=gettext_lazy("Thư viện điện tử biển, đảo"),
    url=reverse_lazy("library_public_home"),
    description=gettext_lazy("Tài liệu, bản đồ, hình ảnh về biển, đảo và chủ quyền biển, đảo; tìm kiếm có dấu "
                             "hoặc không dấu."),
    order=20,
))

PER_PAGE = 20


def _page_number(request) -> int:
    try:
        return max(1, min(10_000, int(request.GET.get("page", 1))))
    except ValueError:
        return 1


def _facets(request) -> dict[str, list[str]]:
    return {name: request.GET.getlist(name) for name in catalogue_search.FACETS if request.GET.getlist(name)}


def _page_url(request, page: int) -> str:
    params = QueryDict(mutable=True)
    params.update(request.GET)
    params["page"] = str(page)
    return "?" + params.urlencode()


def _results(request, *, fixed: dict | None = None, hide: tuple[str, ...] = ()) -> dict:
    q = request.GET.get("q", "").strip()
    facets = {**_facets(request), **(fixed or {})}
    page = _page_number(request)
    error = ""
    try:
        result = catalogue_search.search(q, facets=facets, page=page, per_page=PER_PAGE)
        if page > result.page_count:
            result = catalogue_search.search(q, facets=facets, page=result.page_count, per_page=PER_PAGE)
    except catalogue_search.QueryError as exc:
        error = str(exc)
        result = catalogue_search.Result(total=0)
    hits = [{"item": item, "title": result.titles.get(item.pk, ""), "snippet": result.snippets.get(item.pk, ""),
             "page": result.pages.get(item.pk)} for item in result.items]
    groups = catalogue.facet_groups(result, hide=hide)
    return {
        "q": q,
        "result": result,
        "hits": hits,
        "error": error,
        "groups": groups,
        "any_selected": any(g.selected for g in groups),
        "first_number": (result.page - 1) * result.per_page + 1,
        "previous_url": _page_url(request, result.page - 1) if result.page > 1 else "",
        "next_url": _page_url(request, result.page + 1) if result.page < result.page_count else "",
    }


@require_safe
def home(request):
    collections = [
        {"collection": c, "name": catalogue.collection_name(c), "description": catalogue.collection_description(c),
         "count": c.count}
        for c in catalogue.public_collections()
    ]
    return TemplateResponse(request, "library/public/home.html", {
        "page_title": "",
        "collections": collections,
        "newest": catalogue.newest_items(),
        "total": public_items().count(),
    })


@require_safe
def search(request):
    context = _results(request)
    context["page_title"] = _("Tìm kiếm") if not context["q"] else _("Tìm «%(q)s»") % {"q": context["q"]}
    return TemplateResponse(request, "library/public/search.html", context)


@require_safe
def collection(request, slug):
    found = get_object_or_404(Collection, slug=slug, public=True)
    context = _results(request, fixed={"collection": [str(found.pk)]}, hide=("collection",))
    name = catalogue.collection_name(found)
    context.update(collection=found, collection_name=name, page_title=name,
                   collection_description=catalogue.collection_description(found))
    return TemplateResponse(request, "library/public/search.html", context)


@require_safe
def item(request, pk):
    found = get_object_or_404(Item, pk=pk)
    if found.removed_at is not None:
        if not catalogue.tombstone_visible(found):
            raise Http404
        return TemplateResponse(request, "library/public/tombstone.html", {
            "item": found, "page_title": found.title,
            "removed_at": timezone.localtime(found.removed_at),
        }, status=410)
    if not can_view(request.user, found):
        raise Http404
    try:
        start_page = max(1, int(request.GET.get("trang", "")))
    except ValueError:
        start_page = None
    return TemplateResponse(request, "library/public/item.html", {
        "object": found, "page_title": found.title,
        "entry": catalogue.item_context(found, request),
        "start_page": start_page,
    })
