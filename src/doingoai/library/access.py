"""Who may work on the library, and who may see an item and its files (the rules of roles and
units live in ``core.permissions``).

Task 5 of the plan is led by the Trung tâm Thông tin và Truyền thông
(``DOINGOAI_LIBRARY_UNIT``, default ``TTTT``). Staff of any unit with an editing role add and
edit items; the Wagtail workflow decides who approves and publishes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from doingoai.core import permissions

from .models import Access, Item


def can_use(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return permissions.is_leader(user) or bool(permissions.unit_ids(user, permissions.EDITING_ROLES))


def is_staff_member(user) -> bool:
    """Someone of the department (any unit, any role): may read internal items."""
    return getattr(user, "is_authenticated", False) and (user.is_superuser or bool(permissions.memberships(user)))


def can_view(user, item: Item) -> bool:
    """Whether ``user`` (possibly anonymous) may see ``item`` and its files. The public sees
    only live public items; a removed item shows only its tombstone to everybody."""
    if item.removed_at is not None:
        return False
    if item.live and item.access == Access.PUBLIC:
        return True
    if not is_staff_member(user):
        return False
    if item.access in (Access.PUBLIC, Access.INTERNAL):
        return item.live or can_use(user)
    if permissions.is_leader(user) or user.is_superuser:
        return True
    mine = permissions.unit_ids(user)
    allowed = set(item.restricted_units.values_list("pk", flat=True))
    if item.owner_unit_id:
        allowed.add(item.owner_unit_id)
    return bool(mine & allowed)


def public_items():
    """Items anyone may see: live, public, not removed."""
    return Item.objects.filter(live=True, access=Access.PUBLIC, removed_at__isnull=True)


def library_staff():
    """The people of the unit that leads the library, with an editing role."""
    return get_user_model().objects.filter(
        is_active=True, memberships__unit__code=settings.DOINGOAI_LIBRARY_UNIT,
        memberships__role__in=permissions.EDITING_ROLES,
    ).distinct()
