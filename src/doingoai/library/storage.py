"""Where the library's files live: outside MEDIA_ROOT, so that no web server serves them
directly; the public and staff views serve them after checking the item's access level."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.DATA_DIR / "library", base_url=None)
