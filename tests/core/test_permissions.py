"""The permission matrix of the README, cell by cell.

Three units: the person's own (TTBCXB), one that shares its work with hers (TTTT shares
with TTBCXB) and one that shares nothing (TTS)."""

import pytest

from doingoai.core import permissions
from doingoai.core.models import Role

OWN, SHARED, OTHER = "own", "shared", "other"

# role → capability → expected; the same table stands in the README.
MATRIX = {
    Role.LANH_DAO: dict(view_own=True, view_shared=True, view_other=True, edit_own=False, edit_other=False,
                        approve_own=True, approve_other=True, review_own=False, audit=True, jobs=False, people=False, two_factor=True),
    Role.TRUONG_DON_VI: dict(view_own=True, view_shared=True, view_other=False, edit_own=True, edit_other=False,
                             approve_own=True, approve_other=False, review_own=True, audit=False, jobs=False, people=False, two_factor=False),
    Role.CHUYEN_VIEN: dict(view_own=True, view_shared=True, view_other=False, edit_own=True, edit_other=False,
                           approve_own=False, approve_other=False, review_own=False, audit=False, jobs=False, people=False, two_factor=False),
    Role.BIEN_TAP_VIEN: dict(view_own=True, view_shared=True, view_other=False, edit_own=True, edit_other=False,
                             approve_own=False, approve_other=False, review_own=False, audit=False, jobs=False, people=False, two_factor=False),
    Role.KIEM_DUYET_VIEN: dict(view_own=True, view_shared=True, view_other=False, edit_own=True, edit_other=False,
                               approve_own=False, approve_other=False, review_own=True, audit=False, jobs=False, people=False, two_factor=False),
    Role.THANH_TRA_VIEN: dict(view_own=True, view_shared=True, view_other=False, edit_own=True, edit_other=False,
                              approve_own=False, approve_other=False, review_own=False, audit=True, jobs=False, people=False, two_factor=False),
    Role.QUAN_TRI: dict(view_own=False, view_shared=False, view_other=False, edit_own=False, edit_other=False,
                        approve_own=False, approve_other=False, review_own=False, audit=True, jobs=True, people=True, two_factor=True),
}


def _ask(user, capability, units):
    own, shared_owner, other = units["TTBCXB"].pk, units["TTTT"].pk, units["TTS"].pk
    return {
        "view_own": lambda: permissions.can_view(user, own),
        "view_shared": lambda: permissions.can_view(user, shared_owner, shared_unit_ids=[own]),
        "view_other": lambda: permissions.can_view(user, other, shared_unit_ids=[shared_owner]),
        "edit_own": lambda: permissions.can_edit(user, own),
        "edit_other": lambda: permissions.can_edit(user, other),
        "approve_own": lambda: permissions.can_approve(user, own),
        "approve_other": lambda: permissions.can_approve(user, other),
        "review_own": lambda: permissions.can_review(user, own),
        "audit": lambda: permissions.can_read_audit(user),
        "jobs": lambda: permissions.can_manage_jobs(user),
        "people": lambda: permissions.can_manage_people(user),
        "two_factor": lambda: permissions.needs_two_factor(user),
    }[capability]()


CELLS = [(role, capability, expected) for role, row in MATRIX.items() for capability, expected in row.items()]


@pytest.mark.parametrize(("role", "capability", "expected"), CELLS, ids=[f"{r.value}-{c}" for r, c, _ in CELLS])
def test_matrix_cell(role, capability, expected, make_person, units):
    # Leaders belong to the Ban Giám đốc; everyone else to the Phòng TTBCXB.
    home = "BGD" if role == Role.LANH_DAO else "VPS" if role == Role.QUAN_TRI else "TTBCXB"
    user = make_person(role, home)
    assert _ask(user, capability, units) is expected


def test_a_person_without_a_unit_sees_nothing(django_user_model, units):
    user = django_user_model.objects.create_user("nobody", password="x")
    assert not permissions.can_view(user, units["TTBCXB"].pk)
    assert not permissions.can_edit(user, units["TTBCXB"].pk)
    assert not permissions.can_read_audit(user)


def test_an_inactive_person_loses_every_right(make_person, units):
    user = make_person(Role.TRUONG_DON_VI, "TTBCXB")
    user.is_active = False
    user.save()
    assert not permissions.can_edit(user, units["TTBCXB"].pk)
    assert not permissions.can_approve(user, units["TTBCXB"].pk)


def test_roles_in_two_units_add_up(make_person, units):
    user = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    from doingoai.core.models import Membership

    Membership.objects.create(user=user, unit=units["TTTT"], role=Role.TRUONG_DON_VI)
    user.__dict__.pop("_doingoai_memberships", None)
    assert permissions.can_edit(user, units["TTBCXB"].pk)
    assert not permissions.can_approve(user, units["TTBCXB"].pk)
    assert permissions.can_approve(user, units["TTTT"].pk)


def test_memberships_give_the_role_groups_and_wagtail_access(make_person):
    user = make_person(Role.BIEN_TAP_VIEN, "TTTT")
    assert set(user.groups.values_list("name", flat=True)) == {"Biên tập viên"}
    assert user.has_perm("wagtailadmin.access_admin")
    user.memberships.all().delete()
    user = type(user).objects.get(pk=user.pk)
    assert not user.groups.exists()
    assert not user.has_perm("wagtailadmin.access_admin")


def test_only_the_administrator_may_manage_people_in_the_admin(make_person):
    admin = make_person(Role.QUAN_TRI, "VPS")
    leader = make_person(Role.LANH_DAO, "BGD")
    assert admin.has_perm("auth.change_user") and admin.has_perm("core.change_unit")
    assert not leader.has_perm("auth.change_user") and not leader.has_perm("core.change_unit")
