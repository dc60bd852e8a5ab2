from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootballConfig(AppConfig):
    name = "eduplan.football"
    verbose_name = _("Campus football")

    def ready(self) -> None:
        from eduplan.football.metrics import register_metrics

        register_metrics()
