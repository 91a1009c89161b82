"""Who may use the monitoring screens (the rules themselves live in ``core.permissions``)."""

from doingoai.core import permissions


def can_use(user) -> bool:
    """Leaders and the people of any unit with an editing role read the press, search, keep
    searches and alert rules, correct labels and prepare the digest."""
    return permissions.is_leader(user) or bool(permissions.unit_ids(user, permissions.EDITING_ROLES))
