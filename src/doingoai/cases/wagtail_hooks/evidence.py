"""How the evidence area extends the staff UI: its URLs (the files of a capture, a new
capture, the evidence page of a case) and its panel on the case page."""

from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks

from .. import evidence
from ..panels import PANEL_HOOK, CasePanel
from ..views import evidence as views


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("vu-viec/chung-cu/<int:capture_id>/anh-chup/", views.screenshot, name="cases_evidence_screenshot"),
        path("vu-viec/chung-cu/<int:capture_id>/noi-dung/", views.text, name="cases_evidence_text"),
        path("vu-viec/chung-cu/<int:capture_id>/html/", views.raw_html, name="cases_evidence_html"),
        path("vu-viec/chung-cu/dia-chi/<int:case_url_id>/thu-thap-lai/", views.recapture,
             name="cases_evidence_recapture"),
        path("vu-viec/chung-cu/vu-viec/<int:case_id>/", views.case_evidence, name="cases_evidence_case"),
    ]


@hooks.register(PANEL_HOOK)
def evidence_panel(request, case):
    """The "Chứng cứ" section of the case page: each address with its captures."""
    if not views.case_visible(request.user, case):
        return None
    return CasePanel(
        title=_("Chứng cứ"), template="cases/evidence/panel.html", order=20,
        context={"evidence_rows": evidence.captures_by_url(case), "evidence_case": case,
                 "evidence_next": request.get_full_path()},
    )
