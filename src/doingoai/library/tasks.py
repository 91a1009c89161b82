"""Background jobs of the library. Thin: each calls a domain module (imported inside the
job, so that importing this module stays cheap)."""

from __future__ import annotations

from doingoai.core.jobs import job, periodic  # noqa: F401

# --- files: extraction and OCR (ingest.py) ----------------------------------------------------

@job(retries=2, backoff_seconds=60)
def process_item(item_id: int):
    """OCR of an uploaded item's scanned pages (``Item.processing``/``progress`` show it)."""
    from . import ingest

    return ingest.process(item_id)


# --- review (review.py) -----------------------------------------------------------------------

@periodic("Kiểm tra nguồn của tài liệu thư viện", "30 2 * * *")
@job(retries=1, backoff_seconds=300)
def check_item_sources():
    """Daily: items whose source article changed (or is gone) join the re-review queue."""
    from . import review

    return review.check_sources()
