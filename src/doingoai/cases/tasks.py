"""Background jobs of the cases app. Thin: each calls a domain module (imported inside the
job, so that importing this module stays cheap)."""

from __future__ import annotations

from doingoai.core.jobs import job, periodic  # noqa: F401

# --- cases (services.py) ----------------------------------------------------------------------

# --- evidence (evidence.py) -------------------------------------------------------------------

# --- clocks and takedowns (clocks.py, takedowns.py) -------------------------------------------

# --- complaints (complaints.py) ---------------------------------------------------------------

# --- claim matching (matching.py) -------------------------------------------------------------
