from django import forms
from django.utils.translation import gettext_lazy as _

from doingoai.core.models import Unit

from .models import Report, Task


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=Task.Status.choices)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class UpdateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    date = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    text = forms.CharField(label=_("Nội dung kết quả"), widget=forms.Textarea(attrs={"rows": 4}))
    figures = forms.CharField(
        label=_("Số liệu"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một số liệu: tên chỉ tiêu: giá trị. Ví dụ: Số tin bài: 25"),
    )
    links = forms.CharField(
        label=_("Liên kết minh chứng"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một địa chỉ (có thể kèm tên: Tên | https://…)."),
    )
    files = MultipleFileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk

    def clean_figures(self):
        rows = []
        for line in self.cleaned_data["figures"].splitlines():
            if not line.strip():
                continue
            label, sep, value = line.rpartition(":")
            if not sep or not label.strip() or not value.strip():
                raise forms.ValidationError(_("Dòng “%(line)s” cần dạng “tên chỉ tiêu: giá trị”.") % {"line": line.strip()})
            rows.append({"label": label.strip(), "value": value.strip()})
        return rows

    def clean_links(self):
        links = []
        for line in self.cleaned_data["links"].splitlines():
            line = line.strip()
            if not line:
                continue
            label, sep, url = line.rpartition("|")
            url = (url if sep else line).strip()
            if not (url.startswith("https://") or url.startswith("http://") or url.startswith("/")):
                raise forms.ValidationError(_("Liên kết “%(url)s” phải bắt đầu bằng http:// hoặc https://.") % {"url": url})
            links.append(((label.strip() if sep else url)[:255], url))
        return links


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp kế hoạch"), help_text=_("Văn bản .txt, .docx, PDF hoặc ảnh chụp, bản quét (tối đa 50 MB)."))


class ReportCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=Report.Kind.choices)
    period_start = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    period_end = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] > data["period_end"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data
