"""Press monitoring: sources, fetched articles, stories (near-duplicate clusters), and the
corrections editors make to the analysis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("Báo chí trung ương")
        LOCAL = "local", _("Báo chí địa phương")
        FOREIGN = "foreign", _("Báo chí nước ngoài")
        PORTAL = "portal", _("Cổng thông tin chính quyền")
        FANPAGE = "fanpage", _("Trang mạng xã hội chính thức")
        BLOG = "blog", _("Blog, trang cá nhân công khai")

    name = models.CharField(_("tên nguồn"), max_length=200)
    kind = models.CharField(_("loại nguồn"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("quốc gia (mã ISO)"), max_length=2, default="VN")
    language = models.CharField(_("ngôn ngữ"), max_length=10, default="vi")
    homepage = models.URLField(_("trang chủ"), blank=True)
    feed_urls = models.JSONField(_("địa chỉ RSS/Atom"), default=list, blank=True)
    sitemap_urls = models.JSONField(_("sơ đồ tin (news sitemap)"), default=list, blank=True)
    listing_urls = models.JSONField(_("trang danh sách tin"), default=list, blank=True)
    poll_minutes = models.PositiveIntegerField(_("chu kỳ lấy tin (phút)"), default=30)
    official = models.BooleanField(_("nguồn chính thức"), default=False)
    active = models.BooleanField(_("đang theo dõi"), default=True)
    polling = models.BooleanField(_("tự động lấy tin"), default=False)
    http_cache = models.JSONField(default=dict, blank=True, editable=False,
                                  help_text="ETag / Last-Modified of each feed, for conditional GET.")
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_success_at = models.DateTimeField(_("lần lấy tin thành công gần nhất"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("lần lỗi gần nhất"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    error_streak = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    silence_alerted_at = models.DateTimeField(null=True, blank=True, editable=False,
                                              help_text="When staff were told the source fell silent.")

    class Meta:
        verbose_name = _("nguồn tin")
        verbose_name_plural = _("nguồn tin")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Story(models.Model):
    """Near-duplicate articles (syndicated copies, light rewrites) counted as one story."""

    title = models.TextField(_("tiêu đề"))
    language = models.CharField(_("ngôn ngữ"), max_length=10, blank=True)
    first_article = models.ForeignKey("Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    first_seen_at = models.DateTimeField(_("xuất hiện lần đầu"), db_index=True)
    last_seen_at = models.DateTimeField(_("xuất hiện gần nhất"))
    article_count = models.PositiveIntegerField(_("số bài"), default=0)
    outlet_count = models.PositiveIntegerField(_("số cơ quan báo chí đăng"), default=0)

    class Meta:
        verbose_name = _("câu chuyện")
        verbose_name_plural = _("câu chuyện")
        ordering = ["-last_seen_at"]

    def __str__(self):
        return self.title[:100]


class Article(models.Model):
    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Tích cực")
        NEUTRAL = "neutral", _("Trung lập")
        NEGATIVE = "negative", _("Tiêu cực")
        NA = "na", _("Không áp dụng")

    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles",
                               verbose_name=_("nguồn"))
    url = models.URLField(_("địa chỉ"), max_length=2000)
    url_key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the canonical URL.")
    external_id = models.CharField(max_length=200, blank=True, db_index=True)
    title = models.TextField(_("tiêu đề"))
    text = models.TextField(_("nội dung"))
    html = models.TextField(_("nội dung HTML (đã làm sạch)"), blank=True)
    author = models.CharField(_("tác giả"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True, db_index=True)
    fetched_at = models.DateTimeField(_("thời điểm thu thập"), auto_now_add=True, db_index=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(_("ngôn ngữ"), max_length=10, blank=True, db_index=True)
    relevant = models.BooleanField(_("liên quan đến thành phố"), default=False, db_index=True)
    relevance = models.FloatField(_("mức độ liên quan"), default=0.0)
    themes = models.JSONField(_("chủ đề"), default=list, blank=True)
    sentiment = models.CharField(_("sắc thái"), max_length=10, choices=Sentiment.choices, default=Sentiment.NA,
                                 db_index=True)
    story = models.ForeignKey(Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles",
                              verbose_name=_("câu chuyện"))
    minhash = models.BinaryField(null=True, blank=True, editable=False)
    analysis_versions = models.JSONField(default=dict, blank=True, editable=False)

    # Articles arrive by the thousand: Wagtail's reference index ("usage" of sources) would
    # enqueue a job for every one of them.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("bài báo")
        verbose_name_plural = _("bài báo")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["relevant", "published_at"], name="monitoring_relevant_pub")]

    def __str__(self):
        return self.title[:120]

    @property
    def counted_at(self):
        """When the article counts (volumes, stories, digests, training): its publication,
        else its collection."""
        return self.published_at or self.fetched_at


class LabelCorrection(models.Model):
    """An editor's correction of one label of one article; it joins the training data."""

    class Field(models.TextChoices):
        LANGUAGE = "language", _("Ngôn ngữ")
        RELEVANT = "relevant", _("Liên quan")
        THEMES = "themes", _("Chủ đề")
        SENTIMENT = "sentiment", _("Sắc thái")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=20, choices=Field.choices)
    value = models.JSONField()
    previous = models.JSONField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hiệu chỉnh nhãn")
        verbose_name_plural = _("hiệu chỉnh nhãn")

    def __str__(self):
        return f"{self.article_id} {self.field}"


class ModelVersion(models.Model):
    """A trained analysis model: which data, when, how good."""

    name = models.CharField(max_length=50)
    version = models.CharField(max_length=50)
    trained_at = models.DateTimeField(auto_now_add=True)
    samples = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="monitoring_model_version")]

    def __str__(self):
        return f"{self.name} {self.version}"


