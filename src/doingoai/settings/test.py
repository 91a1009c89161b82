"""Settings for the test suite: the same platform, with its own data directory, a file test
database (so that a worker or server started by a test sees the same rows) and fast hashing."""

import os
import tempfile

os.environ.setdefault("DOINGOAI_DATA_DIR", os.path.join(tempfile.gettempdir(), f"doingoai-test-{os.getuid()}"))

from .base import *  # noqa: E402,F403
from .base import DATA_DIR, DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per test run, so that two runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-db-{os.getpid()}.sqlite3")}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
