"""Reference data of the cases app, shipped in ``cases/data/``. Each loader is small and
idempotent, adds only what is missing (staff edits are kept) and returns (created, kept);
``load_all`` runs them all."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Action, LegalBasis

DATA_DIR = Path(__file__).resolve().parent / "data"
LEGAL_BASES_FILE = DATA_DIR / "legal-bases.json"


def _rows(path: Path, key: str) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))[key]


@transaction.atomic
def load_legal_bases(path: Path | None = None) -> tuple[int, int]:
    """The legal bases of ``data/legal-bases.json`` missing by code."""
    created = kept = 0
    for row in _rows(path or LEGAL_BASES_FILE, "legal_bases"):
        actions = [a for a in row.get("actions", []) if a in Action.values]
        _basis, made = LegalBasis.objects.get_or_create(code=row["code"], defaults={
            "title": row["title"], "provision": row.get("provision", ""), "summary": row.get("summary", ""),
            "actions": actions,
        })
        created += made
        kept += not made
    return created, kept


def load_all() -> dict[str, tuple[int, int]]:
    """Every loader of the cases app: name → (created, kept)."""
    from . import clocks, library

    return {
        "legal_bases": load_legal_bases(),
        "clock_rules": clocks.load_rules(),
        "holidays": clocks.load_holidays(),
        "arguments": library.load_arguments(),
    }
