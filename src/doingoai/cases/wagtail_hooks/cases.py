"""How the cases area extends the staff UI: URLs, menu entries, dashboard lines, the "Mở vụ
việc" button on monitored articles and stories, and the legal bases' admin screen."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from doingoai.core import dashboard
from doingoai.monitoring.actions import Action

from .. import access, selectors
from ..views import cases as views
from ..viewsets import LegalBasisViewSet
from .menu import CasesMenuItem


@hooks.register("register_admin_urls")
def case_urls():
    return [
        path("vu-viec/", views.case_list, name="cases_list"),
        path("vu-viec/mo/", views.open_case, name="cases_open"),
        path("vu-viec/<int:pk>/", views.case_page, name="cases_case"),
        path("vu-viec/ghi-chu/<int:pk>/tep/", views.note_file, name="cases_note_file"),
        path("vu-viec/mo-tu-bai-bao/<int:pk>/", views.open_from_article, name="cases_open_from_article"),
        path("vu-viec/mo-tu-cau-chuyen/<int:pk>/", views.open_from_story, name="cases_open_from_story"),
    ]


@hooks.register("register_admin_viewset")
def legal_basis_viewset():
    return LegalBasisViewSet()


@hooks.register("register_cases_menu_item")
def cases_menu():
    return CasesMenuItem(_("Vụ việc"), reverse("cases_list"), icon_name="warning", order=10)


@hooks.register("register_cases_menu_item")
def open_case_menu():
    return CasesMenuItem(_("Mở vụ việc"), reverse("cases_open"), icon_name="plus", order=11)


@hooks.register("register_cases_menu_item")
def legal_bases_menu():
    return CasesMenuItem(_("Căn cứ pháp lý"), reverse("cases_legal_bases:index"), icon_name="doc-full", order=90)


@hooks.register("register_monitoring_action")
def open_case_action(request, obj):
    """"Mở vụ việc" on the page of an article or a story (it joins the open case, if any)."""
    from doingoai.monitoring.models import Article, Story

    if not access.can_use(request.user):
        return []
    if isinstance(obj, Article):
        url = reverse("cases_open_from_article", args=[obj.pk])
    elif isinstance(obj, Story):
        url = reverse("cases_open_from_story", args=[obj.pk])
    else:
        return []
    return [Action(gettext("Mở vụ việc"), url, post=True, icon="warning")]


@dashboard.register_open_work
def my_cases(user):
    if not access.can_use(user):
        return []
    now = timezone.now()
    return [
        dashboard.WorkItem(
            title=f"{case.number} – {case.title}", url=case.get_absolute_url(), module=gettext("Vụ việc"),
            due=timezone.localtime(case.step_due).date() if case.step_due else None,
            overdue=bool(case.step_due and case.step_due < now), status=case.get_step_display(),
        )
        for case in selectors.my_open_cases(user)[:20]
    ]


@dashboard.register_counter
def case_counters(user):
    if not access.can_use(user):
        return []
    counts = selectors.counts(user)
    return [
        dashboard.Counter(label=gettext("Vụ việc đang mở"), value=counts["open"],
                          url=reverse("cases_list") + "?dang_mo=on"),
        dashboard.Counter(label=gettext("Vụ việc quá hạn bước"), value=counts["overdue"],
                          url=reverse("cases_list") + "?qua_han=on"),
    ]
