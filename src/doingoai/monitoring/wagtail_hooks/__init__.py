"""How the monitoring app extends the staff UI.

Each area has its own module here (its screens' URLs, its menu entries, its dashboard lines).
The app's menu is one submenu, "Theo dõi báo chí", filled through this app's own hook,
``register_monitoring_menu_item`` — the way Wagtail fills its settings menu."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import alerts, articles, digests, search, sources, statistics  # noqa: F401  (they register hooks)
from .menu import MENU_HOOK


@hooks.register("register_admin_menu_item")
def monitoring_menu():
    return SubmenuMenuItem(_("Theo dõi báo chí"), Menu(register_hook_name=MENU_HOOK), icon_name="search", order=150)
