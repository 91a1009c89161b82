"""Who may use the monitoring screens and who is told what monitoring finds (the rules of
roles and units live in ``core.permissions``)."""

from django.conf import settings
from django.contrib.auth import get_user_model

from doingoai.core import permissions
from doingoai.core.models import Role


def can_use(user) -> bool:
    """Leaders and the people of any unit with an editing role read the press, search, keep
    searches and alert rules, correct labels and prepare the digest."""
    return permissions.is_leader(user) or bool(permissions.unit_ids(user, permissions.EDITING_ROLES))


def monitoring_staff():
    """The people of the unit that leads the press monitoring (task 9 of the plan: the
    Press and Publication Division, ``DOINGOAI_MONITORING_UNIT``) who hold an editing role."""
    return get_user_model().objects.filter(
        is_active=True, memberships__unit__code=settings.DOINGOAI_MONITORING_UNIT,
        memberships__role__in=permissions.EDITING_ROLES,
    ).distinct()


def leaders():
    return get_user_model().objects.filter(is_active=True, memberships__role=Role.LANH_DAO).distinct()
