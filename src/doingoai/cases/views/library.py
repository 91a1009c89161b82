"""Screens of the argument library ("Tư liệu, lập luận"): a Wagtail model viewset whose list is
filtered by theme, kind and review date and searched with the library's Vietnamese search
(``cases.library.search``: with or without diacritics, AND/OR/NOT, "phrases", prefix*), the
matches highlighted. HTTP in; ``cases.library`` does the work."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, When
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from doingoai.core import permissions
from doingoai.core.models import Unit

from .. import library
from ..access import can_use
from ..models import Argument


class LibraryPolicy(ModelPermissionPolicy):
    """Those who work on cases read and write the library; unit heads and leaders delete."""

    def user_has_permission(self, user, action):
        if not can_use(user):
            return False
        if action == "delete":
            return permissions.is_leader(user) or bool(permissions.unit_ids(user, permissions.APPROVING_ROLES))
        return action in ("add", "change", "view", "export")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class ArgumentFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Loại"), choices=Argument.Kind.choices)
    theme = django_filters.ChoiceFilter(label=_("Chủ đề"), choices=library.theme_choices, method="filter_theme")
    due = django_filters.BooleanFilter(label=_("Đến hạn rà soát"), method="filter_due")

    class Meta:
        model = Argument
        fields = ["kind"]

    def filter_theme(self, queryset, name, value):
        return queryset.filter(themes__icontains=f'"{value}"')

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(review_date__lte=today) if value else queryset.filter(review_date__gt=today)


NO_SOURCE = _("Tư liệu cần ít nhất một nguồn công khai (văn bản, địa chỉ trang web), mỗi dòng một nguồn.")


class ArgumentForm(WagtailAdminModelForm):
    themes = forms.MultipleChoiceField(label=_("Chủ đề"), choices=library.theme_choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner_unit" in self.fields:
            self.fields["owner_unit"].queryset = Unit.objects.internal()
        if "sources" in self.fields:
            self.fields["sources"].error_messages["required"] = NO_SOURCE

    def clean_sources(self):
        lines = [line.strip() for line in (self.cleaned_data.get("sources") or "").splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(NO_SOURCE)
        return "\n".join(lines)


class ArgumentIndexView(IndexView):
    """The list, searched with the library's own search and ranked by it."""

    parsed_query = None

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        try:
            self.parsed_query = library.parse(self.search_query)
        except library.QueryError as exc:
            messages.error(self.request, str(exc))
            return queryset.none()
        ids = [f.argument.pk for f in library.search_ranked(self.parsed_query, within=queryset)]
        found = queryset.filter(pk__in=ids)
        if self.is_explicitly_ordered or not ids:
            return found
        rank = SqlCase(*[When(pk=pk, then=n) for n, pk in enumerate(ids)], output_field=IntegerField())
        return found.order_by(rank)

    def _title_html(self, argument):
        return mark_safe(library.highlight_title(argument, self.parsed_query))  # noqa: S308  (escaped there)

    def _passage_html(self, argument):
        return mark_safe(library.highlight_body(argument, self.parsed_query, width=200))  # noqa: S308

    @staticmethod
    def _review_html(argument):
        day = date_format(argument.review_date, "d/m/Y")
        if argument.is_due_for_review():
            return format_html('{} <span class="w-status w-status--label" data-due>{}</span>', day,
                               gettext("đến hạn rà soát"))
        return day

    @cached_property
    def columns(self):
        return [
            self._get_title_column("title", accessor=self._title_html),
            Column("passage", label=_("Nội dung"), accessor=self._passage_html),
            self._get_custom_column("kind"),
            Column("themes", label=_("Chủ đề"), accessor=lambda a: ", ".join(library.theme_names(a.themes))),
            Column("review_date", label=_("Rà soát lại"), accessor=self._review_html, sort_key="review_date"),
        ]


class ArgumentViewSet(ModelViewSet):
    model = Argument
    icon = "doc-full-inverse"
    menu_label = _("Tư liệu, lập luận")
    add_to_admin_menu = False
    url_prefix = "tu-lieu"
    name = "cases_arguments"
    permission_policy = LibraryPolicy(Argument)
    index_view_class = ArgumentIndexView
    filterset_class = ArgumentFilterSet
    search_fields = ["title"]  # turns the search box on; ArgumentIndexView does the searching
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["title", "kind", "body", "themes", "sources", "verified_by", "review_date", "owner_unit",
                           "updated_at"]
    list_export = ["title", "kind", "body", "themes", "sources", "review_date", "updated_at"]
    export_filename = "tu-lieu-lap-luan"
    edit_handler = ObjectList([
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("review_date")]),
        FieldPanel("body"),
        FieldPanel("themes"),
        FieldPanel("sources"),
        FieldRowPanel([FieldPanel("verified_by"), FieldPanel("owner_unit")]),
    ], base_form_class=ArgumentForm)
