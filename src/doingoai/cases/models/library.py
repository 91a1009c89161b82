"""The argument library (tư liệu, lập luận): verified facts, figures, official documents and
arguments by theme, with sources and a review date. Reused when drafting rebuttals."""

from __future__ import annotations

import datetime
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doingoai.core.vntext import fold


def _in_a_year():
    return datetime.date.today() + datetime.timedelta(days=365)


class Argument(models.Model):
    class Kind(models.TextChoices):
        FACT = "fact", _("Sự kiện đã kiểm chứng")
        FIGURE = "figure", _("Số liệu")
        DOCUMENT = "document", _("Văn bản chính thức")
        ARGUMENT = "argument", _("Lập luận")

    title = models.CharField(_("tiêu đề"), max_length=300)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.FACT)
    body = models.TextField(_("nội dung"))
    themes = models.JSONField(_("chủ đề"), default=list, blank=True)
    sources = models.TextField(_("nguồn"), help_text=_("Mỗi dòng một nguồn: văn bản, địa chỉ trang web, số liệu công bố."))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("người kiểm chứng"))
    review_date = models.DateField(_("ngày rà soát lại"),
                                   default=_in_a_year)
    owner_unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("đơn vị quản lý"))
    updated_at = models.DateTimeField(default=timezone.now)
    folded = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("tư liệu, lập luận")
        verbose_name_plural = _("tư liệu, lập luận")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Stored in NFC; ``folded`` is what the library's search matches (``cases.library``).
        for name in ("title", "body", "sources"):
            setattr(self, name, unicodedata.normalize("NFC", getattr(self, name) or ""))
        self.folded = fold("\n".join((self.title, self.body, self.sources)))
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "folded", "updated_at"}
        super().save(*args, **kwargs)

    def is_due_for_review(self, today: datetime.date | None = None) -> bool:
        return self.review_date <= (today or timezone.localdate())

    @property
    def source_lines(self) -> list[str]:
        return [line.strip() for line in (self.sources or "").splitlines() if line.strip()]
