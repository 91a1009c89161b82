"""Screens of removal and re-review: the queue "Rà soát lại" with the reason of each item, the
review form, the removal form (also reached from the item's editor, "Gỡ bỏ"), and the list
of removed items (tombstones). HTTP in; ``library.review`` does the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from doingoai.core.responses import forbidden

from .. import publishing, review
from ..forms import RemovalForm, ReviewForm
from ..viewsets import edit_url, items_for
from . import library_only

PER_PAGE = 30


def _refused(request):
    return forbidden(request, _("Chỉ lãnh đạo Sở, kiểm duyệt viên hoặc trưởng đơn vị được rà soát và gỡ bỏ "
                                "tài liệu thư viện."))


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@library_only
def queue(request):
    due = review.review_queue()
    visible = set(items_for(request.user).filter(pk__in=[d.item.pk for d in due]).values_list("pk", flat=True))
    due = [d for d in due if d.item.pk in visible]
    page = Paginator(due, PER_PAGE).get_page(request.GET.get("trang"))
    return TemplateResponse(request, "library/staff/review_queue.html", {
        "page_title": _("Rà soát lại tài liệu"), "page": page, "count": len(due),
        "can_review": review.can_review(request.user),
    })


@library_only
def review_item(request, pk):
    item = get_object_or_404(items_for(request.user), pk=pk)
    if not review.can_review(request.user):
        return _refused(request)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review.record_review(item, request.user, data["outcome"], data.get("note", ""),
                                 data.get("legal_basis", ""))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận kết quả rà soát «%(title)s».") % {"title": item.title})
            return redirect("library_review_queue")
    return TemplateResponse(request, "library/staff/review_form.html", {
        "page_title": _("Rà soát tài liệu"), "item": item, "form": form, "status": publishing.status(item)[1],
        "edit_url": edit_url(item), "reviews": item.reviews.select_related("reviewer")[:20],
    })


@library_only
def remove(request, pk):
    item = get_object_or_404(items_for(request.user), pk=pk)
    if not review.can_remove(request.user):
        return _refused(request)
    if item.removed_at is not None:
        messages.info(request, _("Tài liệu này đã được gỡ bỏ."))
        return redirect("library_removed")
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.remove(item, request.user, form.cleaned_data["reason"], form.cleaned_data["legal_basis"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        else:
            messages.success(request, _("Đã gỡ bỏ «%(title)s»; trang của tài liệu chỉ còn thông báo gỡ bỏ.")
                             % {"title": item.title})
            return redirect("library_removed")
    return TemplateResponse(request, "library/staff/remove.html", {
        "page_title": _("Gỡ bỏ tài liệu"), "item": item, "form": form, "status": publishing.status(item)[1],
        "edit_url": edit_url(item),
    })


@library_only
def removed(request):
    found = review.removed_items().filter(pk__in=items_for(request.user).values("pk"))
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("trang"))
    return TemplateResponse(request, "library/staff/removed.html", {
        "page_title": _("Tài liệu đã gỡ bỏ"), "page": page,
    })
