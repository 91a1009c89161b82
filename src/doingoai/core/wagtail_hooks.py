"""How the core app extends Wagtail's admin: screens, menus, dashboard panel."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from . import dashboard, notify, permissions
from .views import jobs, notifications, two_factor
from .viewsets import AuditViewSet, OrganisationGroup


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("bao-mat/xac-thuc-hai-lop/", two_factor.setup, name="doingoai_2fa_setup"),
        path("bao-mat/nhap-ma/", two_factor.verify, name="doingoai_2fa_verify"),
        path("thong-bao/<int:pk>/", notifications.open_notification, name="doingoai_notification"),
        path("tac-vu-nen/", jobs.index, name="doingoai_jobs"),
        path("tac-vu-nen/<int:pk>/chay-lai/", jobs.retry, name="doingoai_jobs_retry"),
    ]


@hooks.register("register_admin_viewset")
def admin_viewsets():
    return [AuditViewSet(), OrganisationGroup()]


class JobsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_manage_jobs(request.user)


@hooks.register("register_settings_menu_item")
def jobs_menu_item():
    return JobsMenuItem(_("Tác vụ nền"), reverse("doingoai_jobs"), icon_name="cogs", order=900)


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("doingoai_2fa_setup"),
        "label": _("Xác thực hai lớp"),
        "help_text": _("Đăng nhập bằng mật khẩu và mã từ ứng dụng trên điện thoại."),
    }


class MyWorkPanel(Component):
    name = "doingoai_my_work"
    order = 10
    template_name = "core/panels/my_work.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        memberships = user.memberships.select_related("unit").order_by("unit__name")
        return {
            "notifications": notify.unread(user),
            "memberships": memberships,
            "open_work": dashboard.open_work(user),
            "counters": dashboard.counters(user),
        }


@hooks.register("construct_homepage_panels")
def add_my_work_panel(request, panels):
    panels.insert(0, MyWorkPanel(request))
