"""Press monitoring: sources, fetched articles, stories (near-duplicate clusters), and the
corrections editors make to the analysis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
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

    class Meta:
        verbose_name = _("bài báo")
        verbose_name_plural = _("bài báo")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["relevant", "published_at"], name="monitoring_relevant_pub")]

    def __str__(self):
        return self.title[:120]


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
