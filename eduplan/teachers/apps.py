from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachersConfig(AppConfig):
    name = "eduplan.teachers"
    verbose_name = _("Teachers")
