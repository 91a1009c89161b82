"""Items of the library, their files and pages of text, collections, and re-reviews."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from ..storage import private_storage


class Kind(models.TextChoices):
    # value, label; the DCMI type of each kind is in ``dublin_core.DCMI_TYPES``.
    ARTICLE = "article", _("Bài viết")
    DOCUMENT = "document", _("Văn bản")
    BOOK = "book", _("Sách")
    CHAPTER = "chapter", _("Chương sách")
    IMAGE = "image", _("Hình ảnh")
    MAP = "map", _("Bản đồ")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Âm thanh")


class Access(models.TextChoices):
    PUBLIC = "public", _("Công khai")
    INTERNAL = "internal", _("Nội bộ (cán bộ của Sở)")
    RESTRICTED = "restricted", _("Hạn chế (đơn vị được chỉ định)")


class ProcessingState(models.TextChoices):
    NONE = "", _("Không cần xử lý")
    PENDING = "pending", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang nhận dạng chữ")
    DONE = "done", _("Đã xử lý")
    FAILED = "failed", _("Xử lý không thành công")


class Collection(models.Model):
    name = models.CharField(_("tên bộ sưu tập"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    slug = models.SlugField(_("đường dẫn"), max_length=100, unique=True)
    description = models.TextField(_("giới thiệu"), blank=True)
    description_en = models.TextField(_("giới thiệu tiếng Anh"), blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=100)
    public = models.BooleanField(_("hiện trên trang công khai"), default=True)

    class Meta:
        verbose_name = _("bộ sưu tập")
        verbose_name_plural = _("bộ sưu tập")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Item(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, models.Model):
    """One item of the library with its Dublin Core description (the fifteen elements)."""

    kind = models.CharField(_("loại tài liệu"), max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    # Dublin Core. Repeatable elements hold one value per line.
    title = models.CharField(_("nhan đề"), max_length=500)
    creator = models.TextField(_("tác giả"), blank=True, help_text=_("Mỗi dòng một tác giả (cơ quan hoặc người)."))
    subject = models.TextField(_("chủ đề, từ khóa"), blank=True, help_text=_("Mỗi dòng một từ khóa."))
    description = models.TextField(_("tóm tắt"), blank=True)
    publisher = models.CharField(_("nhà xuất bản, cơ quan ban hành"), max_length=300, blank=True)
    contributor = models.TextField(_("người đóng góp"), blank=True, help_text=_("Mỗi dòng một người hoặc cơ quan."))
    date = models.DateField(_("ngày xuất bản, ban hành"), null=True, blank=True)
    format = models.CharField(_("định dạng (MIME)"), max_length=100, blank=True)
    identifier = models.CharField(_("định danh"), max_length=300, blank=True,
                                  help_text=_("Số ký hiệu văn bản, ISBN … (địa chỉ trên thư viện được thêm tự động)."))
    source = models.CharField(_("nguồn"), max_length=1000, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=50, default="vi",
                                help_text=_("Mã ngôn ngữ ISO 639-1, cách nhau bởi dấu phẩy: vi, en."))
    relation = models.TextField(_("liên kết"), blank=True, help_text=_("Mỗi dòng một tài liệu liên quan."))
    coverage = models.CharField(_("phạm vi (không gian, thời gian)"), max_length=300, blank=True)
    rights = models.CharField(_("bản quyền"), max_length=500, blank=True)
    # The platform's own description.
    themes = models.JSONField(_("chủ đề của kế hoạch"), default=list, blank=True)
    collections = models.ManyToManyField(Collection, blank=True, related_name="items",
                                         verbose_name=_("bộ sưu tập"))
    access = models.CharField(_("mức truy cập"), max_length=20, choices=Access.choices, default=Access.PUBLIC)
    restricted_units = models.ManyToManyField("core.Unit", blank=True, related_name="+",
                                              verbose_name=_("đơn vị được xem (mức hạn chế)"))
    owner_unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("đơn vị quản lý"))
    # Where it came from.
    source_article = models.ForeignKey("monitoring.Article", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="library_items", verbose_name=_("bài báo nguồn"))
    source_argument = models.ForeignKey("cases.Argument", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="library_items", verbose_name=_("tư liệu nguồn"))
    source_hash = models.CharField(max_length=64, blank=True, editable=False,
                                   help_text="SHA-256 of the source's text when captured (re-review when it changes).")
    source_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Text: extracted or recognised (OCR), correctable by editors; pages in ItemPage.
    text = models.TextField(_("nội dung văn bản"), blank=True)
    ocr = models.BooleanField(_("nội dung do nhận dạng chữ (OCR)"), default=False)
    ocr_languages = models.CharField(_("ngôn ngữ nhận dạng"), max_length=50, default="vie+eng")
    pages = models.PositiveIntegerField(_("số trang"), default=0)
    processing = models.CharField(_("xử lý tệp"), max_length=10, choices=ProcessingState.choices, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    processing_error = models.TextField(blank=True, editable=False)
    # Life: created, reviewed, removed (a tombstone stays).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)  # OAI-PMH datestamp
    last_reviewed_at = models.DateTimeField(_("rà soát gần nhất"), null=True, blank=True)
    removed_at = models.DateTimeField(_("thời điểm gỡ bỏ"), null=True, blank=True, db_index=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người gỡ bỏ"))
    removal_reason = models.TextField(_("lý do gỡ bỏ"), blank=True)
    removal_legal_basis = models.CharField(_("căn cứ pháp lý của việc gỡ bỏ"), max_length=500, blank=True)
    folded = models.TextField(editable=False, blank=True)

    workflow_states = GenericRelation("wagtailcore.WorkflowState", content_type_field="base_content_type",
                                      object_id_field="object_id", related_query_name="library_item",
                                      for_concrete_model=False)
    _revisions = GenericRelation("wagtailcore.Revision", content_type_field="base_content_type",
                                 object_id_field="object_id", related_query_name="library_item",
                                 for_concrete_model=False)

    class Meta:
        verbose_name = _("tài liệu thư viện")
        verbose_name_plural = _("tài liệu thư viện")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["live", "access", "removed_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Text from files and forms may carry NUL characters, which PostgreSQL refuses.
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\x00" in value:
                setattr(self, field.attname, value.replace("\x00", ""))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("library_public_item", args=[self.pk])

    @property
    def revisions(self):
        return self._revisions

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    def get_preview_template(self, request, mode_name):
        return "library/public/item.html"


class ItemFile(models.Model):
    """A file of an item (the original; a searchable PDF made by OCR beside it)."""

    class Role(models.TextChoices):
        ORIGINAL = "original", _("Tệp gốc")
        SEARCHABLE = "searchable", _("PDF có lớp chữ (sau OCR)")
        PREVIEW = "preview", _("Ảnh xem trước")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ORIGINAL)
    file = models.FileField(storage=private_storage, upload_to="%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    mime = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp")
        verbose_name_plural = _("tệp")
        ordering = ["item", "role", "pk"]

    def __str__(self):
        return self.name


class ItemPage(models.Model):
    """The text of one page (for page-level search hits and the OCR corrections)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="text_pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    ocr = models.BooleanField(default=False)

    class Meta:
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="library_page_once")]

    def __str__(self):
        return f"{self.item_id} – {self.number}"


class Review(models.Model):
    """A re-review of a published item (kept, updated or removed), by a person."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Giữ nguyên")
        UPDATED = "updated", _("Cần cập nhật")
        REMOVED = "removed", _("Gỡ bỏ")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("rà soát")
        verbose_name_plural = _("rà soát")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.item} – {self.get_outcome_display()}"
