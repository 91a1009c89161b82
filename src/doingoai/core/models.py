"""The platform's own data: the organisation and its units, people's roles in them, the audit
log, and the background-job records. Other apps build on these; ``core`` imports no app."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import vntext


class Organisation(models.Model):
    """The department under one name for one period. Renaming or merging the department adds a
    row; records made earlier keep the name valid on their date (see ``Organisation.on``)."""

    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    parent_name = models.CharField(_("cơ quan chủ quản"), max_length=255)
    place = models.CharField(_("địa danh"), max_length=100, help_text=_("Dùng ở dòng địa danh, ngày tháng của văn bản."))
    valid_from = models.DateField(_("hiệu lực từ"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["-valid_from"]

    def __str__(self):
        return self.name

    @classmethod
    def on(cls, day: datetime.date | None = None) -> Organisation | None:
        day = day or timezone.localdate()
        return (
            cls.objects.filter(valid_from__lte=day)
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )


class UnitQuerySet(models.QuerySet):
    def internal(self):
        return self.filter(internal=True)

    def valid_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class Unit(models.Model):
    """A unit of the department (internal) or a body it works with (external)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)
    internal = models.BooleanField(_("thuộc Sở"), default=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    folded_name = models.CharField(max_length=255, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["-internal", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = vntext.normalize(self.name)
        self.aliases = [vntext.normalize(a) for a in self.aliases if a and a.strip()]
        self.folded_name = vntext.fold(self.name)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    LANH_DAO = "lanh-dao", _("Lãnh đạo Sở")
    TRUONG_DON_VI = "truong-don-vi", _("Trưởng đơn vị")
    CHUYEN_VIEN = "chuyen-vien", _("Chuyên viên")
    BIEN_TAP_VIEN = "bien-tap-vien", _("Biên tập viên")
    KIEM_DUYET_VIEN = "kiem-duyet-vien", _("Kiểm duyệt viên")
    THANH_TRA_VIEN = "thanh-tra-vien", _("Thanh tra viên")
    QUAN_TRI = "quan-tri", _("Quản trị hệ thống")


class Membership(models.Model):
    """A person's role in a unit. A person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("người dùng"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò trong đơn vị")
        verbose_name_plural = _("vai trò trong đơn vị")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="core_membership_unique")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Nhật ký kiểm toán chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise PermissionError("Nhật ký kiểm toán chỉ được ghi thêm, không được xóa.")


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log. Written only by ``core.audit``."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xóa")
        STATE = "state", _("Chuyển trạng thái")
        LOGIN = "login", _("Đăng nhập")
        LOGOUT = "logout", _("Đăng xuất")
        LOGIN_FAILED = "login-failed", _("Đăng nhập không thành công")
        VIEW = "view", _("Xem thông tin được bảo vệ")
        SIGN = "sign", _("Ký quyết định")
        OTHER = "other", _("Khác")

    timestamp = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False, related_name="+", verbose_name=_("người thực hiện"))
    actor_name = models.CharField(_("tên người thực hiện"), max_length=255, blank=True)
    actor_units = models.JSONField(_("đơn vị của người thực hiện"), default=list)
    ip_address = models.CharField(_("địa chỉ IP"), max_length=64, blank=True)
    action = models.CharField(_("hành động"), max_length=40, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng nhật ký kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Nhật ký kiểm toán chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Nhật ký kiểm toán chỉ được ghi thêm, không được xóa.")

    def get_action_display_vi(self):
        try:
            return self.Action(self.action).label
        except ValueError:
            return self.action


class AuditHead(models.Model):
    """The last link of the chain. Locked while a line is appended, so that lines written at
    the same time on many processes still form one chain; lets ``verify`` see a cut tail."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"#{self.last_id} {self.last_hash[:12]}"


class ScheduledJob(models.Model):
    """A periodic job. Schedules are data: staff edit them; ``doingoai scheduler`` runs them."""

    name = models.CharField(_("tên"), max_length=200, unique=True)
    task_path = models.CharField(_("tác vụ"), max_length=255)
    cron = models.CharField(_("lịch (cron)"), max_length=100, help_text=_("Năm trường: phút giờ ngày tháng thứ; ví dụ 0 7 * * * là 07:00 hằng ngày."))
    kwargs = models.JSONField(_("tham số"), default=dict, blank=True)
    enabled = models.BooleanField(_("đang bật"), default=True)
    last_run_at = models.DateTimeField(_("lần chạy gần nhất"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("lần chạy tiếp theo"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("lịch tác vụ")
        verbose_name_plural = _("lịch tác vụ")
        ordering = ["name"]

    def __str__(self):
        return self.name


class JobRecord(models.Model):
    """What happened to one enqueued job, whatever the task backend (database or RQ)."""

    class Status(models.TextChoices):
        READY = "READY", _("Đang chờ")
        RUNNING = "RUNNING", _("Đang chạy")
        SUCCESSFUL = "SUCCESSFUL", _("Thành công")
        FAILED = "FAILED", _("Thất bại")

    result_id = models.CharField(max_length=64, unique=True)
    task_path = models.CharField(_("tác vụ"), max_length=255, db_index=True)
    backend = models.CharField(max_length=100)
    queue = models.CharField(_("hàng đợi"), max_length=100, default="default")
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, db_index=True)
    attempt = models.PositiveIntegerField(_("lần thử"), default=1)
    enqueued_at = models.DateTimeField(_("đưa vào hàng đợi lúc"), default=timezone.now)
    run_after = models.DateTimeField(_("chạy sau"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    retried = models.BooleanField(_("đã chạy lại"), default=False)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        ordering = ["-enqueued_at"]
        default_permissions = ("view", "change")

    def __str__(self):
        return f"{self.task_path} ({self.get_status_display()})"


class DocumentRegister(models.Model):
    """The office's register of outgoing documents (sổ văn bản đi): one counter per symbol and
    year. Numbers are taken only through ``core.numbering.take_number``."""

    year = models.PositiveIntegerField(_("năm"))
    symbol = models.CharField(_("ký hiệu"), max_length=50, help_text=_("Ví dụ BC-STTTT, KL-TTS."))
    last_number = models.PositiveIntegerField(_("số đã cấp gần nhất"), default=0)

    class Meta:
        verbose_name = _("sổ văn bản đi")
        verbose_name_plural = _("sổ văn bản đi")
        constraints = [models.UniqueConstraint(fields=["year", "symbol"], name="core_register_year_symbol")]

    def __str__(self):
        return f"{self.symbol} {self.year}: {self.last_number}"


class Notification(models.Model):
    """A message to one person in the staff UI (reminders, alerts, assignments)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người nhận"))
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    key = models.CharField(max_length=200, blank=True, help_text="Chống gửi trùng: một khóa chỉ gửi một lần cho một người.")

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""), name="core_notification_once")
        ]

    def __str__(self):
        return self.title
