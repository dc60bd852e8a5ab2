from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "eduplan.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from eduplan.core.inbox import inbox_writer_register
        from eduplan.supervision import (
            rules_safety,  # noqa: F401 (registers its finders)
            signals,
        )
        from eduplan.supervision.notices import inbox_notices_store

        inbox_writer_register(inbox_notices_store)
        signals.connect()
        # The registers' warning finders add themselves to FINDERS when imported.
        from eduplan.supervision import (  # noqa: F401
            rules_petitions,
            rules_teachers,
        )
