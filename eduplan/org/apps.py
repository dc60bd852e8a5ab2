from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "eduplan.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from eduplan.org.accounts import session_seen_on_login
        from eduplan.org.metrics import register_metrics

        register_metrics()
        user_logged_in.connect(session_seen_on_login, dispatch_uid="eduplan_session_seen")
