from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "eduplan.reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from eduplan.reporting.metrics import register_metrics

        register_metrics()
