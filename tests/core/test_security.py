"""Sign-in that an information-security review accepts."""

import subprocess
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from doingoai.core.models import Role
from tests.conftest import PASSWORD

LOGIN = "/admin/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_the_sign_in_page_is_vietnamese(client, db):
    body = client.get(LOGIN).content.decode()
    assert 'lang="vi"' in body
    assert "Đăng nhập" in body and "Tên đăng nhập" in body and "Mật khẩu" in body


def test_five_failed_attempts_lock_the_account_with_a_vietnamese_message(client, specialist):
    for _ in range(4):
        response = _login(client, "chuyenvien", "sai-mật-khẩu")
        assert response.status_code == 200
    response = _login(client, "chuyenvien", "sai-mật-khẩu")
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()
    # Even the right password is refused while locked.
    response = _login(client, "chuyenvien", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_time_limited(client, specialist, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        _login(client, "chuyenvien", "sai")
    assert _login(client, "chuyenvien", PASSWORD).status_code == 429
    # The cool-off has passed: the attempts are older than the limit.
    from datetime import timedelta

    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
    response = _login(client, "chuyenvien", PASSWORD)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("ngắn", False),
        ("12345678901", False),
        ("matkhaudaithuong", False),  # one class of characters only
        ("password123", False),  # common
        ("Hải-Phòng-2025", True),
        ("Doingoai@2025", True),
    ],
)
def test_password_policy(password, accepted):
    if accepted:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_password_policy_messages_are_vietnamese():
    with pytest.raises(ValidationError) as err:
        validate_password("abc")
    text = " ".join(err.value.messages)
    assert "Mật khẩu" in text or "mật khẩu" in text


def test_an_idle_session_ends(client, specialist, settings):
    client.force_login(specialist)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session["doingoai_last_seen"] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_a_leader_must_set_up_two_factor_before_working(client, make_person):
    leader = make_person(Role.LANH_DAO, "BGD", username="lanhdao")
    assert _login(client, "lanhdao", PASSWORD).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("doingoai_2fa_setup"))
    page = client.get(response.url)
    assert "Xác thực hai lớp" in page.content.decode()
    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    wrong = client.post(reverse("doingoai_2fa_setup"), {"code": "000000"})
    assert "Mã không đúng" in wrong.content.decode()
    assert "đợi vài giây" in client.post(reverse("doingoai_2fa_setup"), {"code": "000001"}).content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # the wait is over
    code = f"{totp(device.bin_key):06d}"
    done = client.post(reverse("doingoai_2fa_setup"), {"code": code, "next": "/admin/"})
    assert done.status_code == 302 and done.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_person_with_a_device_enters_a_code_after_the_password(client, specialist):
    device = TOTPDevice.objects.create(user=specialist, name="điện thoại", confirmed=True)
    _login(client, "chuyenvien", PASSWORD)
    response = client.get("/admin/")
    assert response.url.startswith(reverse("doingoai_2fa_verify"))
    assert "Mã không đúng" in client.post(reverse("doingoai_2fa_verify"), {"code": "123456"}).content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # the wait is over
    ok = client.post(reverse("doingoai_2fa_verify"), {"code": f"{totp(device.bin_key):06d}", "next": "/admin/"})
    assert ok.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_two_factor_is_optional_for_a_specialist(client, specialist):
    _login(client, "chuyenvien", PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_the_next_parameter_cannot_send_elsewhere(client, specialist):
    device = TOTPDevice.objects.create(user=specialist, name="điện thoại", confirmed=True)
    _login(client, "chuyenvien", PASSWORD)
    ok = client.post(reverse("doingoai_2fa_verify"), {"code": f"{totp(device.bin_key):06d}", "next": "https://ke-gian.example/"})
    assert ok.url == "/admin/"


def test_check_deploy_is_clean_with_production_settings(doingoai_bin, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DOINGOAI_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "k" * 20 + "Xy7#mQ2$vL9!pR4&nT8*wB3^zC6@hJ1%fD5" + "u" * 10,
        "ALLOWED_HOSTS": "doingoai.example.gov.vn",
    }
    proc = subprocess.run(
        [doingoai_bin, "check", "--deploy", "--fail-level", "WARNING", "--settings", "doingoai.settings.production"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_production_settings_send_secure_cookies_and_headers(client, db, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.get(LOGIN)
    assert response.headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
