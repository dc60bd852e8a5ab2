"""Background work every app may hand over: notice e-mails, sent by the worker through
Django's tasks interface (settings.TASKS) once the transaction that posted them commits."""

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
