"""Background jobs of the library. Thin: each calls a domain module (imported inside the
job, so that importing this module stays cheap)."""

from __future__ import annotations

from doingoai.core.jobs import job, periodic  # noqa: F401

# --- files: extraction and OCR (ingest.py) ----------------------------------------------------

# --- review (review.py) -----------------------------------------------------------------------
