"""The entries of the cases submenu (filled through ``register_cases_menu_item``)."""

from wagtail.admin.menu import MenuItem

from ..access import can_use

MENU_HOOK = "register_cases_menu_item"


class CasesMenuItem(MenuItem):
    """An entry of the cases submenu, shown to those who work on cases."""

    def is_shown(self, request):
        return can_use(request.user)
