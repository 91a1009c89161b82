"""Who may do what, by role and unit. The permission matrix of the README, as code.

Work of a unit (a task, a case, a library item …) is owned by one unit and may be shared
with others. A person reads the work of her units and what is shared with them, edits her
units' work, and a unit head approves for the unit. Leaders of the department see and approve
everything. The system administrator runs the platform but does not touch its business.
Apps ask these functions; they never test role names themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Membership, Role

EDITING_ROLES = frozenset({Role.TRUONG_DON_VI, Role.CHUYEN_VIEN, Role.BIEN_TAP_VIEN, Role.KIEM_DUYET_VIEN, Role.THANH_TRA_VIEN})
APPROVING_ROLES = frozenset({Role.TRUONG_DON_VI})
REVIEWING_ROLES = frozenset({Role.KIEM_DUYET_VIEN, Role.TRUONG_DON_VI})
AUDIT_READERS = frozenset({Role.LANH_DAO, Role.THANH_TRA_VIEN, Role.QUAN_TRI})
TWO_FACTOR_REQUIRED = frozenset({Role.LANH_DAO, Role.QUAN_TRI})


def memberships(user) -> list[tuple[int, str]]:
    """(unit id, role) pairs of ``user``, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_doingoai_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("unit_id", "role"))
        user._doingoai_memberships = cached
    return cached


def roles(user) -> set[str]:
    return {role for _, role in memberships(user)}


def unit_ids(user, with_roles: Iterable[str] | None = None) -> set[int]:
    wanted = set(with_roles) if with_roles is not None else None
    return {unit for unit, role in memberships(user) if wanted is None or role in wanted}


def is_leader(user) -> bool:
    return Role.LANH_DAO in roles(user)


def is_system_admin(user) -> bool:
    return Role.QUAN_TRI in roles(user)


# --- the work of units -----------------------------------------------------------------------

def can_view(user, owner_unit_id: int | None, shared_unit_ids: Iterable[int] = ()) -> bool:
    if is_leader(user):
        return True
    mine = unit_ids(user, EDITING_ROLES)
    return owner_unit_id in mine or bool(mine & set(shared_unit_ids))


def can_edit(user, owner_unit_id: int | None) -> bool:
    return owner_unit_id in unit_ids(user, EDITING_ROLES)


def can_approve(user, owner_unit_id: int | None) -> bool:
    return is_leader(user) or owner_unit_id in unit_ids(user, APPROVING_ROLES)


def can_review(user, owner_unit_id: int | None) -> bool:
    """Editorial review (kiểm duyệt) of content the unit publishes."""
    return owner_unit_id in unit_ids(user, REVIEWING_ROLES)


def visible_unit_filter(user):
    """``None`` when ``user`` sees every unit's work, else the ids of the units she sees."""
    return None if is_leader(user) else unit_ids(user, EDITING_ROLES)


# --- the platform's own screens --------------------------------------------------------------

def can_read_audit(user) -> bool:
    return bool(roles(user) & AUDIT_READERS) or user.is_superuser


def can_manage_jobs(user) -> bool:
    return is_system_admin(user) or user.is_superuser


def can_manage_people(user) -> bool:
    return is_system_admin(user) or user.is_superuser


def needs_two_factor(user) -> bool:
    return bool(roles(user) & TWO_FACTOR_REQUIRED) or user.is_superuser


# --- Django groups behind the roles (they carry Wagtail's and the models' permissions) -------

ROLE_GROUP_PERMISSIONS: dict[str, list[str]] = {
    role: ["wagtailadmin.access_admin", "core.view_unit"] for role in Role.values
}
ROLE_GROUP_PERMISSIONS[Role.QUAN_TRI] += [
    "auth.add_user", "auth.change_user", "auth.delete_user", "auth.view_user",
    "auth.view_group",
    "core.add_unit", "core.change_unit", "core.delete_unit",
    "core.add_membership", "core.change_membership", "core.delete_membership", "core.view_membership",
    "core.add_organisation", "core.change_organisation", "core.view_organisation",
    "core.add_scheduledjob", "core.change_scheduledjob", "core.view_scheduledjob",
    "core.view_jobrecord", "core.change_jobrecord",
    "wagtailcore.add_site", "wagtailcore.change_site", "wagtailcore.view_site",
]
ROLE_GROUP_PERMISSIONS[Role.LANH_DAO] += ["core.view_membership", "core.view_organisation"]
for _role in (Role.LANH_DAO, Role.TRUONG_DON_VI, Role.CHUYEN_VIEN, Role.BIEN_TAP_VIEN, Role.THANH_TRA_VIEN):
    ROLE_GROUP_PERMISSIONS[_role].append("monitoring.view_source")
for _role in (Role.TRUONG_DON_VI, Role.CHUYEN_VIEN):
    ROLE_GROUP_PERMISSIONS[_role] += ["monitoring.add_source", "monitoring.change_source"]
for _role in (Role.BIEN_TAP_VIEN, Role.KIEM_DUYET_VIEN, Role.TRUONG_DON_VI, Role.CHUYEN_VIEN):
    ROLE_GROUP_PERMISSIONS[_role] += [
        "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
        "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
    ]


def group_name(role: str) -> str:
    return str(Role(role).label)


def ensure_role_groups() -> None:
    """Create one Django group per role with its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission
    from django.utils import translation

    with translation.override("vi"):
        for role, perms in ROLE_GROUP_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=group_name(role))
            wanted = []
            for perm in perms:
                app_label, codename = perm.split(".")
                found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
                if found is not None:
                    wanted.append(found)
            group.permissions.set(wanted)


def sync_groups(user) -> None:
    """Give ``user`` exactly the role groups of her memberships; other groups stay."""
    from django.contrib.auth.models import Group
    from django.utils import translation

    with translation.override("vi"):
        role_names = {group_name(r) for r in Role.values}
        wanted = {group_name(r) for r in roles_uncached(user)}
    current = set(user.groups.filter(name__in=role_names).values_list("name", flat=True))
    if current != wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
        user.groups.add(*Group.objects.filter(name__in=wanted - current))


def roles_uncached(user) -> set[str]:
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))
