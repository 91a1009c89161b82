"""Where the library's files live: ``DATA_DIR/library`` (``core.storage.PrivateStorage``); the
public and staff views serve them after checking the item's access level."""

from doingoai.core.storage import PrivateStorage


def private_storage() -> PrivateStorage:
    """The storage of library files (a callable, so that migrations do not freeze a path)."""
    return PrivateStorage("library")
