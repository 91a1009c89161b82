"""Backup and restore: one archive that gives back every row and file, refused whole when
damaged or from another version."""

import io
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from doingoai.core import backup
from doingoai.core.models import Role
from doingoai.core.storage import PrivateStorage

pytestmark = pytest.mark.django_db(transaction=True)


def _counts_django() -> dict[str, int]:
    return {m._meta.db_table: m._base_manager.count() for m in apps.get_models() if m._meta.managed}


@pytest.fixture
def some_data(make_person, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_DIR = tmp_path
    make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien")
    make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra")
    default_storage.save("tai-lieu/ke-hoach-14.txt", ContentFile("Kế hoạch số 14/KH-STTTT".encode()))
    default_storage.save("anh/cat-ba.bin", ContentFile(bytes(range(256)) * 40))
    # A private folder (evidence of cases): outside MEDIA, yet in every backup.
    PrivateStorage("evidence").save("2026/11/01-2026-VV-1.html", ContentFile("<p>Bài gốc</p>".encode()))
    return Path(settings.MEDIA_ROOT)


def test_a_backup_holds_the_database_the_media_and_a_manifest(some_data, tmp_path):
    archive = backup.create(tmp_path / "sao-luu.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["member"] in names
    assert {"media/tai-lieu/ke-hoach-14.txt", "media/anh/cat-ba.bin", "evidence/2026/11/01-2026-VV-1.html"} <= set(names)
    assert all(len(h) == 64 for h in manifest["files"].values())
    assert "core.0001_initial" in manifest["migrations"]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_restore_into_an_empty_data_directory_gives_back_every_row_and_file(some_data, tmp_path, doingoai_bin):
    before = _counts_django()
    archive = backup.create(tmp_path / "sao-luu.tar.gz")
    fresh = tmp_path / "du-lieu-moi"
    env = {"PATH": "/usr/bin:/bin", "DOINGOAI_DATA_DIR": str(fresh)}
    proc = subprocess.run([doingoai_bin, "restore", str(archive)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Đã khôi phục" in proc.stdout
    db = sqlite3.connect(fresh / "doingoai.sqlite3")
    after = {table: db.execute(f'select count(*) from "{table}"').fetchone()[0] for table in before}
    assert after == before
    assert (fresh / "media/tai-lieu/ke-hoach-14.txt").read_text(encoding="utf-8") == "Kế hoạch số 14/KH-STTTT"
    assert (fresh / "media/anh/cat-ba.bin").read_bytes() == bytes(range(256)) * 40
    assert (fresh / "evidence/2026/11/01-2026-VV-1.html").read_text(encoding="utf-8") == "<p>Bài gốc</p>"
    # The restored platform starts and its audit chain is intact.
    verify = subprocess.run([doingoai_bin, "audit", "verify"], env=env, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stderr


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_restore_into_an_empty_postgresql_database_gives_back_every_row(some_data, tmp_path, doingoai_bin, subprocess_env):
    before = _counts_django()
    archive = backup.create(tmp_path / "sao-luu.tar.gz")
    target = connection.settings_dict["NAME"] + "_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        env = {**subprocess_env, "DATABASE_URL": subprocess_env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + target,
               "DOINGOAI_DATA_DIR": str(tmp_path / "du-lieu-moi")}
        proc = subprocess.run([doingoai_bin, "restore", str(archive)], env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        import psycopg

        dsn = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        with psycopg.connect(dsn) as conn:
            after = {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in before}
        assert after == before
        assert (tmp_path / "du-lieu-moi/media/anh/cat-ba.bin").read_bytes() == bytes(range(256)) * 40
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')


def _rewrite(archive: Path, out: Path, change):
    """Copy ``archive`` to ``out`` applying ``change(name, data) -> data | None``."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def _restore_refused(archive, tmp_path, doingoai_bin, expected):
    fresh = tmp_path / "dich"
    env = {"PATH": "/usr/bin:/bin", "DOINGOAI_DATA_DIR": str(fresh)}
    if connection.vendor == "postgresql":
        pytest.skip("the refusal happens before the database is touched; checked on SQLite")
    proc = subprocess.run([doingoai_bin, "restore", str(archive)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert expected in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert backup._sqlite_is_empty(fresh / "doingoai.sqlite3")
    assert not (fresh / "media").exists()


def test_a_truncated_archive_is_refused_before_anything_is_written(some_data, tmp_path, doingoai_bin):
    archive = backup.create(tmp_path / "sao-luu.tar.gz")
    damaged = tmp_path / "hong.tar.gz"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _restore_refused(damaged, tmp_path, doingoai_bin, "bị hỏng")


def test_a_file_changed_inside_the_archive_is_refused(some_data, tmp_path, doingoai_bin):
    archive = backup.create(tmp_path / "sao-luu.tar.gz")
    tampered = tmp_path / "sua.tar.gz"
    _rewrite(archive, tampered, lambda name, data: b"khac" if name.endswith("ke-hoach-14.txt") else data)
    _restore_refused(tampered, tmp_path, doingoai_bin, "không khớp mã băm")


def test_an_archive_from_a_newer_version_is_refused(some_data, tmp_path, doingoai_bin):
    archive = backup.create(tmp_path / "sao-luu.tar.gz")
    newer = tmp_path / "moi.tar.gz"

    def add_migration(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append("core.9999_tuong_lai")
        manifest["platform_version"] = "9.0"
        return json.dumps(manifest).encode()

    _rewrite(archive, newer, add_migration)
    _restore_refused(newer, tmp_path, doingoai_bin, "mới hơn")


def test_something_that_is_not_a_backup_is_refused(tmp_path, doingoai_bin, db):
    junk = tmp_path / "khong-phai.tar.gz"
    junk.write_text("đây không phải tệp sao lưu")
    _restore_refused(junk, tmp_path, doingoai_bin, "không phải tệp sao lưu")


def test_restore_refuses_a_data_directory_that_has_data(some_data, tmp_path, doingoai_bin):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite data directory")
    archive = backup.create(tmp_path / "sao-luu.tar.gz")
    used = tmp_path / "dang-dung"
    env = {"PATH": "/usr/bin:/bin", "DOINGOAI_DATA_DIR": str(used)}
    subprocess.run([doingoai_bin, "migrate", "-v0"], env=env, check=True, timeout=300)
    proc = subprocess.run([doingoai_bin, "restore", str(archive)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "đã có dữ liệu" in proc.stderr
