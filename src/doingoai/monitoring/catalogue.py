"""The default catalogue of sources (``monitoring/data/sources.json``): real outlets with
their feed addresses. Loading never overwrites what staff changed."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.db import transaction

from .models import Source

CATALOGUE = Path(__file__).resolve().parent / "data" / "sources.json"


@cache
def default_sources() -> list[dict]:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))["sources"]


@transaction.atomic
def load_default_sources(polling: bool = False) -> tuple[int, int]:
    """Create the catalogue's sources that do not exist yet (matched by name).
    Returns (created, kept). Polling stays off unless asked: a demo has no internet."""
    created = kept = 0
    for row in default_sources():
        fields = {k: v for k, v in row.items() if k != "name"}
        _, made = Source.objects.get_or_create(name=row["name"], defaults={**fields, "polling": polling})
        created += made
        kept += not made
    return created, kept
