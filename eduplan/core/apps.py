from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "eduplan.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from eduplan.core import checks  # noqa: F401  (registers the start-up checks)
        from eduplan.core.db_pool import pool_check_install

        connection_created.connect(pool_check_install, dispatch_uid="eduplan-pool-check")
