"""Reference data shipped with the platform (``doingoai/data/``): the plan's unit registry,
the organisation, the themes. Loading is idempotent and never overwrites staff edits."""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path

from django.db import transaction

from .models import Organisation, Unit

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PLAN_FILE = DATA_DIR / "plan-14-KH-STTTT-2025.json"
THEMES_FILE = DATA_DIR / "themes.json"


@cache
def reference_plan() -> dict:
    return json.loads(PLAN_FILE.read_text(encoding="utf-8"))


@cache
def themes() -> list[dict]:
    return json.loads(THEMES_FILE.read_text(encoding="utf-8"))["themes"]


@cache
def theme_names() -> dict[str, str]:
    """Theme code → Vietnamese name, in the taxonomy's order: the one lookup of theme names for
    every module's screens, forms and documents."""
    return {t["code"]: t["vi"] for t in themes()}


def theme_choices() -> list[tuple[str, str]]:
    return list(theme_names().items())


def theme_name(code: str) -> str:
    """The name of a theme in the language of the request (English where the person chose
    it and the taxonomy has it); an unknown code is returned as it is."""
    from django.utils.translation import get_language

    theme = {t["code"]: t for t in themes()}.get(code)
    if theme is None:
        return code
    if (get_language() or "").startswith("en") and theme.get("en"):
        return theme["en"]
    return theme["vi"]


@transaction.atomic
def load_units(plan: dict | None = None) -> tuple[int, int]:
    """Create the units of the registry that do not exist yet. Returns (created, kept)."""
    plan = plan or reference_plan()
    created = kept = 0
    for row in plan["units"]:
        _, made = Unit.objects.get_or_create(
            code=row["code"],
            defaults={"name": row["name"], "aliases": row.get("aliases", []), "internal": row.get("internal", True)},
        )
        created += made
        kept += not made
    return created, kept


@transaction.atomic
def load_organisation(plan: dict | None = None) -> Organisation:
    plan = plan or reference_plan()
    doc = plan["document"]
    name = doc["issuer"].capitalize().replace("thông tin và truyền thông", "Thông tin và Truyền thông")
    parent = doc["issuer_parent"]
    org = Organisation.objects.filter(name=name).first()
    if org is None:
        org = Organisation.objects.create(
            name=name,
            short_name="STTTT",
            parent_name=parent,
            place=doc.get("place", ""),
            valid_from=datetime.date(2000, 1, 1),
        )
    return org

