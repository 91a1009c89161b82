"""Staff screens of the core app, as Wagtail viewsets."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy

from . import permissions
from .models import AuditEntry, Membership, Organisation, ScheduledJob, Unit


class ReadOnlyPolicy(ModelPermissionPolicy):
    """A screen that lists and shows, for the people ``can_view`` admits; nobody writes here."""

    def __init__(self, model, can_view):
        super().__init__(model)
        self.can_view = can_view

    def user_has_permission(self, user, action):
        return action == "view" and self.can_view(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class AuditFilterSet(WagtailFilterSet):
    timestamp = django_filters.DateFromToRangeFilter(label=_("Thời điểm"), widget=DateRangePickerWidget)
    actor_name = django_filters.CharFilter(label=_("Người thực hiện"), lookup_expr="icontains")
    unit = django_filters.ModelChoiceFilter(
        label=_("Đơn vị"), queryset=Unit.objects.internal(), method="filter_unit"
    )
    action = django_filters.CharFilter(label=_("Hành động"), lookup_expr="iexact")
    object_type = django_filters.CharFilter(label=_("Loại đối tượng"), lookup_expr="icontains")
    object_repr = django_filters.CharFilter(label=_("Đối tượng"), lookup_expr="icontains")

    class Meta:
        model = AuditEntry
        fields = ["timestamp", "actor_name", "unit", "action", "object_type", "object_repr"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(actor_units__icontains=f'"{value.code}"')


class AuditViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Nhật ký kiểm toán")
    add_to_admin_menu = True
    menu_order = 900
    url_prefix = "nhat-ky"
    name = "audit"
    # Read by leaders, inspectors and administrators.
    permission_policy = ReadOnlyPolicy(AuditEntry, permissions.can_read_audit)
    list_display = ["timestamp", "actor_name", "ip_address", "action", "object_type", "object_repr"]
    filterset_class = AuditFilterSet
    inspect_view_enabled = True
    form_fields = ["action"]  # never shown: the permission policy allows viewing only
    inspect_view_fields = ["id", "timestamp", "actor_name", "actor_units", "ip_address", "action", "object_type", "object_id", "object_repr", "changes", "prev_hash", "hash"]
    copy_view_enabled = False
    list_per_page = 50
    list_export = ["id", "timestamp", "actor_name", "actor_units", "ip_address", "action", "object_type", "object_id", "object_repr", "changes", "hash"]
    export_filename = "nhat-ky-kiem-toan"


class UnitViewSet(ModelViewSet):
    model = Unit
    icon = "group"
    menu_label = _("Đơn vị")
    url_prefix = "don-vi"
    name = "units"
    list_display = ["code", "name", "internal", "valid_from", "valid_to"]
    list_filter = ["internal"]
    search_fields = ["code", "name", "folded_name"]
    form_fields = ["code", "name", "aliases", "internal", "valid_from", "valid_to"]
    copy_view_enabled = False


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Vai trò của người dùng")
    url_prefix = "vai-tro"
    name = "memberships"
    list_display = ["user", "unit", "role"]
    list_filter = ["unit", "role"]
    form_fields = ["user", "unit", "role"]
    copy_view_enabled = False


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "site"
    menu_label = _("Cơ quan")
    url_prefix = "co-quan"
    name = "organisations"
    list_display = ["name", "parent_name", "place", "valid_from", "valid_to"]
    form_fields = ["name", "short_name", "parent_name", "place", "valid_from", "valid_to"]
    copy_view_enabled = False


class ScheduledJobViewSet(ModelViewSet):
    model = ScheduledJob
    icon = "time"
    menu_label = _("Lịch tác vụ")
    url_prefix = "lich-tac-vu"
    name = "schedules"
    list_display = ["name", "cron", "enabled", "last_run_at", "next_run_at"]
    form_fields = ["name", "task_path", "cron", "kwargs", "enabled"]
    copy_view_enabled = False


class OrganisationGroup(ModelViewSetGroup):
    menu_label = _("Tổ chức")
    menu_icon = "group"
    menu_order = 800
    items = (OrganisationViewSet, UnitViewSet, MembershipViewSet, ScheduledJobViewSet)
