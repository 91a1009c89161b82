"""How the plans app extends the staff UI: its screens, its menu, and its dashboard lines."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from doingoai.core import dashboard

from . import selectors, services, views
from .viewsets import EventViewSet, PlanViewSet


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("ke-hoach/", views.overview, name="plans_overview_current"),
        path("ke-hoach/<int:pk>/", views.overview, name="plans_overview"),
        path("ke-hoach/don-vi-toi/", views.my_unit, name="plans_my_unit"),
        path("ke-hoach/nhiem-vu/<int:pk>/", views.task_detail, name="plans_task"),
        path("ke-hoach/minh-chung/<int:pk>/", views.attachment, name="plans_attachment"),
        path("ke-hoach/nhap/", views.import_plan, name="plans_import"),
        path("ke-hoach/nhap/<str:token>/", views.import_review, name="plans_import_review"),
        path("ke-hoach/bao-cao/", views.report_list, name="plans_reports"),
        path("ke-hoach/bao-cao/<int:pk>/", views.report_detail, name="plans_report"),
        path("ke-hoach/bao-cao/<int:pk>/<str:fmt>/", views.report_file, name="plans_report_file"),
        path("ke-hoach/lich/", views.calendar_view, name="plans_calendar"),
    ]


@hooks.register("register_admin_viewset")
def admin_viewsets():
    return [PlanViewSet(), EventViewSet()]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return services.can_import(request.user)


@hooks.register("register_admin_menu_item")
def plans_menu():
    items = [
        MenuItem(_("Theo dõi kế hoạch"), reverse("plans_overview_current"), icon_name="list-ol", order=10),
        MenuItem(_("Việc của đơn vị tôi"), reverse("plans_my_unit"), icon_name="group", order=20),
        MenuItem(_("Báo cáo định kỳ"), reverse("plans_reports"), icon_name="doc-full", order=30),
        MenuItem(_("Lịch"), reverse("plans_calendar"), icon_name="date", order=40),
        ImportMenuItem(_("Nhập kế hoạch"), reverse("plans_import"), icon_name="upload", order=50),
        MenuItem(_("Danh sách kế hoạch"), reverse("plans:index"), icon_name="list-ul", order=60),
        MenuItem(_("Sự kiện, ngày kỷ niệm"), reverse("plan_events:index"), icon_name="date", order=70),
    ]
    return SubmenuMenuItem(_("Kế hoạch"), Menu(items=items), icon_name="list-ol", order=100)


@dashboard.register_open_work
def my_open_tasks(user):
    return [
        dashboard.WorkItem(
            title=f"{r.task.no}. {r.task.title}", url=r.task.get_absolute_url(), module=str(_("Kế hoạch")),
            due=None if r.task.continuous else r.task.end, overdue=r.overdue,
            status=f"{r.task.get_status_display()} – {r.task.progress}% ({r.role})",
        )
        for r in selectors.rows(selectors.my_unit_tasks(user), user=user)
        if r.task.is_open()
    ]
