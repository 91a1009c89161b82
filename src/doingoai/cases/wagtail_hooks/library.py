"""How the library area extends the staff UI: the "Tư liệu, lập luận" screens (a viewset), their
menu entry, and the dashboard's count of entries due for review."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from doingoai.core import dashboard

from .. import library
from ..access import can_use
from ..views.library import ArgumentViewSet
from .menu import CasesMenuItem


@hooks.register("register_admin_viewset")
def argument_viewset():
    return ArgumentViewSet()


@hooks.register("register_cases_menu_item")
def arguments_menu():
    return CasesMenuItem(_("Tư liệu, lập luận"), reverse("cases_arguments:index"), icon_name="doc-full-inverse",
                         order=60)


@dashboard.register_counter
def arguments_due(user):
    if not can_use(user):
        return []
    return [dashboard.Counter(
        label=gettext("Tư liệu, lập luận đến hạn rà soát"), value=library.due_count(),
        url=reverse("cases_arguments:index") + "?due=true",
    )]
