"""How the reports area extends the staff UI: the "Báo cáo" screen and its menu entry, and the
claim-suggestion panel of a case's page ("Bài báo tương tự") with its two buttons."""

from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..models import ClaimSuggestion
from ..panels import PANEL_HOOK, CasePanel
from ..views import reports as views
from .menu import MENU_HOOK, CasesMenuItem

SUGGESTIONS_SHOWN = 50


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("vu-viec/bao-cao/", views.report_view, name="cases_reports"),
        path("vu-viec/goi-y/<int:suggestion_id>/gan/", views.link_suggestion, name="cases_suggestion_link"),
        path("vu-viec/goi-y/<int:suggestion_id>/khong-lien-quan/", views.dismiss_suggestion,
             name="cases_suggestion_dismiss"),
    ]


@hooks.register(MENU_HOOK)
def reports_menu():
    return CasesMenuItem(_("Báo cáo"), reverse("cases_reports"), icon_name="table", order=90)


@hooks.register(PANEL_HOOK)
def suggestions_panel(request, case):
    """"Bài báo tương tự": monitored articles that resemble the case's claim (claim matching),
    those waiting for a decision first."""
    from .. import matching

    rows = list(ClaimSuggestion.objects.filter(case=case).select_related("article__source", "decided_by")
                .order_by("-score", "-created_at")[:SUGGESTIONS_SHOWN])
    pending = [s for s in rows if s.state == ClaimSuggestion.State.SUGGESTED]
    done = [s for s in rows if s.state != ClaimSuggestion.State.SUGGESTED]
    return CasePanel(
        title=gettext("Bài báo tương tự"), template="cases/matching/panel.html", order=30,
        context={"suggestions": pending + done, "suggestions_pending": len(pending),
                 "suggestions_can_decide": matching.can_decide(request.user, case),
                 "suggestions_next": request.get_full_path()},
    )