class SourceCheck(models.Model):
    """One poll of one source (or one failure while polling it): the source's health record."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="checks", verbose_name=_("nguồn"))
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    ok = models.BooleanField(_("thành công"), default=True)
    url = models.URLField(_("địa chỉ"), max_length=2000, blank=True)
    status = models.PositiveIntegerField(_("mã HTTP"), null=True, blank=True)
    message = models.TextField(_("ghi chú"), blank=True)
    new_articles = models.PositiveIntegerField(_("số bài mới"), default=0)
    seconds = models.FloatField(_("thời gian (giây)"), default=0.0)

    class Meta:
        verbose_name = _("lần lấy tin")
        verbose_name_plural = _("lần lấy tin")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["source", "-at"], name="monitoring_check_source_at")]

    def __str__(self):
        return f"{self.source} {self.at:%d/%m/%Y %H:%M}"


class SavedSearch(models.Model):
    """A search a person keeps: the query and the filters of the search screen."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("người tạo"))
    name = models.CharField(_("tên"), max_length=200)
    query = models.TextField(_("câu tìm kiếm"))
    filters = models.JSONField(_("bộ lọc"), default=dict, blank=True,
                               help_text="The other fields of the search form, as submitted.")
    shared = models.BooleanField(_("dùng chung"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tìm kiếm đã lưu")
        verbose_name_plural = _("tìm kiếm đã lưu")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="monitoring_saved_search_name")]

    def __str__(self):
        return self.name


class AlertRule(models.Model):
    """A saved search plus conditions; what matches is delivered to people, once per story."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Gửi ngay")
        HOURLY = "hourly", _("Tổng hợp mỗi giờ")

    name = models.CharField(_("tên quy tắc"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("người tạo"))
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="rules",
                                     verbose_name=_("tìm kiếm đã lưu"))
    negative_only = models.BooleanField(_("chỉ bài tiêu cực"), default=False)
    theme = models.CharField(_("chủ đề"), max_length=50, blank=True)
    source_kind = models.CharField(_("loại nguồn"), max_length=20, choices=Source.Kind.choices, blank=True)
    min_outlets = models.PositiveIntegerField(_("số cơ quan báo chí đăng tối thiểu"), default=0)
    spike = models.BooleanField(_("báo khi số bài tăng đột biến"), default=False)
    spike_ratio = models.FloatField(_("hệ số tăng so với trung bình 14 ngày"), default=2.0)
    spike_min_count = models.PositiveIntegerField(_("số bài tối thiểu trong ngày để tính đột biến"), default=5)
    by_app = models.BooleanField(_("báo trong ứng dụng"), default=True)
    by_email = models.BooleanField(_("gửi thư điện tử"), default=False)
    webhook_url = models.URLField(_("địa chỉ webhook"), max_length=2000, blank=True)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                        verbose_name=_("người nhận"))
    mode = models.CharField(_("cách gửi"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE)
    active = models.BooleanField(_("đang bật"), default=True)
    last_summary_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quy tắc cảnh báo")
        verbose_name_plural = _("quy tắc cảnh báo")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="monitoring_alert_rule_name")]

    def __str__(self):
        return self.name


class Alert(models.Model):
    """One alert of one rule: a story (``key`` = "story:<id>") or a spike ("spike:<date>");
    the unique key makes a second alert for the same story and rule impossible."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("quy tắc"))
    key = models.CharField(max_length=100)
    story = models.ForeignKey(Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("câu chuyện"))
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("bài báo"))
    reason = models.TextField(_("lý do"))
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    deliveries = models.JSONField(default=dict, blank=True, help_text="Outcome of each channel.")

    class Meta:
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="monitoring_alert_once")]

    def __str__(self):
        return self.reason[:120]


class Digest(models.Model):
    """The daily press digest (điểm báo): compiled as a draft, edited, then sent and archived."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SENT = "sent", _("Đã gửi")

    day = models.DateField(_("ngày"), unique=True)
    period_start = models.DateTimeField(_("từ"))
    period_end = models.DateTimeField(_("đến"))
    title = models.CharField(_("tiêu đề"), max_length=300)
    intro = models.TextField(_("lời dẫn"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    search_text = models.TextField(blank=True, editable=False, help_text="Folded text, for the archive search.")
    docx = models.FileField(upload_to="diem-bao/%Y/", blank=True)
    pdf = models.FileField(upload_to="diem-bao/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("người gửi"))
    recipients_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("điểm báo")
        verbose_name_plural = _("điểm báo")
        ordering = ["-day"]

    def __str__(self):
        return self.title


class DigestItem(models.Model):
    """One story in a digest, as the editor leaves it."""

    class Section(models.TextChoices):
        DOMESTIC = "domestic", _("Báo chí trong nước")
        FOREIGN = "foreign", _("Báo chí nước ngoài")

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("phần"), max_length=10, choices=Section.choices)
    theme = models.CharField(_("chủ đề"), max_length=50, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    story = models.ForeignKey(Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.TextField(_("tiêu đề"))
    outlet = models.CharField(_("cơ quan báo chí"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True)
    lead = models.TextField(_("tóm tắt"), blank=True)
    url = models.URLField(_("địa chỉ"), max_length=2000, blank=True)
    outlet_count = models.PositiveIntegerField(_("số cơ quan báo chí đăng"), default=1)
    article_count = models.PositiveIntegerField(_("số bài"), default=1)
    negative = models.BooleanField(_("tiêu cực"), default=False)
    included = models.BooleanField(_("đưa vào điểm báo"), default=True)

    class Meta:
        verbose_name = _("tin trong điểm báo")
        verbose_name_plural = _("tin trong điểm báo")
        ordering = ["section", "theme", "position", "id"]

    def __str__(self):
        return self.title[:100]
