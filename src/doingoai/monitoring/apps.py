from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "doingoai.monitoring"
    label = "monitoring"
    verbose_name = _("Theo dõi báo chí")
    default_auto_field = "django.db.models.BigAutoField"
