"""How the cases app extends the staff UI.

Each area has its own module here (its screens' URLs, its menu entries, its dashboard lines).
The app's menu is one submenu, "Xử lý thông tin, khiếu nại", filled through this app's own
hook ``register_cases_menu_item``."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import cases, clocks, complaints, evidence, library, rebuttals, reports  # noqa: F401  (they register hooks)
from .menu import MENU_HOOK


@hooks.register("register_admin_menu_item")
def cases_menu():
    return SubmenuMenuItem(_("Xử lý thông tin, khiếu nại"), Menu(register_hook_name=MENU_HOOK),
                           icon_name="warning", order=160)
