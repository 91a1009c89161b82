"""The admin screen of the legal bases a decision can cite ("Căn cứ pháp lý")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from doingoai.core import permissions

from . import access
from .models import LegalBasis


def can_edit_legal_bases(user) -> bool:
    """Leaders and the inspectorate keep the list; everyone who works on cases reads it."""
    return permissions.is_leader(user) or access.is_inspector(user)


class LegalBasisPolicy(ModelPermissionPolicy):
    """Read by those who work on cases, edited by leaders and inspectors. Never deleted: a basis
    cited by decisions stays; one no longer in force is switched off (``active``)."""

    def user_has_permission(self, user, action):
        if action == "view":
            return access.can_use(user)
        if action in ("add", "change"):
            return can_edit_legal_bases(user)
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class LegalBasisViewSet(ModelViewSet):
    model = LegalBasis
    icon = "doc-full"
    menu_label = _("Căn cứ pháp lý")
    url_prefix = "vu-viec/can-cu-phap-ly"
    add_to_admin_menu = False
    name = "cases_legal_bases"
    list_display = ["title", "provision", "code", "active"]
    list_filter = ["active"]
    search_fields = ["code", "title", "provision", "summary"]
    form_fields = ["code", "title", "provision", "summary", "actions", "active"]
    copy_view_enabled = False
    inspect_view_enabled = True
    permission_policy = LegalBasisPolicy(LegalBasis)
