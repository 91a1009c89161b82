"""Who may use the cases screens, who decides, who sees a complainant (the rules of roles and
units live in ``core.permissions``).

Task 10 of the plan is led by the Thanh tra Sở (``DOINGOAI_CASES_UNIT``, default ``TTS``);
task 9(3) by the press division with the centre. Anyone with an editing role in one of
``DOINGOAI_CASES_UNITS`` works on cases; leaders of the department see and decide all."""

from django.conf import settings
from django.contrib.auth import get_user_model

from doingoai.core import permissions
from doingoai.core.models import Role


def _case_units(user) -> dict[int, str]:
    """The person's units that work on cases (id → code), read once per request (cached on the
    user object, as ``permissions.memberships`` is): every menu entry asks."""
    cached = getattr(user, "_doingoai_case_units", None)
    if cached is None:
        from doingoai.core.models import Unit

        mine = permissions.unit_ids(user)
        cached = dict(Unit.objects.filter(pk__in=mine, code__in=settings.DOINGOAI_CASES_UNITS)
                      .values_list("pk", "code")) if mine else {}
        user._doingoai_case_units = cached
    return cached


def case_unit_ids(user, roles) -> set[int]:
    return permissions.unit_ids(user, roles) & set(_case_units(user))


def can_use(user) -> bool:
    """Leaders, and people with an editing role in a unit that works on cases."""
    if not getattr(user, "is_authenticated", False):
        return False
    return permissions.is_leader(user) or bool(case_unit_ids(user, permissions.EDITING_ROLES))


def can_decide(user) -> bool:
    """The decision step: the department's leaders, and the head of the inspectorate."""
    if permissions.is_leader(user):
        return True
    heads = permissions.unit_ids(user, {Role.TRUONG_DON_VI})
    return any(_case_units(user).get(pk) == settings.DOINGOAI_CASES_UNIT for pk in heads)


def is_inspector(user) -> bool:
    return bool(case_unit_ids(user, {Role.THANH_TRA_VIEN, Role.TRUONG_DON_VI}))


def inspectorate_staff():
    """The people of the inspectorate (reminders and alerts of the complaints register)."""
    return get_user_model().objects.filter(
        is_active=True, memberships__unit__code=settings.DOINGOAI_CASES_UNIT,
        memberships__role__in=permissions.EDITING_ROLES,
    ).distinct()


def leaders():
    return get_user_model().objects.filter(is_active=True, memberships__role=Role.LANH_DAO).distinct()
