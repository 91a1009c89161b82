"""Background jobs of the platform itself. Thin: the work is in the domain modules."""

import datetime

from django.utils import timezone

from . import audit, notify
from .jobs import job, periodic
from .models import JobRecord


@periodic("Kiểm tra toàn vẹn nhật ký kiểm toán", "30 2 * * *")
@job(retries=1)
def verify_audit_log():
    result = audit.verify()
    if not result.ok:
        notify.system_admins(
            "Nhật ký kiểm toán không còn toàn vẹn",
            "doingoai audit verify đã phát hiện:\n" + "\n".join(result.problems[:50]),
        )
    return {"checked": result.checked, "problems": len(result.problems)}


@periodic("Dọn bản ghi tác vụ nền cũ", "15 3 * * *", {"days": 90})
@job()
def prune_job_records(days: int = 90):
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = JobRecord.objects.filter(finished_at__lt=cutoff).delete()
    return {"deleted": deleted}


@periodic("Xuất bản theo lịch (trang, bài cải chính, tài liệu thư viện)", "*/5 * * * *")
@job(retries=1)
def publish_scheduled():
    """Wagtail's scheduled publishing and unpublishing, for every model with drafts."""
    from django.core.management import call_command

    call_command("publish_scheduled")
    return {}
