"""Statutory clocks: editable rules with their legal source, public holidays, the clocks that
run on takedown requests, complaints and denunciations, and the takedown requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClockRule(models.Model):
    class Unit(models.TextChoices):
        HOURS = "hours", _("giờ")
        DAYS = "days", _("ngày (theo lịch)")
        WORKING_DAYS = "working_days", _("ngày làm việc")

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên thời hạn"), max_length=300)
    amount = models.PositiveIntegerField(_("thời hạn"))
    unit = models.CharField(_("đơn vị tính"), max_length=20, choices=Unit.choices, default=Unit.DAYS)
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=300)
    remind_before_hours = models.PositiveIntegerField(_("nhắc trước (giờ)"), default=24)
    extension_amount = models.PositiveIntegerField(
        _("mỗi lần gia hạn thêm"), default=0,
        help_text=_("Tính theo cùng đơn vị với thời hạn; 0 nếu không được gia hạn."))
    max_extensions = models.PositiveIntegerField(_("số lần gia hạn tối đa"), default=0)
    extension_limits = models.JSONField(
        _("số lần gia hạn theo tính chất vụ việc"), default=dict, blank=True,
        help_text=_('Ví dụ: {"complexity": {"normal": 0, "complex": 1, "very_complex": 2}} — '
                    "số lần tối đa theo giá trị của trường tương ứng trên hồ sơ."))
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("quy định thời hạn")
        verbose_name_plural = _("quy định thời hạn")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    day = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày nghỉ"), max_length=200)

    class Meta:
        verbose_name = _("ngày nghỉ lễ")
        verbose_name_plural = _("ngày nghỉ lễ")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} – {self.name}"


class Clock(models.Model):
    """A deadline running on an object (a takedown request, a complaint, a case step)."""

    class State(models.TextChoices):
        RUNNING = "running", _("Đang tính")
        MET = "met", _("Đúng hạn")
        LATE = "late", _("Hoàn thành quá hạn")
        STOPPED = "stopped", _("Dừng")

    rule = models.ForeignKey(ClockRule, on_delete=models.PROTECT, related_name="clocks",
                             verbose_name=_("quy định"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn"), db_index=True)
    extensions = models.PositiveIntegerField(_("số lần gia hạn"), default=0)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices,
                             default=State.RUNNING, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thời hạn")
        verbose_name_plural = _("thời hạn")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # One running clock of a rule per object: starting twice returns the first.
            models.UniqueConstraint(fields=["content_type", "object_id", "rule"],
                                    condition=models.Q(state="running"),
                                    name="cases_clock_one_running_per_rule"),
        ]

    def __str__(self):
        return f"{self.rule} – {timezone.localtime(self.due_at):%d/%m/%Y %H:%M}"


class TakedownRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SENT = "sent", _("Đã gửi")
        ACKNOWLEDGED = "acknowledged", _("Đã xác nhận")
        COMPLIED = "complied", _("Đã gỡ bỏ")
        OVERDUE = "overdue", _("Quá hạn")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="takedowns")
    target = models.CharField(_("cơ quan, nền tảng nhận yêu cầu"), max_length=300)
    url = models.URLField(_("địa chỉ cần gỡ"), max_length=2000)
    legal_basis = models.ForeignKey("cases.LegalBasis", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("căn cứ pháp lý"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("người gửi"))
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("thời điểm xác nhận"), null=True, blank=True)
    complied_at = models.DateTimeField(_("thời điểm gỡ bỏ"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("yêu cầu gỡ bỏ")
        verbose_name_plural = _("yêu cầu gỡ bỏ")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.target} – {self.url}"

    def get_absolute_url(self):
        return reverse("cases_case", args=[self.case_id])

    def clock_recipients(self):
        """Who hears of this request's clock: the case's assignee, else the inspectorate."""
        from ..access import inspectorate_staff

        assignee = getattr(self.case, "assignee", None)
        if assignee is not None and assignee.is_active:
            return [assignee]
        return list(inspectorate_staff())
