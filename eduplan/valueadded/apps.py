from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValueaddedConfig(AppConfig):
    name = "eduplan.valueadded"
    verbose_name = _("Value-added evaluation")
