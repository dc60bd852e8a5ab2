from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanimportConfig(AppConfig):
    name = "eduplan.planimport"
    verbose_name = _("Import a plan text")
