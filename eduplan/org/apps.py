from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "eduplan.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from eduplan.org.metrics import register_metrics

        register_metrics()
