from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "eduplan.indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from eduplan.indicators.plan_status import PLAN_STATUS
        from eduplan.indicators.signals import connect
        from eduplan.plans.commands import plan_action_register

        connect()
        plan_action_register(PLAN_STATUS)
