"""How the rebuttals area extends the staff UI: clarifications as a Wagtail snippet (drafts,
revisions and their comparison, locking, scheduled publishing, the workflow "Duyệt bài cải
chính"), their menu entry, the "Cải chính, làm rõ" panel of a case's page with its form
"Soạn bài cải chính", and the public link "Thông tin cải chính, làm rõ".

Importing this module imports ``cases.rebuttals``, which registers the plan's evidence source
and connects the receiver of Wagtail's ``published`` signal."""

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PublishingPanel
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from doingoai.core.public_links import PublicLink
from doingoai.core.public_links import register as register_public_link

from .. import library, rebuttals
from ..access import can_use
from ..models import Clarification
from ..panels import PANEL_HOOK, CasePanel
from ..views import rebuttals as views
from .menu import CasesMenuItem

register_public_link(PublicLink(
    title=_("Thông tin cải chính, làm rõ"), url="/cai-chinh/",
    description=_("Kết quả kiểm chứng thông tin sai sự thật về thành phố, với căn cứ và nguồn chính thức."),
    order=40,
))


class ClarificationPolicy(ModelPermissionPolicy):
    """The role groups' permissions (``rebuttals.CLARIFICATION_PERMISSIONS``), for those who
    work on cases."""

    def user_has_permission(self, user, action):
        return can_use(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return can_use(user) and super().user_has_any_permission(user, actions)


class ClarificationViewSet(SnippetViewSet):
    model = Clarification
    icon = "doc-full"
    menu_label = _("Bài cải chính, làm rõ")
    add_to_admin_menu = False
    url_prefix = "bai-cai-chinh"
    list_display = ["title", "case", "rating",
                    Column("status", label=_("Tình trạng"), accessor=lambda c: rebuttals.status(c)[1]),
                    UpdatedAtColumn()]
    list_filter = ["rating", "live"]
    search_fields = ["title", "claim_reviewed", "summary"]
    list_per_page = 30
    copy_view_enabled = False
    panels = [
        FieldPanel("case"),
        FieldPanel("title"),
        FieldPanel("slug"),
        MultiFieldPanel([
            FieldPanel("claim_reviewed"),
            FieldRowPanel([FieldPanel("rating"), FieldPanel("appearance_published")]),
            FieldPanel("appearance_url"),
        ], heading=_("Thông tin được kiểm chứng")),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("arguments", widget=forms.CheckboxSelectMultiple),
        PublishingPanel(),
    ]

    @property
    def permission_policy(self):
        return ClarificationPolicy(self.model)


register_snippet(ClarificationViewSet)


@hooks.register("register_admin_urls")
def rebuttal_urls():
    return [path("vu-viec/<int:case_pk>/soan-cai-chinh/", views.draft, name="cases_clarification_draft")]


@hooks.register("register_cases_menu_item")
def clarifications_menu():
    return CasesMenuItem(_("Bài cải chính, làm rõ"), reverse(Clarification.snippet_viewset.get_url_name("list")),
                         icon_name="doc-full", order=70)


@hooks.register(PANEL_HOOK)
def clarification_panel(request, case):
    items = []
    for clarification in case.clarifications.order_by("-pk"):
        code, label = rebuttals.status(clarification)
        items.append({
            "object": clarification, "status": code, "label": label,
            "edit_url": views.edit_url(clarification),
            "public_url": clarification.get_absolute_url() if clarification.live else "",
        })
    draft = rebuttals.open_draft(case)
    case_themes = set(case.themes or ())
    offered = library.for_case(case)
    return CasePanel(
        title=gettext("Cải chính, làm rõ"), template="cases/rebuttals/_case_panel.html", order=60,
        context={
            "clarifications": items,
            "open_draft": draft,
            "open_draft_url": views.edit_url(draft) if draft else "",
            "suggested": [a for a in offered if case_themes & set(a.themes or ())],
            "others": [a for a in offered if not case_themes & set(a.themes or ())],
            "can_draft": request.user.has_perm("cases.add_clarification"),
            "draft_url": reverse("cases_clarification_draft", args=[case.pk]),
            "argument_field": views.ARGUMENT_FIELD,
            "library_url": reverse("cases_arguments:index"),
        },
    )
