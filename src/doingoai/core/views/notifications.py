from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Notification


@require_POST
def open_notification(request, pk):
    """Mark a notification read and go where it points."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    target = note.url if url_has_allowed_host_and_scheme(note.url, {request.get_host()}) else "/admin/"
    return redirect(target or "/admin/")
