from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "doingoai.core"
    label = "core"
    verbose_name = _("Nền tảng")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import audit, jobs, signals  # noqa: F401  (connect receivers)

        audit.connect_default_trackers()
        autodiscover_modules("tasks")  # every app's jobs, and the schedules they propose
