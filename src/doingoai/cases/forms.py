"""Forms of the case screens and of the public report form. They check the shape of the input;
the rules of the workflow are in ``services`` (its messages are shown on the same form)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doingoai.core import seed
from doingoai.core.models import Unit

from . import selectors, services
from .models import Action, Classification, Decision, LegalBasis, Origin, Step

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"]


class URLTextField(forms.CharField):
    """An address checked by ``services.clean_url`` (its Vietnamese message)."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return services.clean_url(value)


def _units():
    return Unit.objects.internal().valid_on().order_by("name")


def _people():
    return (get_user_model().objects.filter(is_active=True, memberships__unit__internal=True)
            .distinct().order_by("last_name", "first_name", "username"))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        units = ", ".join(sorted({m.unit.code for m in obj.memberships.select_related("unit")}))
        return f"{obj.get_full_name() or obj.get_username()} ({units})"


# --- list ------------------------------------------------------------------------------------

class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    buoc = forms.ChoiceField(label=_("Bước"), required=False, choices=[("", _("Tất cả"))] + list(Step.choices))
    phan_loai = forms.ChoiceField(
        label=_("Phân loại"), required=False,
        choices=[("", _("Tất cả")), (selectors.UNCLASSIFIED, _("Chưa phân loại"))]
        + [c for c in Classification.choices if c[0]])
    nguon = forms.ChoiceField(label=_("Nguồn tiếp nhận"), required=False, choices=[("", _("Tất cả"))] + list(Origin.choices))
    chu_de = forms.ChoiceField(label=_("Chủ đề"), required=False)
    qua_han = forms.BooleanField(label=_("Chỉ vụ việc quá hạn"), required=False)
    dang_mo = forms.BooleanField(label=_("Chỉ vụ việc đang mở"), required=False)
    cua_toi = forms.BooleanField(label=_("Vụ việc giao cho tôi"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chu_de"].choices = [("", _("Tất cả"))] + seed.theme_choices()

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.Filters(
            step=data.get("buoc", ""), classification=data.get("phan_loai", ""), origin=data.get("nguon", ""),
            theme=data.get("chu_de", ""), overdue=bool(data.get("qua_han")), open_only=bool(data.get("dang_mo")),
            mine=bool(data.get("cua_toi")), query=data.get("q", ""),
        )


# --- opening ---------------------------------------------------------------------------------

class OpenForm(forms.Form):
    url = URLTextField(label=_("Địa chỉ (URL) của thông tin"), max_length=2000,
                       help_text=_("Địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https://."))
    title = forms.CharField(label=_("Tiêu đề vụ việc"), max_length=services.TITLE_MAX, required=False,
                            help_text=_("Bỏ trống nếu địa chỉ là một bài báo đã thu thập: lấy tiêu đề của bài."))
    claim = forms.CharField(label=_("Nội dung thông tin bị phản ánh"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Nhận định, luận điệu cần xác minh; dùng để đối chiếu các bài mới."))


# --- the case page ---------------------------------------------------------------------------

class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Phân loại"), choices=[c for c in Classification.choices if c[0]])
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(forms.Form):
    from_step = forms.CharField(widget=forms.HiddenInput)
    step = forms.ChoiceField(label=_("Chuyển sang bước"))
    unit = forms.ModelChoiceField(label=_("Đơn vị phụ trách"), queryset=Unit.objects.none())
    person = PersonChoiceField(label=_("Người phụ trách"), queryset=get_user_model().objects.none(), required=False)
    due = forms.DateTimeField(label=_("Hạn xử lý"), required=False, widget=DATETIME_INPUT,
                              input_formats=DATETIME_FORMATS,
                              help_text=_("Bỏ trống để dùng thời hạn thông thường của bước."))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Bắt buộc khi lùi lại một bước."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        seen = self.data.get(self.add_prefix("from_step")) if self.is_bound else None
        if seen is not None and seen != case.step:
            # Sent from a page showing an older step: let the service say that the case moved.
            self.fields["step"].choices = list(Step.choices)
        else:
            moves = services.allowed_moves(case)
            if case.step == Step.DECIDING and not Decision.objects.filter(case_id=case.pk).exists():
                moves = [m for m in moves if m != Step.EXECUTING]  # offered once decided
            self.fields["step"].choices = [(s, Step(s).label) for s in moves]
        self.fields["unit"].queryset = _units()
        self.fields["person"].queryset = _people()
        self.initial.setdefault("from_step", case.step)
        self.initial.setdefault("unit", case.owner_unit_id)


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    person = PersonChoiceField(label=_("Người phụ trách"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        self.fields["person"].queryset = _people()


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("Tệp đính kèm"), required=False,
                                 help_text=_("Tối đa 20 MB. Không gửi tài liệu mang dấu độ mật."))

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("attachment"):
            raise ValidationError(_("Xin nhập nội dung ghi chú hoặc chọn tệp đính kèm."))
        return data


class LegalBasisField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} – {obj.summary}" if obj.summary else str(obj)


class DecideForm(forms.Form):
    action = forms.ChoiceField(label=_("Hình thức xử lý"), choices=Action.choices)
    legal_bases = LegalBasisField(label=_("Căn cứ pháp lý"), queryset=LegalBasis.objects.none(),
                                  widget=forms.CheckboxSelectMultiple,
                                  error_messages={"required": _("Quyết định cần ít nhất một căn cứ pháp lý.")})
    reasoning = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": _("Xin ghi lý do của quyết định.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_bases"].queryset = selectors.active_legal_bases()


# --- the public report form ------------------------------------------------------------------

class ReportForm(forms.Form):
    url = URLTextField(label=_("Địa chỉ (URL) của thông tin"), max_length=2000,
                       error_messages={"required": _("Xin nhập địa chỉ (URL) của thông tin."),
                                       "max_length": _("Địa chỉ dài quá 2.000 ký tự.")},
                       help_text=_("Ví dụ: https://www.facebook.com/… hoặc https://baomoi.com/…"))
    description = forms.CharField(
        label=_("Nội dung phản ánh"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Xin mô tả thông tin anh/chị phản ánh."),
                        "max_length": _("Nội dung phản ánh dài quá 5.000 ký tự.")},
        help_text=_("Thông tin nào sai sự thật, xuyên tạc? Anh/chị biết thông tin đúng từ đâu?"))
    contact = forms.EmailField(label=_("Thư điện tử để nhận phản hồi (không bắt buộc)"), required=False,
                               error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")})
    # A field people do not see (hidden by the page's style): only robots fill it in.
    website = forms.CharField(label=_("Để trống ô này"), required=False)

    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())
