"""How the clocks area extends the staff UI: URLs, menu entries, the case page's panel of
takedown requests, the admin of rules and holidays."""

from django.middleware.csrf import get_token
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from .. import clocks, takedowns
from ..access import can_use
from ..panels import PANEL_HOOK, CasePanel
from ..views import clocks as views
from .menu import MENU_HOOK, CasesMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("vu-viec/thoi-han/", views.board, name="cases_clocks"),
        path("vu-viec/thoi-han/<int:pk>/gia-han/", views.clock_extend, name="cases_clock_extend"),
        path("vu-viec/<int:case_pk>/go-bo/them/", views.takedown_create, name="cases_takedown_create"),
        path("vu-viec/<int:case_pk>/go-bo/<int:pk>/gui/", views.takedown_send, name="cases_takedown_send"),
        path("vu-viec/<int:case_pk>/go-bo/<int:pk>/xac-nhan/", views.takedown_acknowledge,
             name="cases_takedown_acknowledge"),
        path("vu-viec/<int:case_pk>/go-bo/<int:pk>/da-go/", views.takedown_complied,
             name="cases_takedown_complied"),
    ]


@hooks.register("register_admin_viewset")
def clock_viewsets():
    return [views.ClockRuleViewSet(), views.HolidayViewSet()]


class ManagersMenuItem(CasesMenuItem):
    """An entry for those who edit the rules (others reach the lists through the screens)."""

    def is_shown(self, request):
        return clocks.can_manage_rules(request.user)


@hooks.register(MENU_HOOK)
def board_menu():
    return CasesMenuItem(gettext_lazy("Thời hạn"), reverse("cases_clocks"), icon_name="time", order=40)


@hooks.register(MENU_HOOK)
def rules_menu():
    return ManagersMenuItem(gettext_lazy("Quy định thời hạn"), reverse("cases_clock_rules:index"),
                            icon_name="cog", order=910)


@hooks.register(MENU_HOOK)
def holidays_menu():
    return ManagersMenuItem(gettext_lazy("Ngày nghỉ lễ"), reverse("cases_holidays:index"),
                            icon_name="date", order=920)


@hooks.register(PANEL_HOOK)
def takedown_panel(request, case):
    if not can_use(request.user):
        return None
    rows = takedowns.of_case(case)
    panel = CasePanel(title=_("Yêu cầu gỡ bỏ và thời hạn"), template="cases/clocks/_case_panel.html",
                      order=40)
    panel.context.update({
        "case": case, "rows": rows,
        "clocks": [shown for _req, views_of in rows for shown in views_of],
        "form": views.TakedownForm(), "moment_form": views.MomentForm(),
        # Whether the panel is included in the case page or rendered alone, it finds its data
        # under ``panel.context`` and its token under ``csrf_token``.
        "panel": panel, "csrf_token": get_token(request), "request": request,
    })
    return panel
