"""Staff screens of library items (a Wagtail snippet: drafts, revisions and their comparison,
locking, scheduled publishing, the workflow) and of collections.

The item's editor groups the fifteen Dublin Core elements, the plan's themes and the
collections, the access level, and the text (editable: the OCR corrections; ``Item.text`` is
the searchable truth, the pages in ``ItemPage`` keep the text as recognised page by page); the
files are shown read-only with the state of their processing.

Collections and restricted units (many-to-many) are not part of revisions: they change when
the editor saves, also on a published item.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
)
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.models import Revision, WorkflowState
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from doingoai.core import permissions, vntext

from . import publishing
from .access import can_use
from .forms import ItemForm
from .models import Access, Collection, Item, Kind, ProcessingState

__all__ = ["ItemViewSet", "CollectionViewSet", "items_for", "edit_url", "overlay_current"]


def items_for(user):
    """The items ``user`` sees in the staff screens: all, except items restricted to units she
    is not in (leaders see everything)."""
    items = Item.objects.all()
    if user.is_superuser or permissions.is_leader(user):
        return items
    mine = permissions.unit_ids(user)
    visible = ~Q(access=Access.RESTRICTED) | Q(owner_unit__in=mine) | Q(created_by=user)
    restricted_ok = Item.objects.filter(restricted_units__in=mine).values("pk")
    return items.filter(visible | Q(pk__in=restricted_ok))


def edit_url(item: Item) -> str:
    return reverse(Item.snippet_viewset.get_url_name("edit"), args=[item.pk])


def overlay_current(obj: Item, live: Item) -> Item:
    """The revision ``obj`` with the stored machine and review fields of ``live`` (see
    ``publishing.SYSTEM_FIELDS``), and the stored text when the revision's is empty."""
    if obj is live:
        return obj
    for name in publishing.SYSTEM_FIELDS:
        attname = Item._meta.get_field(name).attname
        setattr(obj, attname, getattr(live, attname))
    if not (obj.text or "").strip() and (live.text or "").strip():
        obj.text = live.text
    return obj


