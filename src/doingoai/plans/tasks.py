"""Background jobs of the plans app (thin: the work is in the domain modules)."""

from doingoai.core.jobs import job, periodic

from . import reminders, reports


@periodic("Nhắc hạn nhiệm vụ kế hoạch", "30 7 * * *")
@job()
def send_task_reminders():
    return reminders.send_reminders()


@job(retries=2, backoff_seconds=20)
def render_report_files(report_id: int):
    reports.render_files(report_id)
