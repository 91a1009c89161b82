"""Evidence that other modules add to the plan, without ``plans`` knowing them.

A module registers a source once (``register_source("monitoring.digest", "Điểm báo",
task_numbers=[9])``) and then records what it did (``record("monitoring.digest",
"Đã gửi điểm báo ngày 12/03", obj=digest)``). The update lands on every open task of the
current plans bound to that source; the binding defaults to the task numbers given and staff
can change it per task (``Task.evidence_sources``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import EvidenceLink, Plan, ProgressUpdate, Task


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    task_numbers: tuple[int, ...] = ()


_sources: dict[str, Source] = {}


def register_source(code: str, label: str, task_numbers: tuple[int, ...] | list[int] = ()) -> Source:
    source = Source(code, label, tuple(task_numbers))
    _sources[code] = source
    return source


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.code)


def default_sources_for(task_no: int) -> list[str]:
    """The sources a newly imported task is bound to."""
    return [s.code for s in _sources.values() if task_no in s.task_numbers]


def bound_tasks(code: str, on: datetime.date | None = None) -> list[Task]:
    on = on or timezone.localdate()
    tasks = Task.objects.filter(plan__status=Plan.Status.ACTIVE, plan__year=on.year).select_related("lead_unit")
    return [t for t in tasks if code in (t.evidence_sources or [])]


@transaction.atomic
def record(code: str, text: str, obj=None, *, unit=None, figures=None, day: datetime.date | None = None,
           label: str = "", url: str = "") -> list[ProgressUpdate]:
    """Add ``text`` (and a link to ``obj``) as an update on each task bound to ``code``."""
    if code not in _sources:
        raise KeyError(f"Nguồn minh chứng chưa đăng ký: {code}")
    day = day or timezone.localdate()
    made = []
    for task in bound_tasks(code, day):
        update = ProgressUpdate.objects.create(
            task=task, unit=unit or task.lead_unit, date=day, text=text, figures=figures or [], source=code,
        )
        if obj is not None or url:
            EvidenceLink.objects.create(
                update=update,
                content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
                object_id=str(obj.pk) if obj is not None else "",
                label=(label or str(obj) if obj is not None else label or url)[:255],
                url=url or (obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""),
            )
        made.append(update)
    return made
