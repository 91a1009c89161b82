"""Backup and restore: one archive with a consistent copy of the database and the media.

The archive is a gzipped tar: ``manifest.json`` first (format, platform version, database
vendor, applied migrations, SHA-256 of every other member), then ``database.sqlite3``
(SQLite's online backup API) or ``database.dump`` (``pg_dump -Fc``), the data directory's
``secret_key``, ``media/`` and the private file folders of the data directory (``DOINGOAI_PRIVATE_FILES``:
evidence, library files, kept outside MEDIA so that no web server serves them). Restore checks the whole
archive before it writes anything, and only into an empty database and empty folders.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from .storage import file_sha256

FORMAT = "doingoai-backup"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in Vietnamese."""


def platform_version() -> str:
    try:
        return version("doingoai")
    except PackageNotFoundError:
        return "dev"


def _vendor(alias: str = DEFAULT_DB_ALIAS) -> str:
    return connections[alias].vendor


def _applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _code_migrations() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


def _pg_env_args(db: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _dump_database(target: Path, alias: str) -> str:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)  # consistent even while others write
        finally:
            dest.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env, args = _pg_env_args(db)
        name = connection.settings_dict["NAME"]
        proc = subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(target), name],
            env=env, capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise BackupError(f"pg_dump không chạy được: {proc.stderr.strip()[:500]}")
        return "database.dump"
    raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {connection.vendor}.")


def _file_trees() -> dict[str, Path]:
    """The folders of files that belong in a backup, by their name in the archive."""
    trees = {"media": Path(settings.MEDIA_ROOT)}
    trees.update({name: Path(settings.DATA_DIR) / name for name in getattr(settings, "DOINGOAI_PRIVATE_FILES", ())})
    return trees


def create(destination: Path | None = None, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup archive and return its path."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    destination = Path(destination or Path(settings.DATA_DIR) / "backups" / f"doingoai-{stamp}.tar.gz")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="doingoai-backup-") as tmp:
        tmp = Path(tmp)
        db_name = _dump_database(tmp / "db", alias)
        members: list[tuple[str, Path]] = [(db_name, tmp / "db")]
        key_file = Path(settings.DATA_DIR) / "secret_key"
        if key_file.exists():
            members.append(("secret_key", key_file))
        for tree, root in _file_trees().items():
            if root.exists():
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    members.append((f"{tree}/" + path.relative_to(root).as_posix(), path))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "platform_version": platform_version(),
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": {"vendor": _vendor(alias), "member": db_name},
            "migrations": _applied_migrations(alias),
            "files": {name: file_sha256(path) for name, path in members},
        }
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(datetime.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        partial.replace(destination)
    return destination


@dataclass
class Checked:
    manifest: dict
    extracted: Path


def _safe_name(name: str) -> bool:
    path = Path(name)
    return not path.is_absolute() and ".." not in path.parts


def check_and_extract(archive: Path, into: Path) -> Checked:
    """Open, verify and extract ``archive`` into the directory ``into``. Raises ``BackupError``
    on any damage or mismatch; nothing outside ``into`` is touched."""
    if not archive.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive}.")
    damaged = f"Tệp {archive.name} bị hỏng hoặc không phải tệp sao lưu doingoai"
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != "manifest.json":
                raise BackupError(f"{damaged}: thiếu manifest.json.")
            manifest = json.load(tar.extractfile(first))
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{damaged}.")
            for member in tar:
                if member.name == "manifest.json":
                    continue
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"{damaged}: có mục không hợp lệ {member.name!r}.")
                tar.extract(member, into, filter="data")
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{damaged} ({exc.__class__.__name__}).") from None

    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Tệp sao lưu theo định dạng phiên bản {manifest.get('format_version')}, "
            f"phiên bản này của doingoai chỉ đọc định dạng {FORMAT_VERSION}."
        )
    files = manifest.get("files") or {}
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()}
    if set(files) != present:
        missing = sorted(set(files) - present)[:5]
        raise BackupError(f"{damaged}: thiếu hoặc thừa tệp ({', '.join(missing) or 'thừa tệp'}).")
    for name, digest in files.items():
        if file_sha256(into / name) != digest:
            raise BackupError(f"{damaged}: tệp {name} không khớp mã băm SHA-256.")
    applied, known = set(manifest.get("migrations", [])), set(_code_migrations())
    if applied - known:
        raise BackupError(
            f"Tệp sao lưu được tạo bởi phiên bản doingoai {manifest.get('platform_version')} mới hơn phiên bản này "
            f"({platform_version()}): có {len(applied - known)} migration chưa biết. Hãy khôi phục bằng đúng phiên bản đó."
        )
    if known - applied:
        raise BackupError(
            f"Tệp sao lưu được tạo bởi phiên bản doingoai {manifest.get('platform_version')} cũ hơn phiên bản này "
            f"({platform_version()}). Hãy khôi phục bằng đúng phiên bản đó rồi nâng cấp."
        )
    return Checked(manifest=manifest, extracted=into)


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select count(*) from sqlite_master where type='table'").fetchone()[0] == 0
    finally:
        conn.close()


def _pg_is_empty(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("select count(*) from information_schema.tables where table_schema = current_schema()")
        return cursor.fetchone()[0] == 0


def restore(archive: Path, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore ``archive`` into the configured, empty database and media directory."""
    connection = connections[alias]
    trees = _file_trees()
    for root in trees.values():
        if root.exists() and any(root.iterdir()):
            raise BackupError(f"Thư mục tệp {root} không trống: chỉ khôi phục vào thư mục dữ liệu trống.")
    with tempfile.TemporaryDirectory(prefix="doingoai-restore-") as tmp:
        checked = check_and_extract(Path(archive), Path(tmp))
        manifest = checked.manifest
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"Tệp sao lưu chứa cơ sở dữ liệu {vendor}, máy này đang cấu hình {connection.vendor}."
            )
        source = checked.extracted / manifest["database"]["member"]
        if vendor == "sqlite":
            target = Path(connection.settings_dict["NAME"])
            connection.close()
            if not _sqlite_is_empty(target):
                raise BackupError(f"Cơ sở dữ liệu {target} đã có dữ liệu: chỉ khôi phục vào thư mục dữ liệu trống.")
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            shutil.copyfile(source, target)
        else:
            if not _pg_is_empty(alias):
                raise BackupError("Cơ sở dữ liệu PostgreSQL đã có bảng: chỉ khôi phục vào cơ sở dữ liệu trống.")
            db = connection.settings_dict
            connection.close()
            env, args = _pg_env_args(db)
            proc = subprocess.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, "-d", db["NAME"], str(source)],
                env=env, capture_output=True, text=True,
            )
            if proc.returncode != 0:
                raise BackupError(f"pg_restore không chạy được: {proc.stderr.strip()[:500]}")
        if (checked.extracted / "secret_key").exists():
            shutil.copyfile(checked.extracted / "secret_key", Path(settings.DATA_DIR) / "secret_key")
        restored_files = 0
        for tree, root in trees.items():
            source_tree = checked.extracted / tree
            if not source_tree.exists():
                continue
            for path in source_tree.rglob("*"):
                if path.is_file():
                    dest = root / path.relative_to(source_tree)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, dest)
                    restored_files += 1
    return {"manifest": manifest, "media_files": restored_files}
