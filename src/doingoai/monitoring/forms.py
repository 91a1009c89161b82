from django import forms
from django.utils.translation import gettext_lazy as _

from doingoai.core import seed

from .models import Article, Source


def theme_choices():
    return [(t["code"], t["vi"]) for t in seed.themes()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Từ khóa"), required=False,
                        help_text=_("Gõ có dấu hoặc không dấu. VÀ/HOẶC/KHÔNG, \"cụm từ\", tiền tố*."))
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    source = forms.ModelMultipleChoiceField(label=_("Nguồn"), queryset=Source.objects.all(), required=False)
    country = forms.CharField(label=_("Quốc gia (mã, cách nhau bằng dấu phẩy)"), required=False)
    language = forms.MultipleChoiceField(label=_("Ngôn ngữ"), required=False, choices=[
        ("vi", "Tiếng Việt"), ("en", "English"), ("zh", "中文"), ("ko", "한국어"), ("ja", "日本語"), ("other", _("Khác"))])
    theme = forms.MultipleChoiceField(label=_("Chủ đề"), required=False, choices=theme_choices)
    sentiment = forms.MultipleChoiceField(label=_("Sắc thái"), required=False, choices=Article.Sentiment.choices)
    relevant_only = forms.BooleanField(label=_("Chỉ bài liên quan đến thành phố"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data

    def filters(self):
        from .search import Filters

        data = self.cleaned_data
        return Filters(
            date_from=data.get("date_from"), date_to=data.get("date_to"),
            source_ids=[s.pk for s in data.get("source") or []],
            countries=[c.strip().upper() for c in (data.get("country") or "").split(",") if c.strip()],
            languages=data.get("language") or [], themes=data.get("theme") or [],
            sentiments=data.get("sentiment") or [], relevant_only=bool(data.get("relevant_only")),
        )
