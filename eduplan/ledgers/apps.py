from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "eduplan.ledgers"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from eduplan.ledgers.metrics import register_metrics

        register_metrics()
