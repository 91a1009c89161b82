"""The digest screens: the archive, today's draft, its page as it will be sent, its editing,
sending and files. HTTP in; ``monitoring.digests`` does the work."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doingoai.core import documents

from .. import digests
from ..models import Digest, DigestItem
from . import file_response, monitoring_only

PER_PAGE = 30
REQUIRED = {"required": gettext_lazy("Xin điền trường này.")}


def _error_text(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


# --- forms -----------------------------------------------------------------------------------

class ArchiveForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Từ khóa"), required=False,
                        help_text=gettext_lazy("Gõ có dấu hoặc không dấu."))
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False,
                                error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (dd/mm/yyyy).")},
                                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False,
                              error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (dd/mm/yyyy).")},
                              widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data


class DigestForm(forms.ModelForm):
    class Meta:
        model = Digest
        fields = ["title", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"title": {"required": gettext_lazy("Tiêu đề điểm báo không được để trống."),
                                    "max_length": gettext_lazy("Tiêu đề dài quá %(limit_value)d ký tự.")}}


class ItemForm(forms.ModelForm):
    section = forms.ChoiceField(label=gettext_lazy("Phần"), choices=DigestItem.Section.choices,
                                error_messages={"invalid_choice": gettext_lazy("Phần không hợp lệ.")})
    theme = forms.ChoiceField(label=gettext_lazy("Chủ đề"), required=False, choices=digests.theme_choices,
                              error_messages={"invalid_choice": gettext_lazy("Chủ đề không hợp lệ.")})

    class Meta:
        model = DigestItem
        fields = ["included", "section", "theme", "position", "title", "lead", "negative"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "lead": forms.Textarea(attrs={"rows": 3}),
            "position": forms.NumberInput(attrs={"min": 0, "style": "width: 5em"}),
        }
        error_messages = {
            "title": {"required": gettext_lazy("Tiêu đề tin không được để trống.")},
            "position": {"required": REQUIRED["required"], "invalid": gettext_lazy("Thứ tự phải là số nguyên."),
                         "min_value": gettext_lazy("Thứ tự không được âm.")},
        }

ItemFormSet = forms.modelformset_factory(DigestItem, form=ItemForm, extra=0, can_delete=False)


def _items_queryset(digest: Digest):
    return digest.items.all().order_by("section", "theme", "position", "id")


# --- screens ---------------------------------------------------------------------------------

@monitoring_only
def archive(request):
    form = ArchiveForm(request.GET or None)
    found = Digest.objects.none()
    if not request.GET:
        found = digests.search_archive()
    elif form.is_valid():
        data = form.cleaned_data
        found = digests.search_archive(data.get("q") or "", data.get("date_from"), data.get("date_to"))
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return TemplateResponse(request, "monitoring/digests/archive.html", {
        "form": form, "page": page, "params": params.urlencode(), "page_title": _("Điểm báo"),
    })


@monitoring_only
@require_POST
def compile_today(request):
    digest = digests.compile(user=request.user)
    if digest.status == Digest.Status.SENT:
        messages.warning(request, _("Điểm báo hôm nay đã được gửi; không soạn lại."))
    else:
        messages.success(request, _("Đã soạn điểm báo ngày %(day)s.") % {"day": digest.day.strftime("%d/%m/%Y")})
    return redirect("monitoring_digest", pk=digest.pk)


@monitoring_only
def detail(request, pk):
    digest = get_object_or_404(Digest.objects.select_related("sent_by"), pk=pk)
    return TemplateResponse(request, "monitoring/digests/detail.html", {
        "digest": digest, "sections": digests.sections(digest), "mark": digests.negative_mark(),
        "day": digest.day.strftime("%d/%m/%Y"), "excluded": digest.items.filter(included=False).count(),
        "touched": digests.is_touched(digest), "page_title": str(digest),
    })


@monitoring_only
@require_POST
def recompile(request, pk):
    digest = get_object_or_404(Digest, pk=pk)
    if digest.status == Digest.Status.SENT:
        messages.error(request, _("Điểm báo đã được gửi, không soạn lại được."))
    else:
        digests.refresh(digest.pk, user=request.user)
        messages.success(request, _("Đã cập nhật bản nháp với các tin, bài mới."))
    return redirect("monitoring_digest", pk=digest.pk)


@monitoring_only
def edit(request, pk):
    digest = get_object_or_404(Digest, pk=pk)
    if digest.status != Digest.Status.DRAFT:
        messages.error(request, _("Điểm báo đã được gửi, không sửa được nữa."))
        return redirect("monitoring_digest", pk=digest.pk)
    form = DigestForm(request.POST or None, instance=digest, prefix="diem-bao")
    formset = ItemFormSet(request.POST or None, queryset=_items_queryset(digest), prefix="tin")
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            items = {f.instance.pk: {name: f.cleaned_data[name] for name in digests.EDITABLE_ITEM_FIELDS}
                     for f in formset.forms}
            try:
                digests.update_draft(digest.pk, request.user, title=form.cleaned_data["title"],
                                     intro=form.cleaned_data["intro"], items=items)
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Đã lưu bản nháp điểm báo."))
                return redirect("monitoring_digest", pk=digest.pk)
        else:
            messages.error(request, _("Chưa lưu được: xin sửa các lỗi được đánh dấu bên dưới."))
    return TemplateResponse(request, "monitoring/digests/edit.html", {
        "digest": digest, "form": form, "formset": formset,
        "page_title": _("Sửa điểm báo ngày %(day)s") % {"day": digest.day.strftime("%d/%m/%Y")},
    })


@monitoring_only
@require_POST
def send(request, pk):
    """Sent at once, in this request: the compare-and-set in ``digests.send`` makes a double
    click send once."""
    digest = get_object_or_404(Digest, pk=pk)
    if digests.send(digest.pk, request.user.pk):
        digest.refresh_from_db()
        messages.success(request, _("Đã gửi điểm báo tới %(n)s người nhận.") % {"n": digest.recipients_count})
    else:
        messages.warning(request, _("Điểm báo này đã được gửi trước đó; không gửi lại."))
    return redirect("monitoring_digest", pk=digest.pk)


@monitoring_only
def download(request, pk, fmt):
    digest = get_object_or_404(Digest.objects.select_related("sent_by"), pk=pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    stem = digests.file_stem(digest)
    stored = digest.docx if fmt == "docx" else digest.pdf
    if stored:
        return FileResponse(stored.open("rb"), as_attachment=fmt == "docx", filename=f"{stem}.{fmt}")
    if digest.status == Digest.Status.SENT:
        raise Http404
    # A draft is rendered afresh each time, without a number, and not kept.
    doc = digests.as_document(digest)
    body = documents.render_pdf(doc) if fmt == "pdf" else documents.render_docx(doc)
    return file_response(body, f"{stem}-du-thao.{fmt}", inline=fmt == "pdf")
