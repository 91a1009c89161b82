from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "doingoai.monitoring"
    label = "monitoring"
    verbose_name = _("Theo dõi báo chí")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What monitoring gives the plan: the digest as evidence of task 9, the press figures
        # for the periodic report. Registered in every process (web, worker, commands).
        from . import digests, stats  # noqa: F401
