"""The entries of the monitoring submenu (filled through ``register_monitoring_menu_item``)."""

from wagtail.admin.menu import MenuItem

from ..access import can_use

MENU_HOOK = "register_monitoring_menu_item"


class MonitoringMenuItem(MenuItem):
    """An entry of the monitoring submenu, shown to those who use monitoring."""

    def is_shown(self, request):
        return can_use(request.user)
