"""How the complaints area extends the staff UI: URLs, menu entries, dashboard lines, and the
panel of linked letters on a case's page."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from doingoai.core import dashboard

from ..panels import PANEL_HOOK, CasePanel
from ..views import complaints as views
from .menu import MENU_HOOK, CasesMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("khieu-nai/", views.complaint_list, name="cases_complaints"),
        path("khieu-nai/vao-so/", views.complaint_new, name="cases_complaint_new"),
        path("khieu-nai/<int:pk>/", views.complaint_detail, name="cases_complaint"),
        path(
            "khieu-nai/<int:pk>/nguoi-gui/",
            views.complaint_identity,
            name="cases_complaint_identity",
        ),
        path("khieu-nai/<int:pk>/thu-ly/", views.complaint_accept, name="cases_complaint_accept"),
        path(
            "khieu-nai/<int:pk>/khong-thu-ly/",
            views.complaint_reject,
            name="cases_complaint_reject",
        ),
        path("khieu-nai/<int:pk>/giao/", views.complaint_assign, name="cases_complaint_assign"),
        path(
            "khieu-nai/<int:pk>/bat-dau-xac-minh/",
            views.complaint_start_verification,
            name="cases_complaint_start_verification",
        ),
        path(
            "khieu-nai/<int:pk>/xac-minh/",
            views.complaint_verification,
            name="cases_complaint_verification",
        ),
        path("khieu-nai/<int:pk>/gia-han/", views.complaint_extend, name="cases_complaint_extend"),
        path(
            "khieu-nai/<int:pk>/ket-luan/",
            views.complaint_conclude,
            name="cases_complaint_conclude",
        ),
        path(
            "khieu-nai/<int:pk>/van-ban.<str:fmt>",
            views.complaint_file,
            name="cases_complaint_file",
        ),
    ]


@hooks.register(MENU_HOOK)
def complaints_menu():
    return CasesMenuItem(
        _("Khiếu nại, tố cáo"), reverse("cases_complaints"), icon_name="mail", order=50
    )


@dashboard.register_open_work
def my_open_complaints(user):
    """The letters given to this inspector and not yet concluded, with their nearest deadline."""
    from .. import clocks, complaints

    mine = list(complaints.open_for_inspector(user).order_by("received_at"))
    badges = clocks.nearest(mine)
    items = []
    for complaint in mine:
        badge = badges.get(complaint.pk)
        running = badge is not None and badge.level != "done"
        items.append(
            dashboard.WorkItem(
                title=str(complaint),
                url=complaint.get_absolute_url(),
                module=str(_("Khiếu nại, tố cáo")),
                due=timezone.localtime(badge.due_at).date() if running else None,
                overdue=running and badge.level == "overdue",
                status=f"{complaint.get_status_display()}"
                + (f" – {badge.name}: {badge.label}" if running else ""),
            )
        )
    return items


@hooks.register(PANEL_HOOK)
def linked_complaints_panel(request, case):
    context = views.case_panel_context(request, case)
    if not context["complaints"]:
        return None
    return CasePanel(
        title=str(_("Đơn khiếu nại, tố cáo liên quan")),
        template="cases/complaints/_case_panel.html",
        context=context,
        order=80,
    )
