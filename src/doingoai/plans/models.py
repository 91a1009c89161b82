"""The year's plan, its tasks and the evidence of their progress."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doingoai.core.models import Unit


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ACTIVE = "active", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    number = models.CharField(_("số, ký hiệu"), max_length=50)
    kind = models.CharField(_("loại văn bản"), max_length=50, default="Kế hoạch")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    issuer_parent = models.CharField(_("cơ quan chủ quản"), max_length=255, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    date = models.DateField(_("ngày ban hành"))
    year = models.PositiveIntegerField(_("năm kế hoạch"))
    title = models.TextField(_("trích yếu"))
    basis = models.JSONField(_("căn cứ"), default=list, blank=True)
    purposes = models.JSONField(_("mục đích"), default=list, blank=True)
    requirements = models.JSONField(_("yêu cầu"), default=list, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    funding = models.TextField(_("kinh phí"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source_file = models.FileField(_("tệp gốc"), upload_to="plans/sources/", blank=True)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="owned_plans", null=True, blank=True,
                                   verbose_name=_("đơn vị theo dõi"))
    remind_days_before = models.PositiveIntegerField(_("nhắc trước hạn (ngày)"), default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "-date"]
        constraints = [models.UniqueConstraint(fields=["number", "year"], name="plans_plan_number_year")]

    def __str__(self):
        return f"{self.kind} số {self.number}"

    def get_absolute_url(self):
        return reverse("plans_overview", args=[self.pk])


class Task(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not-started", _("Chưa bắt đầu")
        IN_PROGRESS = "in-progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        PAUSED = "paused", _("Tạm dừng")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("kế hoạch"))
    no = models.PositiveIntegerField(_("số thứ tự"))
    title = models.TextField(_("tên nhiệm vụ"))
    content = models.JSONField(_("nội dung"), default=list, blank=True)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("đơn vị chủ trì"))
    coordinators = models.ManyToManyField(Unit, related_name="coordinated_tasks", blank=True, verbose_name=_("đơn vị phối hợp"))
    and_related_units = models.BooleanField(_("và các đơn vị liên quan"), default=False)
    timeline_text = models.CharField(_("thời gian thực hiện"), max_length=255, blank=True)
    timeline_kind = models.CharField(max_length=20, blank=True)
    start = models.DateField(_("bắt đầu"), null=True, blank=True)
    end = models.DateField(_("hạn"), null=True, blank=True)
    continuous = models.BooleanField(_("thường xuyên"), default=False)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0, validators=[MaxValueValidator(100)])
    responsible = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="plan_tasks", blank=True,
                                         verbose_name=_("người phụ trách"))
    evidence_sources = models.JSONField(_("nguồn minh chứng tự động"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "no"]
        constraints = [models.UniqueConstraint(fields=["plan", "no"], name="plans_task_plan_no")]

    def __str__(self):
        return f"{self.no}. {self.title}"

    def get_absolute_url(self):
        return reverse("plans_task", args=[self.pk])

    def is_open(self) -> bool:
        return self.status != self.Status.DONE

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open() and self.end is not None and self.end < today

    def is_due_soon(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (self.is_open() and self.end is not None
                and today <= self.end <= today + datetime.timedelta(days=self.plan.remind_days_before))


class ProgressUpdate(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("nhiệm vụ"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plan_updates", verbose_name=_("đơn vị"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               verbose_name=_("người cập nhật"))
    date = models.DateField(_("ngày"), default=timezone.localdate)
    text = models.TextField(_("nội dung cập nhật"))
    figures = models.JSONField(_("số liệu"), default=list, blank=True,
                               help_text=_("Danh sách {\"label\": …, \"value\": …}."))
    source = models.CharField(_("nguồn"), max_length=100, blank=True,
                              help_text=_("Trống nếu do cán bộ nhập; mã phân hệ nếu tự động."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.task.no}: {self.text[:60]}"


class UpdateAttachment(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="plans/evidence/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")

    def __str__(self):
        return self.name


class EvidenceLink(models.Model):
    """A pointer from an update to any object of the platform (an item, a digest, a case…)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("tên"), max_length=255)
    url = models.CharField(_("liên kết"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("liên kết minh chứng")
        verbose_name_plural = _("liên kết minh chứng")

    def __str__(self):
        return self.label


class Event(models.Model):
    """An anniversary or event of the year that the plan's communication follows."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events", null=True, blank=True)
    date = models.DateField(_("ngày"), null=True, blank=True)
    name = models.CharField(_("tên sự kiện"), max_length=255)

    class Meta:
        verbose_name = _("sự kiện, ngày kỷ niệm")
        verbose_name_plural = _("sự kiện, ngày kỷ niệm")
        ordering = ["date", "name"]

    def __str__(self):
        return self.name


class ReminderLog(models.Model):
    """One reminder of one kind for one task on one day, whatever the number of schedulers."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "kind", "day"], name="plans_reminder_once")]

    def __str__(self):
        return f"{self.task_id} {self.kind} {self.day}"


class Report(models.Model):
    """A periodic report on the plan: a draft edited in the browser, then issued and frozen."""

    class Kind(models.TextChoices):
        HALF_YEAR = "half-year", _("6 tháng")
        YEAR = "year", _("Năm")
        PERIOD = "period", _("Theo kỳ")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports", verbose_name=_("kế hoạch"))
    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=Kind.choices)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    title = models.CharField(_("trích yếu"), max_length=500)
    sections = models.JSONField(_("nội dung"), default=list)
    statistics = models.JSONField(_("số liệu"), default=list, blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    signer_mode = models.CharField(_("hình thức ký"), max_length=5, blank=True,
                                   choices=[("", _("Ký trực tiếp")), ("KT.", "KT."), ("TM.", "TM."), ("TL.", "TL."), ("TUQ.", "TUQ.")])
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=100, default="GIÁM ĐỐC")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="GIÁM ĐỐC")
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("người ban hành"))
    organisation_name = models.CharField(max_length=255, blank=True)
    organisation_parent = models.CharField(max_length=255, blank=True)
    place = models.CharField(max_length=100, blank=True)
    docx = models.FileField(upload_to="plans/reports/", blank=True)
    pdf = models.FileField(upload_to="plans/reports/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-period_end", "-id"]

    def __str__(self):
        return self.number or f"{self.title} (dự thảo)"

    def get_absolute_url(self):
        return reverse("plans_report", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class CalendarFeed(models.Model):
    """The secret address of a unit's iCalendar feed (calendar programs cannot sign in)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return f"iCal {self.unit.code}"
