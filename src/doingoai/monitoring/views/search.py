"""The search screen: HTTP in, search and exports out."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import alerts, exports, search
from ..forms import SaveSearchForm, SearchForm
from ..models import Article
from . import file_response, monitoring_only

PER_PAGE = 20


@monitoring_only
def search_view(request):
    form = SearchForm(request.GET or None)
    save_form = SaveSearchForm(request.POST or None, prefix="luu")
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("q") and save_form.is_valid():
        try:
            saved, created = alerts.save_search(request.user, save_form.cleaned_data["name"], form.cleaned_data["q"],
                                                alerts.params_of(form.cleaned_data), save_form.cleaned_data["shared"])
        except ValidationError as exc:
            save_form.add_error("name", exc)
        else:
            messages.success(request, _("Đã lưu tìm kiếm «%(name)s».") % {"name": saved.name})
            return HttpResponseRedirect(request.get_full_path())
    page, hits, error, paginator = None, [], "", None
    if form.is_valid() and form.cleaned_data.get("q"):
        query, filters = form.cleaned_data["q"], form.filters()
        fmt = request.GET.get("xuat")
        try:
            if fmt in ("csv", "xlsx"):
                ids = list(search.iter_matches(query, filters))
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
                body = exports.to_csv(ids) if fmt == "csv" else exports.to_xlsx(ids)
                return file_response(body, f"tim-kiem-{stamp}.{fmt}")
            try:
                number = max(1, int(request.GET.get("trang", "1")))
            except ValueError:
                number = 1
            page = search.search(query, filters=filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
            paginator = Paginator(range(page.total), PER_PAGE).get_page(number)
            articles = Article.objects.select_related("source", "story").in_bulk([h.article_id for h in page.hits])
            hits = [(h, articles.get(h.article_id)) for h in page.hits if h.article_id in articles]
        except search.QueryError as exc:
            error = str(exc)
    params = request.GET.copy()
    params.pop("trang", None)
    params.pop("xuat", None)
    return TemplateResponse(request, "monitoring/search.html", {
        "form": form, "page": page, "hits": hits, "error": error, "paginator": paginator,
        "params": params.urlencode(), "page_title": _("Tìm kiếm bài báo"), "save_form": save_form,
    })
