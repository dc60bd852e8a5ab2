from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "eduplan.indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from eduplan.indicators.signals import connect

        connect()
