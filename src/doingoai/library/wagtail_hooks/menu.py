"""The entries of the library submenu (filled through ``register_library_menu_item``)."""

from wagtail.admin.menu import MenuItem

from ..access import can_use

MENU_HOOK = "register_library_menu_item"


class LibraryMenuItem(MenuItem):
    def is_shown(self, request):
        return can_use(request.user)
