"""Background work every app may hand over through Django's tasks interface (settings.TASKS),
run by the worker once the transaction that queued it commits: notice e-mails, and
working off the figures store's marks right after a write."""

from __future__ import annotations

import logging

from django.core.mail import send_mass_mail
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def notice_mails_send(mails: list[list[str]]) -> int:
    """Send notice e-mails, each [subject, body, address]; returns the mails sent. An
    outage of the mail server is logged, never raised: the notices are in the inbox."""
    try:
        return send_mass_mail(
            [(subject, body, None, [to]) for subject, body, to in mails], fail_silently=False
        )
    except Exception:
        logger.exception("sending %d notice mails failed", len(mails))
        return 0


@task()
def figures_refresh() -> int:
    """Bring the figures store up to date with the writes committed so far (the next
    reader would otherwise do it first); returns the marks worked off."""
    from eduplan.core.figure_store import store_refresh

    return store_refresh()
