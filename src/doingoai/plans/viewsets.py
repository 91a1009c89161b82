from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Event, Plan


class PlanViewSet(ModelViewSet):
    model = Plan
    icon = "list-ol"
    menu_label = _("Danh sách kế hoạch")
    url_prefix = "ke-hoach/danh-sach"
    name = "plans"
    add_to_admin_menu = False
    list_display = ["number", "title", "date", "year", "status"]
    list_filter = ["status", "year"]
    form_fields = ["number", "kind", "issuer", "issuer_parent", "place", "date", "year", "title", "status",
                   "owner_unit", "remind_days_before", "signer_title", "signer_name", "funding"]
    copy_view_enabled = False
    inspect_view_enabled = True


class EventViewSet(ModelViewSet):
    model = Event
    icon = "date"
    menu_label = _("Sự kiện, ngày kỷ niệm")
    url_prefix = "ke-hoach/su-kien"
    name = "plan_events"
    list_display = ["date", "name", "plan"]
    form_fields = ["plan", "date", "name"]
    copy_view_enabled = False

