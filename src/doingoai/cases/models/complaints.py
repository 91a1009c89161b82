"""Complaints and denunciations (khiếu nại, tố cáo) in external-information activities. The
complainant's identity is visible only to the assigned inspectors; each view is logged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")


class Complaint(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        ACCEPTED = "accepted", _("Đã thụ lý")
        REJECTED = "rejected", _("Không thụ lý")
        VERIFYING = "verifying", _("Đang xác minh")
        CONCLUDED = "concluded", _("Đã có kết luận")

    class Complexity(models.TextChoices):
        NORMAL = "normal", _("Thông thường")
        COMPLEX = "complex", _("Phức tạp")
        VERY_COMPLEX = "very_complex", _("Đặc biệt phức tạp")

    number = models.CharField(_("số hồ sơ"), max_length=40, unique=True)
    kind = models.CharField(_("loại đơn"), max_length=20, choices=ComplaintKind.choices)
    received_at = models.DateTimeField(_("ngày nhận đơn"), default=timezone.now)
    # Identity: shown only to the assigned inspectors (every view is in the audit log).
    complainant_name = models.CharField(_("họ và tên người gửi"), max_length=200)
    complainant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    complainant_contact = models.CharField(_("điện thoại, thư điện tử"), max_length=200, blank=True)
    subject = models.CharField(_("nội dung tóm tắt"), max_length=500)
    content = models.TextField(_("nội dung đơn"))
    themes = models.JSONField(_("chủ đề"), default=list, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="complaints", verbose_name=_("vụ việc liên quan"))
    remote_area = models.BooleanField(_("vùng sâu, vùng xa, đi lại khó khăn"), default=False)
    complexity = models.CharField(_("tính chất"), max_length=20, choices=Complexity.choices,
                                  default=Complexity.NORMAL)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices,
                              default=Status.RECEIVED, db_index=True)
    accepted_at = models.DateTimeField(_("ngày thụ lý"), null=True, blank=True)
    acceptance_note = models.TextField(_("quyết định thụ lý / lý do không thụ lý"), blank=True)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                        verbose_name=_("thanh tra viên được giao"))
    verification = models.TextField(_("kết quả xác minh"), blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    concluded_at = models.DateTimeField(_("ngày kết luận"), null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    conclusion_number = models.CharField(_("số văn bản kết luận"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        verbose_name = _("đơn khiếu nại, tố cáo")
        verbose_name_plural = _("đơn khiếu nại, tố cáo")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.number} – {self.subject}"

    def get_absolute_url(self):
        return reverse("cases_complaint", args=[self.pk])

    def clock_recipients(self):
        """Who hears about this letter's statutory periods (reminders, overdue alerts): the
        assigned inspectors, or the inspectorate while nobody is assigned."""
        from ..access import inspectorate_staff

        assigned = list(self.inspectors.filter(is_active=True)) if self.pk else []
        return assigned or list(inspectorate_staff())
