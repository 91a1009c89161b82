"""Private file folders: ``DATA_DIR/<folder>``, outside MEDIA_ROOT, so that no web server
serves them; the screens that own them serve a file after checking who asks. The folders are
listed in ``settings.DOINGOAI_PRIVATE_FILES`` (backups include them)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """A folder of the data directory without a public address. The location is read from
    the settings at each use, so tests and deployments may move ``DATA_DIR``."""

    def __init__(self, folder: str, **options):
        self.folder = folder
        super().__init__(**options)

    @property
    def base_location(self):
        return Path(settings.DATA_DIR) / self.folder

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None  # no public URL: ``url()`` refuses


def file_sha256(path: Path | str, chunk: int = 1 << 20) -> str:
    """SHA-256 (hex) of a file on disk, read a chunk at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
