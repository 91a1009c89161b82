"""The sources' health: every source's figures, one source's last polls, "Lấy tin ngay"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import health
from ..models import Source
from . import monitoring_only

CHECKS_SHOWN = 50
ARTICLES_SHOWN = 10

# ?sap-xep= value → (column title, key of the Figures, reversed by default)
SORTS = {
    "ten": (gettext_lazy("Nguồn tin"), lambda f: f.source.name.casefold(), False),
    "trang-thai": (gettext_lazy("Trạng thái"), lambda f: health.Status.ORDER[f.status], False),
    "thanh-cong": (gettext_lazy("Lần lấy tin thành công gần nhất"), lambda f: f.last_success_at.timestamp()
                   if f.last_success_at else 0.0, True),
    "loi": (gettext_lazy("Số lần lỗi liên tiếp"), lambda f: f.error_streak, True),
    "bai-gan-nhat": (gettext_lazy("Bài gần nhất"), lambda f: f.last_article_at.timestamp() if f.last_article_at else 0.0, True),
    "hom-nay": (gettext_lazy("Bài hôm nay"), lambda f: f.today, True),
    "ngay-7": (gettext_lazy("Bài/ngày (7 ngày)"), lambda f: f.week, True),
    "ngay-14": (gettext_lazy("Bài/ngày (14 ngày)"), lambda f: f.fortnight, True),
    "nhip": (gettext_lazy("Nhịp đăng bình thường"), lambda f: f.usual_minutes, False),
}


def _polling():
    """The polling module brings the fetching and extraction libraries: loaded by the screens
    that poll, not by every web process at start-up."""
    from .. import polling

    return polling


@monitoring_only
def health_index(request):
    rows = health.figures_for(Source.objects.all())
    counts = {code: 0 for code in health.Status.LABELS}
    for row in rows:
        counts[row.status] += 1
    status = request.GET.get("trang-thai", "")
    if status in health.Status.LABELS:
        rows = [r for r in rows if r.status == status]
    else:
        status = ""
    sort = request.GET.get("sap-xep", "trang-thai")
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in SORTS:
        sort, descending = "trang-thai", False
    _title, key, _reverse = SORTS[sort]
    rows.sort(key=lambda f: f.source.name.casefold())
    rows.sort(key=key, reverse=descending)
    columns = []
    for code, (title, _key, reverse_first) in SORTS.items():
        flip = (not descending) if code == sort else reverse_first
        columns.append({
            "code": code, "title": title, "active": code == sort, "descending": descending,
            "query": urlencode({"sap-xep": f"{'-' if flip else ''}{code}", **({"trang-thai": status} if status else {})}),
        })
    filters = [{"code": "", "label": _("Tất cả"), "count": sum(counts.values())}] + [
        {"code": code, "label": str(label), "count": counts[code]} for code, label in health.Status.LABELS.items()
    ]
    return TemplateResponse(request, "monitoring/sources/health.html", {
        "rows": rows, "columns": columns, "filters": filters, "status": status,
        "sort": f"{'-' if descending else ''}{sort}", "page_title": _("Tình trạng nguồn tin"),
    })


@monitoring_only
def health_detail(request, pk):
    source = get_object_or_404(Source, pk=pk)
    found = health.figures(source)
    return TemplateResponse(request, "monitoring/sources/detail.html", {
        "source": source, "figures": found,
        "checks": source.checks.all()[:CHECKS_SHOWN],
        "articles": source.articles.order_by("-fetched_at", "-id")[:ARTICLES_SHOWN],
        "token": _polling().poll_token(source),
        "page_title": _("Tình trạng nguồn tin: %(name)s") % {"name": source.name},
    })


@monitoring_only
@require_POST
def poll_now(request, pk):
    source = get_object_or_404(Source, pk=pk)
    if not source.active:
        messages.warning(request, _("Nguồn tin «%(name)s» đang tắt, không lấy tin.") % {"name": source.name})
    elif _polling().request_poll(source, request.POST.get("token", "")):
        messages.success(request, _("Đã đưa nguồn tin «%(name)s» vào hàng đợi lấy tin; kết quả hiện ở đây "
                                    "sau ít phút.") % {"name": source.name})
    else:
        messages.info(request, _("Nguồn tin «%(name)s» vừa được đưa vào hàng đợi lấy tin; không gửi thêm "
                                 "yêu cầu.") % {"name": source.name})
    return redirect("monitoring_source_health_detail", pk=source.pk)
