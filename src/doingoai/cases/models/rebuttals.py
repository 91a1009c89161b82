"""Rebuttals and clarifications (bài cải chính, làm rõ thông tin): drafted from a case and the
argument library, approved through a Wagtail workflow, published on the public site with
schema.org ClaimReview markup."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)


class Clarification(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin,
                    models.Model):
    class Rating(models.TextChoices):
        # value, label; the number is ClaimReview's ratingValue on a 1..5 scale.
        FALSE = "false", _("Sai sự thật")
        MISLEADING = "misleading", _("Sai lệch, gây hiểu nhầm")
        UNPROVEN = "unproven", _("Chưa có căn cứ")
        MIXED = "mixed", _("Đúng một phần")
        TRUE = "true", _("Đúng sự thật")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="clarifications",
                             verbose_name=_("vụ việc"))
    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=200, unique=True, allow_unicode=False)
    claim_reviewed = models.TextField(_("thông tin được kiểm chứng"))
    rating = models.CharField(_("kết luận"), max_length=20, choices=Rating.choices, default=Rating.FALSE)
    appearance_url = models.URLField(_("địa chỉ nơi thông tin xuất hiện"), max_length=2000)
    appearance_published = models.DateField(_("ngày thông tin xuất hiện"), null=True, blank=True)
    summary = models.TextField(_("tóm tắt kết luận"))
    body = RichTextField(_("nội dung"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    arguments = models.ManyToManyField("cases.Argument", blank=True, related_name="clarifications",
                                       verbose_name=_("tư liệu, lập luận sử dụng"))
    workflow_states = GenericRelation("wagtailcore.WorkflowState", content_type_field="base_content_type",
                                      object_id_field="object_id", related_query_name="clarification",
                                      for_concrete_model=False)
    _revisions = GenericRelation("wagtailcore.Revision", content_type_field="base_content_type",
                                 object_id_field="object_id", related_query_name="clarification",
                                 for_concrete_model=False)

    class Meta:
        verbose_name = _("bài cải chính, làm rõ")
        verbose_name_plural = _("bài cải chính, làm rõ")
        ordering = ["-first_published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cases_public_clarification", args=[self.slug])

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "cases/public/clarification.html"

    def get_preview_context(self, request, mode_name):
        # The public page as it will look, with its ClaimReview markup.
        from ..claimreview import claim_review, script_tag

        context = super().get_preview_context(request, mode_name)
        context.update(clarification=self, claim_review=script_tag(claim_review(self, request)))
        return context
