from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "doingoai.library"
    label = "library"
    verbose_name = _("Thư viện điện tử biển, đảo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registered in every process (web, worker, scheduler, commands): publishing records
        # evidence on task 5 of the plan; the catalogue index follows every change of an item.
        from . import index_receivers, publishing  # noqa: F401
