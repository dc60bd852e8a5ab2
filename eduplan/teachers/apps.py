"""Teachers and their continuing-education credits (继续教育学分登记)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachersConfig(AppConfig):
    name = "eduplan.teachers"
    verbose_name = _("Teachers")

    def ready(self) -> None:
        from eduplan.teachers.metrics import register_metrics

        register_metrics()
