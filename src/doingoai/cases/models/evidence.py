"""Evidence: what an address showed at a moment, kept as raw HTML, extracted text and a
full-page screenshot, each with its SHA-256. A finished capture never changes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doingoai.core.storage import PrivateStorage


def evidence_storage() -> PrivateStorage:
    """Evidence files: ``DATA_DIR/evidence``, read-only once written; nothing serves them but
    the checked screens of the evidence area (a callable, so that migrations do not freeze a
    path)."""
    return PrivateStorage("evidence", file_permissions_mode=0o440, directory_permissions_mode=0o750)


class Capture(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ thu thập")
        DONE = "done", _("Đã thu thập")
        FAILED = "failed", _("Thu thập không thành công")

    class Change(models.TextChoices):
        FIRST = "first", _("Lần thu thập đầu")
        SAME = "same", _("Không thay đổi")
        EDITED = "edited", _("Nội dung đã bị sửa")
        REMOVED = "removed", _("Nội dung đã bị gỡ")

    case_url = models.ForeignKey("cases.CaseURL", on_delete=models.CASCADE, related_name="captures")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(_("thời điểm thu thập"), null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    html = models.FileField(upload_to="%Y/%m/", storage=evidence_storage, blank=True)
    html_sha256 = models.CharField(max_length=64, blank=True)
    text = models.TextField(_("nội dung trích xuất"), blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    screenshot = models.FileField(upload_to="%Y/%m/", storage=evidence_storage, blank=True)
    screenshot_sha256 = models.CharField(max_length=64, blank=True)
    change = models.CharField(_("so với lần trước"), max_length=10, choices=Change.choices, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("bản lưu chứng cứ")
        verbose_name_plural = _("bản lưu chứng cứ")
        ordering = ["case_url", "requested_at", "pk"]

    def __str__(self):
        when = timezone.localtime(self.taken_at or self.requested_at).strftime("%d/%m/%Y %H:%M:%S")
        return _("Bản lưu %(url)s lúc %(when)s") % {"url": self.case_url.url, "when": when}

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.DONE).exists():
            raise ValidationError(_("Bản lưu chứng cứ đã hoàn tất thì không được sửa."))
        super().save(*args, **kwargs)
