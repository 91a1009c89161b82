"""Configuration from the environment: a wrong value stops start-up with one clear line."""

import subprocess

import pytest

from doingoai.settings import env


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("PORT", "tám nghìn", "số nguyên từ 1 đến 65535"),
        ("PORT", "70000", "số nguyên từ 1 đến 65535"),
        ("DEBUG", "maybe", "true/false"),
        ("TASKS_BACKEND", "celery", "database, rq"),
        ("SEARCH_BACKEND", "solr", "database, opensearch"),
        ("DATABASE_URL", "mysql://localhost/x", "postgres://"),
        ("EMAIL_URL", "smtp://", "thiếu tên máy chủ"),
        ("SECRET_KEY", "ngan", "ít nhất 50 ký tự"),
        ("ALLOWED_HOSTS", "http://a/b", "danh sách tên máy"),
    ],
)
def test_a_wrong_value_stops_startup_with_one_line_naming_it(variable, value, accepted, doingoai_bin, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DOINGOAI_DATA_DIR": str(tmp_path), variable: value}
    proc = subprocess.run([doingoai_bin, "check"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert variable in lines[0] and accepted in lines[0]
    assert "Traceback" not in proc.stderr


def test_rq_needs_redis_url(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(env.ConfigError, match="REDIS_URL"):
        env.url("REDIS_URL", ("redis",), required=True)


def test_email_url_forms(tmp_path, monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://cb%40so.gov.vn:m%E1%BA%ADt@mail.so.gov.vn:587?from=tin@so.gov.vn")
    config = env.email(tmp_path)
    assert config["EMAIL_HOST"] == "mail.so.gov.vn"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_USE_TLS"] is True
    assert config["EMAIL_HOST_USER"] == "cb@so.gov.vn"
    assert config["EMAIL_HOST_PASSWORD"] == "mật"
    assert config["DEFAULT_FROM_EMAIL"] == "tin@so.gov.vn"
    monkeypatch.setenv("EMAIL_URL", "console://")
    assert env.email(tmp_path)["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) >= 50
    assert env.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_defaults_to_sqlite_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.database(tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "doingoai.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgres://doingoai:pw@db.local:5433/doingoai")
    config = env.database(tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.local", 5433, "doingoai")


def test_settings_are_vietnamese_first(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
