"""Items made from other modules: "Thêm vào thư viện" on a monitored article (a button on the
article's page, through ``register_monitoring_action``) and on an entry of the argument
library (the screen "Thêm từ tư liệu, lập luận": the argument library's own screens belong to
the cases app and its Wagtail ModelViewSet has no hook for extra buttons). Each makes one
draft per source (a second click opens it) and leads to the item's editor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doingoai.core import vntext
from doingoai.core.responses import forbidden

from .. import publishing
from ..viewsets import edit_url
from . import library_only

PER_PAGE = 30


def can_draft(user) -> bool:
    return user.has_perm("library.add_item")


def _refused(request):
    return forbidden(request, _("Bạn chưa được phân quyền thêm tài liệu vào thư viện."))


@library_only
@require_POST
def from_article(request, article_pk):
    from doingoai.monitoring.models import Article

    if not can_draft(request.user):
        return _refused(request)
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_pk)
    item, created = publishing.draft_from_article(article, request.user)
    if created:
        messages.success(request, _("Đã tạo bản nháp tài liệu thư viện từ bài báo, kèm bản lưu của bài."))
    else:
        messages.info(request, _("Bài báo này đã có trong thư viện; mở tài liệu đã có."))
    return redirect(edit_url(item))


@library_only
@require_POST
def from_argument(request, argument_pk):
    from doingoai.cases.models import Argument

    if not can_draft(request.user):
        return _refused(request)
    argument = get_object_or_404(Argument, pk=argument_pk)
    item, created = publishing.draft_from_argument(argument, request.user)
    if created:
        messages.success(request, _("Đã tạo bản nháp tài liệu thư viện từ tư liệu, lập luận."))
    else:
        messages.info(request, _("Tư liệu này đã có trong thư viện; mở tài liệu đã có."))
    return redirect(edit_url(item))


@library_only
def arguments(request):
    """The entries of the argument library, with "Thêm vào thư viện" beside each."""
    from doingoai.cases.models import Argument

    query = (request.GET.get("q") or "").strip()
    found = Argument.objects.all().order_by("title")
    for word in vntext.fold(query).split():
        found = found.filter(folded__contains=word)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("trang"))
    made = {}
    from ..models import Item

    for item in Item.objects.filter(source_argument__in=[a.pk for a in page], removed_at__isnull=True):
        made.setdefault(item.source_argument_id, item)
    rows = [{"argument": a, "item": made.get(a.pk), "edit_url": edit_url(made[a.pk]) if a.pk in made else ""}
            for a in page]
    return TemplateResponse(request, "library/staff/arguments.html", {
        "page_title": _("Thêm từ tư liệu, lập luận"), "page": page, "rows": rows, "q": query,
        "can_draft": can_draft(request.user), "params": urlencode({"q": query}) if query else "",
    })
