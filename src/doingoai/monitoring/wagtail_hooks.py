"""How the monitoring app extends the staff UI."""

from wagtail import hooks

from .viewsets import MonitoringGroup


@hooks.register("register_admin_viewset")
def admin_viewsets():
    return MonitoringGroup()
