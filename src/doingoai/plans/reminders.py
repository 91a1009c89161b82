"""Reminders before a task's end date and when it is overdue: in the app and by e-mail."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from doingoai.core import notify
from doingoai.core.models import Role

from .models import Plan, ReminderLog, Task


def people_to_remind(task: Task):
    """The people responsible for the task, and the head and staff of its lead unit."""
    User = get_user_model()
    unit_people = User.objects.filter(
        is_active=True, memberships__unit=task.lead_unit,
        memberships__role__in=[Role.TRUONG_DON_VI, Role.CHUYEN_VIEN],
    )
    return set(unit_people) | set(task.responsible.filter(is_active=True))


def _once(task: Task, kind: str, day: datetime.date) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(task=task, kind=kind, day=day)
        return True
    except IntegrityError:
        return False


def send_reminders(today: datetime.date | None = None) -> dict:
    """Due-soon reminders (``Plan.remind_days_before`` days ahead) and overdue alerts, each
    task once a day."""
    today = today or timezone.localdate()
    counts = {"sắp đến hạn": 0, "quá hạn": 0}
    tasks = (Task.objects.filter(plan__status=Plan.Status.ACTIVE, end__isnull=False)
             .exclude(status=Task.Status.DONE).select_related("plan", "lead_unit"))
    for task in tasks:
        if task.is_overdue(today):
            kind, title = "quá hạn", f"Nhiệm vụ {task.no} đã quá hạn ({task.end:%d/%m/%Y})"
        elif task.is_due_soon(today):
            kind, title = "sắp đến hạn", f"Nhiệm vụ {task.no} đến hạn ngày {task.end:%d/%m/%Y}"
        else:
            continue
        if not _once(task, kind, today):
            continue
        people = people_to_remind(task)
        body = f"{task.title}\nĐơn vị chủ trì: {task.lead_unit.name}\nTiến độ hiện tại: {task.progress}%"
        url = task.get_absolute_url()
        notify.in_app(people, title, body, url, key=f"plans:{kind}:{task.pk}:{today.isoformat()}")
        notify.email(people, title, f"{body}\n\n{url}")
        counts[kind] += 1
    return counts
