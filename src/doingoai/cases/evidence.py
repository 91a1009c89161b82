"""Evidence of a case's addresses: raw HTML, extracted text and a full-page screenshot, each
with its SHA-256 and capture time, immutable once taken; captures can be repeated."""

from __future__ import annotations

from django.db import transaction

from .models import Capture, CaseURL


def request_capture(case_url: CaseURL, user=None) -> Capture:
    """A new pending capture of ``case_url``, taken by a background job once committed."""
    capture = Capture.objects.create(case_url=case_url, requested_by=user)
    from . import tasks

    transaction.on_commit(lambda: tasks.capture_evidence.enqueue(capture.pk), robust=True)
    return capture
