"""The audit log: every change of a tracked object, who and from where, hash-chained so that
an edited or deleted line is found."""

import subprocess

import pytest
from django.db import connection
from django.urls import reverse

from doingoai.core import audit
from doingoai.core.context import acting_as
from doingoai.core.models import AuditEntry, Role, Unit


def last(action=None):
    qs = AuditEntry.objects.order_by("-id")
    if action:
        qs = qs.filter(action=action)
    return qs.first()


def test_create_change_and_delete_are_recorded_with_before_and_after(make_person, db):
    with acting_as(via="command"):
        unit = Unit.objects.create(code="PBC", name="Phòng Báo chí", internal=True)
    created = last(AuditEntry.Action.CREATE)
    assert created.object_type == "core.unit" and created.object_id == str(unit.pk)
    assert created.changes["name"] == [None, "Phòng Báo chí"]

    unit.name = "Phòng Báo chí – Xuất bản"
    unit.save()
    changed = last(AuditEntry.Action.UPDATE)
    assert changed.changes["name"] == ["Phòng Báo chí", "Phòng Báo chí – Xuất bản"]
    assert "code" not in changed.changes

    pk = unit.pk
    unit.delete()
    deleted = last(AuditEntry.Action.DELETE)
    assert deleted.object_id == str(pk) and deleted.changes["code"] == ["PBC", None]


def test_saving_without_changes_writes_nothing(units):
    before = AuditEntry.objects.count()
    units["TTBCXB"].save()
    assert AuditEntry.objects.count() == before


def test_passwords_are_recorded_as_changed_never_with_their_value(make_person):
    user = make_person(Role.CHUYEN_VIEN)
    user.set_password("Một-mật-khẩu-mới-2025")
    user.save()
    entry = last(AuditEntry.Action.UPDATE)
    assert entry.changes["password"] == ["***", "*** (đã đổi)"]
    assert "Một-mật-khẩu" not in str(AuditEntry.objects.values_list("changes", flat=True))


def test_a_change_through_the_admin_records_the_person_unit_and_address(make_person, signed_in, units):
    admin = make_person(Role.QUAN_TRI, "VPS")
    client = signed_in(admin)
    response = client.post(
        reverse("units:edit", args=[units["HNB"].pk]),
        {"code": "HNB", "name": "Hội Nhà báo thành phố Hải Phòng", "aliases": "[]", "internal": ""},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(object_type="core.unit", action=AuditEntry.Action.UPDATE).latest("id")
    assert entry.actor == admin
    assert entry.actor_units == ["VPS"]
    assert entry.ip_address == "10.1.2.3"
    assert entry.changes["name"] == ["Hội Nhà báo thành phố", "Hội Nhà báo thành phố Hải Phòng"]


def test_sign_in_and_failed_sign_in_are_recorded(client, specialist):
    client.post(reverse("wagtailadmin_login"), {"username": "chuyenvien", "password": "sai"}, REMOTE_ADDR="10.0.0.9")
    failed = last(AuditEntry.Action.LOGIN_FAILED)
    assert failed.object_repr == "chuyenvien" and failed.ip_address == "10.0.0.9"
    from tests.conftest import PASSWORD

    client.post(reverse("wagtailadmin_login"), {"username": "chuyenvien", "password": PASSWORD})
    assert last(AuditEntry.Action.LOGIN).actor == specialist


def test_state_changes_are_recorded(units):
    unit = units["TTS"]
    entry = audit.state_change(unit, "trạng thái", "Tiếp nhận", "Phân loại", note="chuyển bước")
    assert entry.action == "state"
    assert entry.changes == {"trạng thái": ["Tiếp nhận", "Phân loại"], "ghi_chu": "chuyển bước"}


def test_the_log_cannot_be_changed_through_the_application(units):
    entry = last()
    entry.object_repr = "khác"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_verify_passes_on_an_untouched_log(units):
    result = audit.verify()
    assert result.ok and result.checked == AuditEntry.objects.count() > 5


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_finds_a_line_edited_by_hand(units):
    victim = AuditEntry.objects.order_by("id")[2]
    _sql("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", "Đã sửa tay", victim.pk)
    result = audit.verify()
    assert not result.ok
    assert any(f"#{victim.pk}" in p and "bị sửa" in p for p in result.problems)


def test_verify_finds_a_line_deleted_from_the_middle(units):
    victim = AuditEntry.objects.order_by("id")[2]
    _sql("DELETE FROM core_auditentry WHERE id = %s", victim.pk)
    result = audit.verify()
    assert not result.ok
    assert any("không nối" in p for p in result.problems)


def test_verify_finds_lines_cut_from_the_end(units):
    last_id = AuditEntry.objects.order_by("-id").first().pk
    _sql("DELETE FROM core_auditentry WHERE id = %s", last_id)
    result = audit.verify()
    assert not result.ok
    assert any("Cuối chuỗi" in p for p in result.problems)


def test_verify_finds_a_rehashed_line_because_the_next_link_breaks(units):
    # Someone edits a line and recomputes its own hash: the next line still points to the old one.
    victim = AuditEntry.objects.order_by("id")[1]
    victim.object_repr = "giả mạo"
    new_hash = audit._digest(victim.prev_hash, audit._content(victim))
    _sql("UPDATE core_auditentry SET object_repr = %s, hash = %s WHERE id = %s", "giả mạo", new_hash, victim.pk)
    assert not audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_verify_command_passes_then_fails_after_tampering(units, doingoai_bin, subprocess_env):
    ok = subprocess.run([doingoai_bin, "audit", "verify"], env=subprocess_env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "toàn vẹn" in ok.stdout
    victim = AuditEntry.objects.order_by("id")[0]
    _sql("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", "Người khác", victim.pk)
    bad = subprocess.run([doingoai_bin, "audit", "verify"], env=subprocess_env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert f"#{victim.pk}" in bad.stderr and "KHÔNG toàn vẹn" in bad.stderr


def _listing(response) -> str:
    body = response.content.decode()
    start = body.index("<table class=\"listing")
    return body[start:body.index("</table>", start)]


def test_the_audit_screen_filters_by_person_unit_object_and_date(make_person, signed_in, units):
    inspector = make_person(Role.THANH_TRA_VIEN, "TTS")
    client = signed_in(inspector)
    response = client.get(reverse("audit:index"))
    assert response.status_code == 200
    assert "Nhật ký kiểm toán" in response.content.decode()
    response = client.get(reverse("audit:index"), {"object_type": "core.unit", "object_repr": "Thanh tra"})
    listing = _listing(response)
    assert "Thanh tra Sở" in listing and "Văn phòng Sở" not in listing
    response = client.get(reverse("audit:index"), {"unit": units["TTS"].pk})
    assert response.status_code == 200
    response = client.get(reverse("audit:index"), {"timestamp_from": "01/01/2020", "timestamp_to": "31/12/2099"})
    assert response.status_code == 200


def test_the_audit_screen_is_closed_to_a_specialist(specialist, signed_in):
    response = signed_in(specialist).get(reverse("audit:index"))
    assert response.status_code in (302, 403)
