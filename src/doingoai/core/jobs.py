"""Background jobs on Django's task API (django-tasks), whatever the backend.

- ``job`` declares a task with retries and exponential back-off.
- Every enqueue, start and end is recorded in ``JobRecord`` through django-tasks' signals, so
  that the jobs screen reads one table for the database and the RQ backends alike.
- Periodic jobs are rows of ``ScheduledJob``; apps propose defaults with ``periodic`` and
  ``doingoai scheduler`` enqueues what is due (``run_due``).
"""

from __future__ import annotations

import datetime
import functools
import inspect
import logging
import traceback
from dataclasses import dataclass

from croniter import croniter
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_enqueued, task_finished, task_started

from .models import JobRecord, ScheduledJob

logger = logging.getLogger("doingoai.jobs")
ATTEMPT_KWARG = "_attempt"


def job(*, retries: int = 3, backoff_seconds: int = 30, queue_name: str = "default", priority: int = 0):
    """Declare a background job. On an exception it is enqueued again after
    ``backoff_seconds * 2**(attempt-1)`` seconds, ``retries`` times at most; the failed run
    stays recorded as failed."""

    def decorate(func):
        @functools.wraps(func)
        def run(context, *args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except Exception:
                # Kept here for every backend (RQ reports the traceback only after its callbacks).
                JobRecord.objects.filter(result_id=context.task_result.id).update(
                    error=traceback.format_exc()[-8000:]
                )
                if attempt <= retries:
                    delay = backoff_seconds * 2 ** (attempt - 1)
                    when = timezone.now() + datetime.timedelta(seconds=delay)
                    declared.using(run_after=when).enqueue(*args, **{**kwargs, ATTEMPT_KWARG: attempt + 1})
                    logger.warning("%s thất bại (lần %d), chạy lại sau %ds", func.__qualname__, attempt, delay)
                raise

        run.__signature__ = _with_context(func)
        declared = task(queue_name=queue_name, priority=priority, takes_context=True)(run)
        return declared

    return decorate


def _with_context(func) -> inspect.Signature:
    """The signature django-tasks checks: ``context`` first, then the job's own parameters."""
    signature = inspect.signature(func)
    context = inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return signature.replace(parameters=[context, *signature.parameters.values()])


# --- the record of every job -----------------------------------------------------------------

_STATUS = {
    TaskResultStatus.READY: JobRecord.Status.READY,
    TaskResultStatus.RUNNING: JobRecord.Status.RUNNING,
    TaskResultStatus.SUCCESSFUL: JobRecord.Status.SUCCESSFUL,
    TaskResultStatus.FAILED: JobRecord.Status.FAILED,
}


@receiver(task_enqueued, dispatch_uid="doingoai-job-enqueued")
def _on_enqueued(sender, task_result, **kwargs):
    kwargs_ = dict(task_result.kwargs)
    attempt = int(kwargs_.get(ATTEMPT_KWARG, 1))
    try:
        JobRecord.objects.update_or_create(
            result_id=task_result.id,
            defaults=dict(
                task_path=task_result.task.module_path,
                backend=task_result.backend,
                queue=task_result.task.queue_name,
                args=list(task_result.args),
                kwargs=kwargs_,
                attempt=attempt,
                status=JobRecord.Status.READY,
                run_after=task_result.task.run_after,
            ),
        )
    except IntegrityError:  # recorded twice at once by two processes: the first one stands
        pass


@receiver(task_started, dispatch_uid="doingoai-job-started")
def _on_started(sender, task_result, **kwargs):
    _update(task_result, status=JobRecord.Status.RUNNING, started_at=timezone.now())


@receiver(task_finished, dispatch_uid="doingoai-job-finished")
def _on_finished(sender, task_result, **kwargs):
    fields = {"status": _STATUS.get(task_result.status, JobRecord.Status.FAILED), "finished_at": timezone.now()}
    if task_result.errors and task_result.errors[-1].traceback:
        fields["error"] = task_result.errors[-1].traceback[-8000:]
    _update(task_result, **fields)


def _update(task_result, **fields):
    updated = JobRecord.objects.filter(result_id=task_result.id).update(**fields)
    if not updated:  # enqueued before this process recorded jobs: record it now
        _on_enqueued(None, task_result)
        JobRecord.objects.filter(result_id=task_result.id).update(**fields)


# --- the jobs screen -------------------------------------------------------------------------

@dataclass
class QueueStats:
    waiting: int
    running: int
    failed_24h: int
    succeeded_24h: int


def queue_stats() -> QueueStats:
    since = timezone.now() - datetime.timedelta(hours=24)
    records = JobRecord.objects
    return QueueStats(
        waiting=records.filter(status=JobRecord.Status.READY).count(),
        running=records.filter(status=JobRecord.Status.RUNNING).count(),
        failed_24h=records.filter(status=JobRecord.Status.FAILED, finished_at__gte=since).count(),
        succeeded_24h=records.filter(status=JobRecord.Status.SUCCESSFUL, finished_at__gte=since).count(),
    )


class RetryError(Exception):
    pass


def retry(record: JobRecord):
    """Enqueue a failed job again with its arguments; the failed record is marked retried."""
    if record.status != JobRecord.Status.FAILED:
        raise RetryError("Chỉ chạy lại được tác vụ đã thất bại.")
    with transaction.atomic():
        claimed = JobRecord.objects.filter(pk=record.pk, retried=False).update(retried=True)
        if not claimed:
            raise RetryError("Tác vụ này đã được chạy lại.")
        declared = import_string(record.task_path)
        kwargs = {k: v for k, v in record.kwargs.items() if k != ATTEMPT_KWARG}
        return declared.enqueue(*record.args, **kwargs)


# --- periodic jobs -----------------------------------------------------------------------------

_defaults: list[dict] = []


def periodic(name: str, cron: str, kwargs: dict | None = None):
    """Propose a schedule for a job (an app calls this at import). The row is created once,
    by ``ensure_schedules``; staff may then change or disable it."""

    def decorate(declared):
        if not croniter.is_valid(cron):
            raise ValueError(f"Lịch cron không hợp lệ: {cron}")
        _defaults.append({"name": name, "task_path": declared.module_path, "cron": cron, "kwargs": kwargs or {}})
        return declared

    return decorate


def ensure_schedules() -> int:
    created = 0
    for default in _defaults:
        _, made = ScheduledJob.objects.get_or_create(name=default["name"], defaults=default)
        created += made
    return created


def next_run(cron: str, after: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(after)
    return croniter(cron, local).get_next(datetime.datetime)


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every enabled schedule that is due and move it to its next time.

    The move is a compare-and-set on ``next_run_at``: with several schedulers running, each
    due run is enqueued once."""
    now = now or timezone.now()
    enqueued = []
    for sched in ScheduledJob.objects.filter(enabled=True):
        if sched.next_run_at is None:
            ScheduledJob.objects.filter(pk=sched.pk, next_run_at__isnull=True).update(
                next_run_at=next_run(sched.cron, now)
            )
            continue
        if sched.next_run_at > now:
            continue
        try:
            with transaction.atomic():
                claimed = ScheduledJob.objects.filter(pk=sched.pk, next_run_at=sched.next_run_at).update(
                    next_run_at=next_run(sched.cron, now), last_run_at=now
                )
                if not claimed:
                    continue
                import_string(sched.task_path).enqueue(**sched.kwargs)
        except Exception:  # a broken schedule must not stop the others; it stays due
            logger.exception("Không đưa được lịch %s vào hàng đợi", sched.name)
            continue
        enqueued.append(sched.name)
    return enqueued
