from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "doingoai.plans"
    label = "plans"
    verbose_name = _("Kế hoạch")
    default_auto_field = "django.db.models.BigAutoField"
