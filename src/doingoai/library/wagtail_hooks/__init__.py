"""How the library extends the staff UI, one module per area; its menu is one submenu,
"Thư viện điện tử", filled through the app's own hook ``register_library_menu_item``."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import items, review, uploads  # noqa: F401  (they register hooks)
from .menu import MENU_HOOK


@hooks.register("register_admin_menu_item")
def library_menu():
    return SubmenuMenuItem(_("Thư viện điện tử"), Menu(register_hook_name=MENU_HOOK),
                           icon_name="doc-full-inverse", order=170)
