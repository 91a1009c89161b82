"""Forms of the complaints register. They parse what people type; the rules (required fields,
dates, duplicates, who may do what) live in ``cases.complaints`` and its errors are put back on
these forms field by field."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doingoai.core import seed

from . import complaints
from .models import Case, Complaint, ComplaintKind

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


theme_choices = seed.theme_choices


def put_errors(form: forms.Form, exc: ValidationError) -> None:
    """The domain's refusal on the form: each message under its field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            field = name if name in form.fields else None
            for message in messages:
                form.add_error(field, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ReceiveForm(forms.Form):
    """Registration of a letter (vào sổ). Fields are checked by ``complaints.receive`` so that
    every missing field is named at once."""

    kind = forms.ChoiceField(
        label=_("Loại đơn"), choices=ComplaintKind.choices, required=False, widget=forms.RadioSelect
    )
    received_at = forms.DateTimeField(
        label=_("Ngày nhận đơn"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        ),
        error_messages={
            "invalid": _(
                "Ngày nhận đơn không hợp lệ: nhập theo dạng dd/mm/yyyy hoặc dd/mm/yyyy hh:mm."
            )
        },
        help_text=_("Có thể vào sổ đơn nhận từ trước (thời hạn tính từ ngày nhận đơn)."),
    )
    complainant_name = forms.CharField(
        label=_("Họ và tên người gửi"), required=False, max_length=200
    )
    complainant_address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=500)
    complainant_contact = forms.CharField(
        label=_("Điện thoại, thư điện tử"), required=False, max_length=200
    )
    subject = forms.CharField(
        label=_("Nội dung tóm tắt"),
        required=False,
        max_length=500,
        help_text=_("Không ghi họ tên người gửi vào đây: nội dung tóm tắt hiện trong danh sách."),
    )
    content = forms.CharField(
        label=_("Nội dung đơn"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    themes = forms.MultipleChoiceField(
        label=_("Chủ đề"),
        required=False,
        choices=theme_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    remote_area = forms.BooleanField(
        label=_("Người gửi ở vùng sâu, vùng xa, đi lại khó khăn"), required=False
    )
    case = forms.ModelChoiceField(
        label=_("Vụ việc liên quan"),
        required=False,
        queryset=Case.objects.none(),
        empty_label=_("(không có)"),
    )

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases if cases is not None else Case.objects.all()
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            self.initial.setdefault("kind", ComplaintKind.COMPLAINT)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "received_at": data.get("received_at"),
            "complainant_name": data.get("complainant_name") or "",
            "complainant_address": data.get("complainant_address") or "",
            "complainant_contact": data.get("complainant_contact") or "",
            "subject": data.get("subject") or "",
            "content": data.get("content") or "",
            "themes": data.get("themes") or [],
            "remote_area": bool(data.get("remote_area")),
            "case": data.get("case"),
        }


class AcceptForm(forms.Form):
    complexity = forms.ChoiceField(
        label=_("Tính chất vụ việc"),
        choices=Complaint.Complexity.choices,
        initial=Complaint.Complexity.NORMAL,
    )
    note = forms.CharField(
        label=_("Quyết định thụ lý (số, ngày, ghi chú)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do không thụ lý"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Thanh tra viên được giao"),
        required=False,
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["inspectors"]
        field.queryset = complaints.assignable_users().order_by("last_name", "first_name")
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()


class VerificationForm(forms.Form):
    verification = forms.CharField(
        label=_("Kết quả xác minh"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do gia hạn"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Nội dung kết luận"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    number = forms.CharField(
        label=_("Số văn bản kết luận"),
        required=False,
        max_length=40,
        help_text=_("Để trống: hệ thống lấy số tiếp theo trong sổ văn bản."),
    )


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Số hồ sơ, nội dung"), required=False)
    kind = forms.ChoiceField(
        label=_("Loại đơn"),
        required=False,
        choices=[("", _("Tất cả"))] + list(ComplaintKind.choices),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("open", _("Đang xử lý"))] + list(Complaint.Status.choices),
    )
    theme = forms.ChoiceField(label=_("Chủ đề"), required=False)
    overdue = forms.BooleanField(label=_("Chỉ đơn quá hạn"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Tất cả"))] + theme_choices()

    def filters(self) -> complaints.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return complaints.Filters(
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            theme=data.get("theme") or "",
            overdue=bool(data.get("overdue")),
            q=data.get("q") or "",
        )
