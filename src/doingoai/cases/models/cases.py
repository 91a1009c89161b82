"""Cases (vụ việc): what was flagged, where it appeared, who handles it at which step, and the
signed decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    MONITORING = "monitoring", _("Từ theo dõi báo chí")
    STAFF = "staff", _("Cán bộ nhập địa chỉ")
    PUBLIC = "public", _("Phản ánh của người dân")


class Classification(models.TextChoices):
    UNCLASSIFIED = "", _("Chưa phân loại")
    FALSE = "false", _("Thông tin sai sự thật")
    DISTORTED = "distorted", _("Thông tin xuyên tạc")
    UNOFFICIAL = "unofficial", _("Thông tin chưa chính thức")
    HOSTILE = "hostile", _("Quan điểm thù địch")
    DEFAMATION = "defamation", _("Bôi nhọ hình ảnh thành phố")
    NONE = "none", _("Không vi phạm")


class Step(models.TextChoices):
    RECEIVED = "received", _("Tiếp nhận")
    CLASSIFYING = "classifying", _("Phân loại")
    VERIFYING = "verifying", _("Xác minh")
    PROPOSING = "proposing", _("Đề xuất xử lý")
    DECIDING = "deciding", _("Quyết định")
    EXECUTING = "executing", _("Thực hiện")
    FOLLOWING = "following", _("Theo dõi")
    CLOSED = "closed", _("Đóng")


STEP_ORDER = [s.value for s in Step]


class Action(models.TextChoices):
    REBUTTAL = "rebuttal", _("Cải chính, làm rõ thông tin")
    TAKEDOWN = "takedown", _("Yêu cầu gỡ bỏ")
    TRANSFER = "transfer", _("Chuyển cơ quan có thẩm quyền")
    SANCTION = "sanction", _("Đề xuất xử phạt vi phạm hành chính")
    NO_ACTION = "none", _("Không xử lý")


class LegalBasis(models.Model):
    """A legal basis a decision can cite (editable list)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    title = models.CharField(_("văn bản"), max_length=300,
                             help_text=_("Ví dụ: Nghị định 147/2024/NĐ-CP"))
    provision = models.CharField(_("điều, khoản"), max_length=200, blank=True)
    summary = models.TextField(_("nội dung tóm tắt"), blank=True)
    actions = models.JSONField(_("dùng cho hình thức xử lý"), default=list, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["title", "provision"]

    def __str__(self):
        return f"{self.title}, {self.provision}" if self.provision else self.title


class Case(models.Model):
    number = models.CharField(_("số vụ việc"), max_length=40, unique=True)
    title = models.CharField(_("tiêu đề"), max_length=500)
    claim = models.TextField(_("nội dung thông tin bị phản ánh"), blank=True,
                             help_text=_("Nhận định, luận điệu cần xác minh (dùng để đối chiếu bài mới)."))
    summary = models.TextField(_("tóm tắt"), blank=True)
    origin = models.CharField(_("nguồn tiếp nhận"), max_length=20, choices=Origin.choices)
    story = models.ForeignKey("monitoring.Story", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="cases", verbose_name=_("câu chuyện báo chí"))
    classification = models.CharField(_("phân loại"), max_length=20, choices=Classification.choices,
                                      blank=True, default="")
    themes = models.JSONField(_("chủ đề"), default=list, blank=True)
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices, default=Step.RECEIVED,
                            db_index=True)
    owner_unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("đơn vị chủ trì"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("người xử lý"))
    step_due = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("người mở"))
    opened_at = models.DateTimeField(_("thời điểm tiếp nhận"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("thời điểm đóng"), null=True, blank=True)
    folded = models.TextField(editable=False, blank=True,
                              help_text="Folded title + claim, for matching and search.")

    class Meta:
        verbose_name = _("vụ việc")
        verbose_name_plural = _("vụ việc")
        ordering = ["-opened_at"]

    def __str__(self):
        return f"{self.number} – {self.title}"

    def get_absolute_url(self):
        return reverse("cases_case", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.step != Step.CLOSED


class CaseURL(models.Model):
    """An address where the flagged content appears. ``url_key`` is the canonical URL's key
    (``monitoring.pipeline.canonical``): one address belongs to at most one open case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="urls")
    url = models.URLField(_("địa chỉ"), max_length=2000)
    url_key = models.CharField(max_length=64, db_index=True)
    article = models.ForeignKey("monitoring.Article", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="case_urls")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("địa chỉ của vụ việc")
        verbose_name_plural = _("địa chỉ của vụ việc")
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "url_key"], name="cases_url_once_per_case")]

    def __str__(self):
        return self.url


class StepRecord(models.Model):
    """One passage of a case through a step: who was responsible, until when, what was noted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("người phụ trách"))
    due = models.DateTimeField(_("hạn"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "pk"]

    def __str__(self):
        return f"{self.case.number}: {self.get_step_display()}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    text = models.TextField(_("ghi chú"), blank=True)
    attachment = models.FileField(_("tệp đính kèm"), upload_to="cases/notes/%Y/%m/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case.number}: {self.text[:60] or self.filename}"

    @property
    def filename(self) -> str:
        """The attachment's own name (without the storage folders)."""
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""


class Decision(models.Model):
    """The decision on a case: made by a person with the right role, with its legal basis,
    signed in the audit log (``audit_entry``). One per case: a second "decide" is refused."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    action = models.CharField(_("hình thức xử lý"), max_length=20, choices=Action.choices)
    legal_bases = models.ManyToManyField(LegalBasis, related_name="decisions",
                                         verbose_name=_("căn cứ pháp lý"))
    reasoning = models.TextField(_("lý do"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("người quyết định"))
    decided_at = models.DateTimeField(default=timezone.now)
    audit_entry = models.ForeignKey("core.AuditEntry", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")

    class Meta:
        verbose_name = _("quyết định xử lý")
        verbose_name_plural = _("quyết định xử lý")

    def __str__(self):
        return f"{self.case.number}: {self.get_action_display()}"


class PublicReport(models.Model):
    """A report sent through the public form. ``receipt`` is given back to the sender."""

    receipt = models.CharField(_("mã tiếp nhận"), max_length=40, unique=True)
    url = models.URLField(_("địa chỉ"), max_length=2000)
    url_key = models.CharField(max_length=64, db_index=True)
    description = models.TextField(_("nội dung phản ánh"))
    contact = models.CharField(_("thư điện tử để nhận phản hồi"), max_length=254, blank=True)
    client_key = models.CharField(max_length=64, db_index=True, editable=False,
                                  help_text="Salted hash of the sender's address (rate limit).")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="reports")

    class Meta:
        verbose_name = _("phản ánh của người dân")
        verbose_name_plural = _("phản ánh của người dân")
        ordering = ["-received_at"]

    def __str__(self):
        return self.receipt


class ClaimSuggestion(models.Model):
    """A monitored article that resembles a case's claim (claim matching). Above the auto
    threshold it is linked to the case (``linked``); below it waits for a person."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Đề xuất")
        LINKED = "linked", _("Đã gắn vào vụ việc")
        DISMISSED = "dismissed", _("Không liên quan")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suggestions")
    article = models.ForeignKey("monitoring.Article", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUGGESTED)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["case", "article"], name="cases_suggestion_once")]

    def __str__(self):
        return f"{self.case.number} ~ {self.article_id} ({self.score:.2f})"
