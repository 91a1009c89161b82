from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doingoai.core import permissions, seed
from doingoai.core.models import Role

from .models import AlertRule, Article, SavedSearch, Source

theme_choices = seed.theme_choices


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


class SaveSearchForm(forms.Form):
    """The name under which the search screen keeps the current search."""

    name = forms.CharField(label=_("Tên tìm kiếm"), max_length=200)
    shared = forms.BooleanField(label=_("Dùng chung với đồng nghiệp"), required=False)


class RenameSearchForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=200)


class _PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _https_by_default(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class AlertRuleForm(forms.ModelForm):
    """A rule of the person ``user``: her searches and the shared ones; people who use
    monitoring as recipients."""

    theme = forms.ChoiceField(label=_("Chủ đề"), required=False,
                              choices=lambda: [("", _("(mọi chủ đề)")), *theme_choices()])
    webhook_url = forms.URLField(label=_("Địa chỉ webhook"), required=False, max_length=2000, assume_scheme="https",
                                 help_text=_("Nhận cảnh báo dạng JSON (POST); chỉ http/https, địa chỉ công khai."))
    recipients = _PersonChoice(label=_("Người nhận thêm"), required=False, queryset=get_user_model().objects.none(),
                               widget=forms.CheckboxSelectMultiple,
                               help_text=_("Người tạo quy tắc luôn nhận cảnh báo."))

    class Meta:
        model = AlertRule
        formfield_callback = _https_by_default
        fields = ["name", "saved_search", "negative_only", "theme", "source_kind", "min_outlets", "spike",
                  "spike_ratio", "spike_min_count", "mode", "by_app", "by_email", "webhook_url", "recipients",
                  "active"]
        labels = {"spike_min_count": _("Số câu chuyện tối thiểu trong ngày để tính đột biến")}
        help_texts = {
            "min_outlets": _("Báo khi câu chuyện được từ chừng ấy cơ quan báo chí đăng (0: không xét)."),
            "spike": _("Thay vì báo từng câu chuyện: báo một lần trong ngày khi số câu chuyện khớp hôm nay "
                       "tăng đột biến so với trung bình 14 ngày trước."),
            "mode": _("Gửi ngay từng cảnh báo, hoặc gom lại gửi một bản tổng hợp mỗi giờ."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        searches = Q(owner=user) | Q(shared=True)
        if self.instance.saved_search_id:
            searches |= Q(pk=self.instance.saved_search_id)
        self.fields["saved_search"].queryset = SavedSearch.objects.filter(searches).order_by("name", "id")
        self.fields["recipients"].queryset = get_user_model().objects.filter(
            is_active=True, memberships__role__in=[*permissions.EDITING_ROLES, Role.LANH_DAO],
        ).distinct().order_by("first_name", "last_name", "username")

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        taken = AlertRule.objects.filter(owner=self.user, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Bạn đã có một quy tắc cảnh báo tên «%(name)s».") % {"name": name})
        return name

    def clean_webhook_url(self):
        url = (self.cleaned_data.get("webhook_url") or "").strip()
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            raise forms.ValidationError(_("Địa chỉ webhook phải bắt đầu bằng http:// hoặc https://."))
        return url

    def clean_spike_ratio(self):
        ratio = self.cleaned_data.get("spike_ratio")
        if ratio is not None and not ratio >= 1:
            raise forms.ValidationError(_("Hệ số tăng phải từ 1 trở lên."))
        return ratio

    def clean(self):
        data = super().clean()
        if not (data.get("by_app") or data.get("by_email") or data.get("webhook_url")):
            raise forms.ValidationError(_("Chọn ít nhất một cách nhận cảnh báo: trong ứng dụng, thư điện tử "
                                          "hoặc webhook."))
        if data.get("spike") and not data.get("spike_min_count"):
            self.add_error("spike_min_count", _("Số câu chuyện tối thiểu phải lớn hơn 0."))
        return data
