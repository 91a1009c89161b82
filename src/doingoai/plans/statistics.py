"""Figures that modules contribute to the periodic report (registered, never imported)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("doingoai.plans")


@dataclass(frozen=True)
class Stat:
    label: str
    value: int | float | str
    task_no: int | None = None


_providers: dict[str, tuple[str, Callable]] = {}


def register(code: str, label: str, provider: Callable[[datetime.date, datetime.date], list[Stat]]):
    _providers[code] = (label, provider)
    return provider


def collect(start: datetime.date, end: datetime.date) -> list[dict]:
    """Every registered figure for the period, as plain data for a report draft."""
    rows = []
    for code, (label, provider) in sorted(_providers.items()):
        try:
            for stat in provider(start, end):
                rows.append({"group": label, "label": stat.label, "value": stat.value, "task_no": stat.task_no, "source": code})
        except Exception:  # a module's failure leaves the others' figures in the report
            logger.exception("Số liệu %s lỗi", code)
    return rows
