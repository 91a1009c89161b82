"""Background jobs of the cases app. Thin: each calls a domain module (imported inside the
job, so that importing this module stays cheap)."""

from __future__ import annotations

from doingoai.core.jobs import job, periodic  # noqa: F401

# --- cases (services.py) ----------------------------------------------------------------------

# --- evidence (evidence.py) -------------------------------------------------------------------


@job(retries=3, backoff_seconds=60)
def capture_evidence(capture_id: int) -> dict:
    from . import evidence

    return evidence.capture(capture_id)

# --- clocks and takedowns (clocks.py, takedowns.py) -------------------------------------------

# --- complaints (complaints.py) ---------------------------------------------------------------

# --- claim matching (matching.py) -------------------------------------------------------------
