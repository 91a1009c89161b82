"""Jobs used by the tests (module level, so that a worker in another process finds them)."""

from pathlib import Path

from doingoai.core.jobs import job


@job(retries=2, backoff_seconds=60)
def write_marker(path: str, text: str):
    Path(path).write_text(text, encoding="utf-8")
    return {"written": len(text)}


@job(retries=2, backoff_seconds=60)
def always_fails(reason: str):
    raise RuntimeError(reason)
