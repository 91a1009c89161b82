"""Background jobs of the cases app. Thin: each calls a domain module (imported inside the
job, so that importing this module stays cheap)."""

from __future__ import annotations

from doingoai.core.jobs import job, periodic  # noqa: F401

# --- cases (services.py) ----------------------------------------------------------------------


@periodic("Nhắc vụ việc quá hạn bước", "30 7 * * *")
@job()
def remind_overdue_case_steps() -> int:
    from . import services

    return services.remind_overdue_steps()


# --- evidence (evidence.py) -------------------------------------------------------------------


@job(retries=3, backoff_seconds=60)
def capture_evidence(capture_id: int) -> dict:
    from . import evidence

    return evidence.capture(capture_id)

# --- clocks and takedowns (clocks.py, takedowns.py) -------------------------------------------


@periodic("cases.clocks", "*/15 * * * *")
@job(retries=0)
def check_clocks() -> dict:
    """Overdue takedown requests are marked; reminders and alerts of statutory clocks go out."""
    from . import clocks, takedowns

    overdue = takedowns.mark_overdue()
    reminders, alerts = clocks.remind_and_alert()
    return {"takedowns_overdue": overdue, "reminders": reminders, "alerts": alerts}

# --- complaints (complaints.py) ---------------------------------------------------------------

# --- claim matching (matching.py) -------------------------------------------------------------


@job(retries=2, backoff_seconds=60)
def match_claims(article_ids: list[int]) -> dict:
    """New monitored articles against the claims of the cases (suggest, link, alert)."""
    from . import matching

    return matching.run(article_ids)
