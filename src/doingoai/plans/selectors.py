"""Reads of the plans app: what screens, reports and the dashboard show."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from doingoai.core import permissions
from doingoai.core.models import Unit

from .models import Plan, ProgressUpdate, Task


def current_plan(on: datetime.date | None = None) -> Plan | None:
    on = on or timezone.localdate()
    return (Plan.objects.filter(status=Plan.Status.ACTIVE, year=on.year).order_by("-date").first()
            or Plan.objects.filter(status=Plan.Status.ACTIVE).order_by("-year", "-date").first())


def tasks_of(plan: Plan):
    return (plan.tasks.select_related("lead_unit", "plan")
            .prefetch_related("coordinators")
            .annotate(last_update=Max("updates__date")))


def visible_tasks(user, plan: Plan):
    """The tasks of ``plan`` that ``user`` may read: all for leaders, else her units' and the
    ones her units coordinate."""
    tasks = tasks_of(plan)
    units = permissions.visible_unit_filter(user)
    if units is None:
        return tasks
    return tasks.filter(Q(lead_unit__in=units) | Q(coordinators__in=units)).distinct()


def my_unit_tasks(user, plan: Plan | None = None):
    plan = plan or current_plan()
    if plan is None:
        return Task.objects.none()
    units = permissions.unit_ids(user, permissions.EDITING_ROLES)
    return tasks_of(plan).filter(Q(lead_unit__in=units) | Q(coordinators__in=units)).distinct()


@dataclass
class TaskRow:
    task: Task
    overdue: bool
    due_soon: bool
    bar_left: float  # percent of the year
    bar_width: float
    role: str = ""  # "chủ trì" / "phối hợp" for the person's unit


def rows(tasks, today: datetime.date | None = None, user=None) -> list[TaskRow]:
    today = today or timezone.localdate()
    mine = permissions.unit_ids(user, permissions.EDITING_ROLES) if user is not None else set()
    out = []
    for task in tasks:
        year_start = datetime.date(task.plan.year, 1, 1)
        days = (datetime.date(task.plan.year, 12, 31) - year_start).days + 1
        start = task.start or year_start
        end = task.end or datetime.date(task.plan.year, 12, 31)
        left = max(0.0, min(100.0, (start - year_start).days / days * 100))
        width = max(1.0, min(100.0 - left, ((end - start).days + 1) / days * 100))
        role = ""
        if task.lead_unit_id in mine:
            role = "chủ trì"
        elif mine & {u.pk for u in task.coordinators.all()}:
            role = "phối hợp"
        out.append(TaskRow(task, task.is_overdue(today), task.is_due_soon(today), round(left, 2), round(width, 2), role))
    return out


def history(task: Task):
    return (task.updates.select_related("unit", "author")
            .prefetch_related("attachments", "links"))


def progress_by_unit(plan: Plan) -> list[tuple[str, float, int]]:
    """(unit name, mean progress of the tasks it leads, number of tasks)."""
    sums: dict[int, list[int]] = defaultdict(list)
    for task in plan.tasks.all():
        sums[task.lead_unit_id].append(task.progress)
    names = dict(Unit.objects.filter(pk__in=sums).values_list("pk", "name"))
    return sorted(((names[u], round(sum(v) / len(v), 1), len(v)) for u, v in sums.items()), key=lambda r: r[0])


def updates_in(plan: Plan, start: datetime.date, end: datetime.date):
    return (ProgressUpdate.objects.filter(task__plan=plan, date__gte=start, date__lte=end)
            .select_related("task", "unit").prefetch_related("links").order_by("task__no", "date", "id"))

