"""Forms of the library's staff screens: the item's editor (a Wagtail admin form), the batch
defaults of an upload, the removal and the re-review."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from doingoai.core import seed
from doingoai.core.models import Unit

from .models import Access, Collection, Review

OCR_LANGUAGES = [
    ("vie", _("Tiếng Việt")), ("eng", _("Tiếng Anh")), ("chi_sim", _("Tiếng Trung (giản thể)")),
    ("kor", _("Tiếng Hàn")), ("jpn", _("Tiếng Nhật")),
]
REQUIRED = _("Xin điền trường này.")


theme_choices = seed.theme_choices


class ItemForm(WagtailAdminModelForm):
    """The editor of an item: the plan's themes as checkboxes over the JSON list."""

    themes = forms.MultipleChoiceField(
        label=_("Chủ đề của kế hoạch"), required=False, choices=theme_choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Chủ đề không hợp lệ: %(value)s.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "restricted_units" in self.fields:
            self.fields["restricted_units"].queryset = Unit.objects.filter(internal=True).order_by("name")
        if "owner_unit" in self.fields:
            self.fields["owner_unit"].queryset = Unit.objects.filter(internal=True).order_by("name")
        if "title" in self.fields:
            self.fields["title"].error_messages["required"] = _("Nhan đề không được để trống.")

    def clean(self):
        data = super().clean()
        if data.get("access") == Access.RESTRICTED and not data.get("restricted_units") and not data.get("owner_unit"):
            self.add_error("restricted_units", _("Mức hạn chế cần ít nhất một đơn vị được xem (hoặc đơn vị quản lý)."))
        return data


class UploadDefaultsForm(forms.Form):
    """What the whole batch gets: a collection, an access level, the OCR languages."""

    collection = forms.ModelChoiceField(label=_("Bộ sưu tập"), queryset=Collection.objects.all(), required=False,
                                        empty_label=_("(không chọn)"),
                                        error_messages={"invalid_choice": _("Bộ sưu tập không tồn tại.")})
    access = forms.ChoiceField(label=_("Mức truy cập"), choices=Access.choices, initial=Access.PUBLIC,
                               error_messages={"invalid_choice": _("Mức truy cập không hợp lệ.")})
    languages = forms.MultipleChoiceField(
        label=_("Ngôn ngữ nhận dạng chữ (OCR)"), choices=OCR_LANGUAGES, initial=["vie", "eng"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một ngôn ngữ nhận dạng."),
                        "invalid_choice": _("Ngôn ngữ nhận dạng không hợp lệ: %(value)s.")},
    )

    def ocr_languages(self) -> str:
        return "+".join(self.cleaned_data.get("languages") or ["vie", "eng"])


class UploadFileForm(UploadDefaultsForm):
    file = forms.FileField(label=_("Tệp"), error_messages={
        "required": _("Chưa có tệp nào được gửi."), "empty": _("Tệp rỗng."),
        "invalid": _("Không đọc được tệp đã gửi.")})


class RemovalForm(forms.Form):
    reason = forms.CharField(label=_("Lý do gỡ bỏ"), widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Xin nêu lý do gỡ bỏ.")})
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), max_length=500,
        help_text=_("Văn bản, điều khoản làm căn cứ; ví dụ: Điều 8 Luật An ninh mạng 2018."),
        error_messages={"required": _("Xin nêu căn cứ pháp lý của việc gỡ bỏ (văn bản, điều khoản)."),
                        "max_length": _("Căn cứ pháp lý dài quá %(limit_value)d ký tự.")})


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Kết quả rà soát"), choices=Review.Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": _("Chọn kết quả rà soát."),
                                                "invalid_choice": _("Kết quả rà soát không hợp lệ.")})
    note = forms.CharField(label=_("Ghi chú (lý do gỡ bỏ nếu gỡ)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False, max_length=500,
                                  error_messages={"max_length": _("Căn cứ pháp lý dài quá %(limit_value)d ký tự.")})

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Review.Outcome.REMOVED:
            if not (data.get("note") or "").strip():
                self.add_error("note", _("Xin nêu lý do gỡ bỏ."))
            if not (data.get("legal_basis") or "").strip():
                self.add_error("legal_basis", _("Xin nêu căn cứ pháp lý của việc gỡ bỏ (văn bản, điều khoản)."))
        if data.get("outcome") == Review.Outcome.UPDATED and not (data.get("note") or "").strip():
            self.add_error("note", _("Xin ghi rõ nội dung cần cập nhật."))
        return data


def upload_limit_bytes() -> int:
    return settings.DOINGOAI_UPLOAD_MAX_MB * 1024 * 1024
