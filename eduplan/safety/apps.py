from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "eduplan.safety"
    verbose_name = _("Campus safety")

    def ready(self) -> None:
        from eduplan.safety.metrics import register_metrics

        register_metrics()
