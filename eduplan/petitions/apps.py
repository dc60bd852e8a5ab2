from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "eduplan.petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from eduplan.petitions.metrics import register_metrics

        register_metrics()
