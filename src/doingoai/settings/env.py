"""Configuration read from the environment.

Every variable the platform reads is declared here, once, with what it accepts. A wrong
value raises ``ConfigError`` whose text is the one line shown to the person starting the
service (``doingoai`` prints it and exits; see ``doingoai.manage``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A configuration value is wrong. The message names the variable and what is accepted."""


def flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} không hợp lệ: chấp nhận 1/0, true/false, yes/no, on/off.")


def integer(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ConfigError(f"{name}={raw!r} không hợp lệ: cần một số nguyên từ {low} đến {high}.")
    return value


def code(name: str, default: str) -> str:
    """A short identifier (letters, digits, ``-`` and ``_``), such as a unit's code."""
    raw = os.environ.get(name, "").strip() or default
    if not raw.replace("-", "").replace("_", "").isalnum() or len(raw) > 50:
        raise ConfigError(f"{name}={raw!r} không hợp lệ: cần một mã gồm chữ, số, '-' hoặc '_' (tối đa 50 ký tự).")
    return raw


def host(name: str, default: str = "") -> str:
    """A host name (letters, digits, '-' and '.')."""
    raw = os.environ.get(name, "").strip().lower() or default
    if raw and (len(raw) > 253 or not all(part.replace("-", "").isalnum() for part in raw.split("."))):
        raise ConfigError(f"{name}={raw!r} không hợp lệ: cần một tên miền, ví dụ thuvien.example.gov.vn.")
    return raw


def path(name: str, default: str) -> str:
    """A file path (a program, a folder); must be absolute when set."""
    raw = os.environ.get(name, "").strip() or default
    if not raw.startswith("/"):
        raise ConfigError(f"{name}={raw!r} không hợp lệ: cần một đường dẫn tuyệt đối, ví dụ {default}.")
    return raw


def choice(name: str, default: str, accepted: tuple[str, ...]) -> str:
    raw = os.environ.get(name, default).strip().lower() or default
    if raw not in accepted:
        raise ConfigError(
            f"{name}={raw!r} không hợp lệ: chấp nhận {', '.join(accepted)}."
        )
    return raw


def url(name: str, schemes: tuple[str, ...], required: bool = False) -> str | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        if required:
            raise ConfigError(f"{name} chưa được đặt: cần một địa chỉ dạng {schemes[0]}://…")
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        raise ConfigError(
            f"{name}={raw!r} không hợp lệ: cần một địa chỉ bắt đầu bằng "
            + " hoặc ".join(f"{s}://" for s in schemes)
            + "."
        )
    return raw


def data_dir() -> Path:
    path = Path(os.environ.get("DOINGOAI_DATA_DIR", "./var")).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"DOINGOAI_DATA_DIR={str(path)!r} không dùng được ({exc.strerror}): cần một thư mục ghi được."
        ) from None
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else generated once into the data directory."""
    raw = os.environ.get("SECRET_KEY", "").strip()
    if raw:
        if len(raw) < 50 or len(set(raw)) < 5:
            raise ConfigError("SECRET_KEY quá ngắn: cần ít nhất 50 ký tự ngẫu nhiên.")
        return raw
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database(directory: Path) -> dict:
    """SQLite in the data directory by default; ``DATABASE_URL`` (postgres://…, sqlite:///…)
    for another database."""
    raw = url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
    if raw is None or raw.startswith("sqlite"):
        name = str(directory / "doingoai.sqlite3")
        if raw is not None:
            name = unquote(urlsplit(raw).path) or name
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # Writers take the lock at BEGIN, so two writers never deadlock on an upgrade.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    import dj_database_url

    return dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)


def email(directory: Path) -> dict:
    """EMAIL_URL: smtp://user:pass@host:port (smtp+tls://, smtp+ssl://), console://, file://PATH."""
    raw = url("EMAIL_URL", ("smtp", "smtp+tls", "smtp+ssl", "console", "file"))
    settings = {"DEFAULT_FROM_EMAIL": os.environ.get("DEFAULT_FROM_EMAIL", "doingoai@localhost")}
    if raw is None:
        if os.environ.get("EMAIL_HOST"):
            settings.update(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST=os.environ["EMAIL_HOST"],
                EMAIL_PORT=integer("EMAIL_PORT", 25, 1, 65535),
                EMAIL_HOST_USER=os.environ.get("EMAIL_HOST_USER", ""),
                EMAIL_HOST_PASSWORD=os.environ.get("EMAIL_HOST_PASSWORD", ""),
                EMAIL_USE_TLS=flag("EMAIL_USE_TLS"),
            )
        else:
            settings.update(
                EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                EMAIL_FILE_PATH=str(directory / "mail"),
            )
        return settings
    parts = urlsplit(raw)
    if parts.scheme == "console":
        settings["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    elif parts.scheme == "file":
        settings["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        settings["EMAIL_FILE_PATH"] = unquote(parts.netloc + parts.path) or str(directory / "mail")
    else:
        if not parts.hostname:
            raise ConfigError(f"EMAIL_URL={raw!r} không hợp lệ: thiếu tên máy chủ SMTP.")
        try:
            port = parts.port or (465 if parts.scheme == "smtp+ssl" else 25)
        except ValueError:
            raise ConfigError(f"EMAIL_URL={raw!r} không hợp lệ: cổng phải là số.") from None
        query = parse_qs(parts.query)
        settings.update(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port,
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=parts.scheme == "smtp+tls",
            EMAIL_USE_SSL=parts.scheme == "smtp+ssl",
        )
        if "from" in query:
            settings["DEFAULT_FROM_EMAIL"] = query["from"][0]
    return settings


def hosts() -> list[str]:
    raw = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    values = [h.strip() for h in raw.split(",") if h.strip()]
    for host in values:
        if "/" in host or " " in host:
            raise ConfigError(
                f"ALLOWED_HOSTS={raw!r} không hợp lệ: cần danh sách tên máy cách nhau bằng dấu phẩy."
            )
    if not values:
        raise ConfigError("ALLOWED_HOSTS rỗng: cần ít nhất một tên máy.")
    return values
