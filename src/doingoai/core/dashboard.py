"""What the staff dashboard shows, filled by modules through a small registry.

``core`` knows no module: a module registers a function that, given a user, returns her
open work (``register_open_work``) or counters (``register_counter``). Whole panels are added
with Wagtail's own ``construct_homepage_panels`` hook.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("doingoai.dashboard")


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    module: str
    due: datetime.date | None = None
    overdue: bool = False
    status: str = ""


@dataclass(frozen=True)
class Counter:
    label: str
    value: int | str
    url: str = ""
    note: str = ""


_open_work: list[Callable] = []
_counters: list[Callable] = []


def register_open_work(provider: Callable) -> Callable:
    _open_work.append(provider)
    return provider


def register_counter(provider: Callable) -> Callable:
    _counters.append(provider)
    return provider


def _collect(providers, user):
    items = []
    for provider in providers:
        try:
            items.extend(provider(user))
        except Exception:  # one broken module must not take the dashboard down
            logger.exception("Bảng điều khiển: %s lỗi", getattr(provider, "__qualname__", provider))
    return items


def open_work(user) -> list[WorkItem]:
    items = _collect(_open_work, user)
    # Stable: within the same urgency, a module's own order (a plan's task numbers) is kept.
    return sorted(items, key=lambda i: (not i.overdue, i.due or datetime.date.max))


def counters(user) -> list[Counter]:
    return _collect(_counters, user)
