from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KindergartensConfig(AppConfig):
    name = "eduplan.kindergartens"
    verbose_name = _("Kindergartens")

    def ready(self) -> None:
        from eduplan.kindergartens.metrics import register_metrics

        register_metrics()
