"""The background-jobs screen: queue depth, running and failed jobs, retry."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import jobs, permissions
from ..models import JobRecord, ScheduledJob


def _check(request):
    if not permissions.can_manage_jobs(request.user):
        raise PermissionDenied


def index(request):
    _check(request)
    return TemplateResponse(request, "core/jobs.html", {
        "stats": jobs.queue_stats(),
        "running": JobRecord.objects.filter(status=JobRecord.Status.RUNNING)[:50],
        "waiting": JobRecord.objects.filter(status=JobRecord.Status.READY)[:50],
        "failed": JobRecord.objects.filter(status=JobRecord.Status.FAILED)[:50],
        "schedules": ScheduledJob.objects.all(),
        "page_title": _("Tác vụ nền"),
    })


@require_POST
def retry(request, pk):
    _check(request)
    record = get_object_or_404(JobRecord, pk=pk)
    try:
        jobs.retry(record)
    except jobs.RetryError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("Đã đưa tác vụ %(task)s vào hàng đợi để chạy lại.") % {"task": record.task_path})
    return redirect("doingoai_jobs")