class ItemPolicy(ModelPermissionPolicy):
    """The role groups' permissions (``publishing.ITEM_PERMISSIONS``), for those who use the
    library."""

    def user_has_permission(self, user, action):
        return can_use(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return can_use(user) and super().user_has_any_permission(user, actions)


class CollectionPolicy(ItemPolicy):
    pass


# --- the list ---------------------------------------------------------------------------------

STATES = [
    ("draft", _("Bản nháp")), ("moderation", _("Đang chờ duyệt")), ("scheduled", _("Hẹn giờ xuất bản")),
    ("live", _("Đã xuất bản")), ("removed", _("Đã gỡ bỏ")),
]


class ItemFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Loại tài liệu"), choices=Kind.choices)
    access = django_filters.ChoiceFilter(label=_("Mức truy cập"), choices=Access.choices)
    collection = django_filters.ModelChoiceFilter(label=_("Bộ sưu tập"), queryset=Collection.objects.all(),
                                                  field_name="collections")
    state = django_filters.ChoiceFilter(label=_("Tình trạng"), choices=STATES, method="filter_state")
    processing = django_filters.ChoiceFilter(label=_("Xử lý tệp"), choices=ProcessingState.choices[1:])

    class Meta:
        model = Item
        fields = ["kind", "access", "collection", "state", "processing"]

    def filter_state(self, queryset, name, value):
        if value == "removed":
            return queryset.filter(removed_at__isnull=False)
        queryset = queryset.filter(removed_at__isnull=True)
        # Wagtail keeps the object id of workflow states and revisions as text: compared as
        # numbers (a join on the generic relation fails on PostgreSQL: varchar = bigint).
        item_type = ContentType.objects.get_for_model(Item)
        in_moderation = Q(pk__in=WorkflowState.objects.filter(
            base_content_type=item_type, status__in=["in_progress", "needs_changes"],
        ).annotate(item_id=Cast("object_id", BigIntegerField())).values("item_id"))
        scheduled = Q(pk__in=Revision.objects.filter(
            base_content_type=item_type, approved_go_live_at__isnull=False,
        ).annotate(item_id=Cast("object_id", BigIntegerField())).values("item_id"))
        if value == "live":
            return queryset.filter(live=True)
        if value == "moderation":
            return queryset.filter(in_moderation)
        if value == "scheduled":
            return queryset.filter(scheduled, live=False)
        if value == "draft":
            return queryset.filter(live=False).exclude(in_moderation).exclude(scheduled)
        return queryset


def _processing(item: Item) -> str:
    if item.processing in (ProcessingState.PENDING, ProcessingState.RUNNING):
        return f"{item.get_processing_display()} ({item.progress}%)"
    return item.get_processing_display() if item.processing else "—"


class ItemIndexView(snippet_views.IndexView):
    search_backend_name = None

    def get_base_queryset(self):
        return items_for(self.request.user).select_related("owner_unit")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        words = vntext.fold(self.search_query).split()
        query = Q()
        for word in words:
            query &= Q(folded__contains=word) | Q(title__icontains=word) | Q(identifier__icontains=word)
        return queryset.filter(query) if words else queryset


# --- the editor -------------------------------------------------------------------------------

class ItemCreateView(snippet_views.CreateView):
    def save_instance(self):
        instance = self.form.instance
        if instance.created_by_id is None and self.request.user.is_authenticated:
            instance.created_by = self.request.user
        return super().save_instance()


class ItemEditView(snippet_views.EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        return overlay_current(obj, self.live_object)

    def save_instance(self):
        instance = super().save_instance()
        # A published item's form is saved without commit (its changes go to a revision):
        # the many-to-many fields, which revisions do not hold, are saved now.
        save_m2m = getattr(self.form, "save_m2m", None)
        if save_m2m is not None:
            save_m2m()
        return instance

    def workflow_action_is_valid(self):
        return super().workflow_action_is_valid() and publishing.may_act(self.object, self.request.user)


class FourEyesMixin:
    """Nobody decides on a step of an item she submitted or approved at an earlier step."""

    def check_action(self):
        super().check_action()
        if not publishing.may_act(self.object, self.request.user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(gettext("Người trình hoặc người đã duyệt bước trước không duyệt tiếp "
                                           "bước này."))


class ItemWorkflowActionView(FourEyesMixin, snippet_views.WorkflowActionView):
    pass


class ItemCollectWorkflowActionDataView(FourEyesMixin, snippet_views.CollectWorkflowActionDataView):
    pass


class ItemUnpublishView(snippet_views.UnpublishView):
    """Unpublishing an item is a removal, with its reason and legal basis."""

    def dispatch(self, request, *args, **kwargs):
        messages.info(request, gettext("Gỡ bỏ tài liệu đã xuất bản cần lý do và căn cứ pháp lý."))
        return redirect("library_remove", pk=self.object.pk)


class FilesPanel(HelpPanel):
    """The item's files, read-only, with the state of their processing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "library/staff/_files_panel.html")
        super().__init__(**kwargs)


class ItemViewSet(SnippetViewSet):
    model = Item
    icon = "doc-full-inverse"
    menu_label = _("Tài liệu")
    add_to_admin_menu = False
    url_prefix = "thu-vien/tai-lieu"
    index_view_class = ItemIndexView
    add_view_class = ItemCreateView
    edit_view_class = ItemEditView
    unpublish_view_class = ItemUnpublishView
    workflow_action_view_class = ItemWorkflowActionView
    collect_workflow_action_data_view_class = ItemCollectWorkflowActionDataView
    filterset_class = ItemFilterSet
    search_fields = ["title"]  # turns the search box on; ItemIndexView does the searching
    list_per_page = 30
    copy_view_enabled = False
    list_display = [
        "title", "kind", "access",
        Column("status", label=_("Tình trạng"), accessor=lambda i: publishing.status(i)[1]),
        Column("processing", label=_("Xử lý tệp"), accessor=_processing),
        UpdatedAtColumn(),
    ]
    list_export = ["title", "kind", "creator", "publisher", "date", "identifier", "language", "access",
                   "first_published_at", "removed_at"]
    export_filename = "tai-lieu-thu-vien"
    edit_handler = ObjectList([
        MultiFieldPanel([
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("date", widget=AdminDateInput)]),
            FieldPanel("creator"),
            FieldPanel("subject"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("publisher"), FieldPanel("contributor")]),
            FieldRowPanel([FieldPanel("format"), FieldPanel("identifier")]),
            FieldPanel("source"),
            FieldRowPanel([FieldPanel("language"), FieldPanel("coverage")]),
            FieldPanel("relation"),
            FieldPanel("rights"),
        ], heading=_("Mô tả (Dublin Core)")),
        MultiFieldPanel([
            FieldPanel("themes"),
            FieldPanel("collections", widget=forms.CheckboxSelectMultiple),
        ], heading=_("Chủ đề và bộ sưu tập")),
        MultiFieldPanel([
            FieldPanel("access"),
            FieldPanel("restricted_units", widget=forms.CheckboxSelectMultiple),
            FieldPanel("owner_unit"),
        ], heading=_("Truy cập")),
        MultiFieldPanel([
            FieldPanel("text"),
            FieldPanel("ocr_languages"),
        ], heading=_("Nội dung văn bản")),
        FilesPanel(heading=_("Tệp")),
        PublishingPanel(),
    ], base_form_class=ItemForm)

    @property
    def permission_policy(self):
        return ItemPolicy(self.model)


class CollectionViewSet(ModelViewSet):
    model = Collection
    icon = "folder-open-inverse"
    menu_label = _("Bộ sưu tập")
    add_to_admin_menu = False
    url_prefix = "thu-vien/bo-suu-tap"
    name = "library_collections"
    list_display = ["name", "slug", "order", "public"]
    list_filter = ["public"]
    search_fields = ["name", "name_en"]
    form_fields = ["name", "name_en", "slug", "description", "description_en", "order", "public"]
    copy_view_enabled = False

    @property
    def permission_policy(self):
        return CollectionPolicy(self.model)
