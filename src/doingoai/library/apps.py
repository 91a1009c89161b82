from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "doingoai.library"
    label = "library"
    verbose_name = _("Thư viện điện tử biển, đảo")
    default_auto_field = "django.db.models.BigAutoField"
