from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "doingoai.cases"
    label = "cases"
    verbose_name = _("Xử lý thông tin sai sự thật, khiếu nại, tố cáo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What cases give the rest of the platform, registered in every process: the
        # figures of the periodic report, the receiver that matches new articles to claims,
        # the evidence of published clarifications (also when a worker publishes them on
        # schedule), the audit of the argument library.
        from . import library, rebuttals, receivers, reports  # noqa: F401
