from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConstructionConfig(AppConfig):
    name = "eduplan.construction"
    verbose_name = _("School construction and class sizes")

    def ready(self) -> None:
        from eduplan.construction.metrics import register_metrics

        register_metrics()
