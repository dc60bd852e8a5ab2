"""Messages to people: a notice goes to each user's in-app inbox and, if they have an
address, by e-mail after commit.

The inbox is supervision's (`InboxMessage`); apps to its left in the flow (reporting's
reminders before a due date) post notices here without importing it, and supervision
registers the writer when it starts (as metrics register in `core.metrics`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mass_mail
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One message to one user; `kind` is the inbox's kind of message (e.g. due_soon)."""

    user: Any
    kind: str
    subject: str
    body: str
    order_id: int | None = None  # the supervision order it is about, if any


InboxWriter = Callable[[Sequence[Notice]], None]
_WRITERS: list[InboxWriter] = []


def inbox_writer_register(writer: InboxWriter) -> None:
    """Register the function that stores notices in the inbox (once per writer)."""
    if writer not in _WRITERS:
        _WRITERS.append(writer)


def _mail(mails: list[tuple[str, str, None, list[str]]]) -> None:
    try:
        send_mass_mail(mails, fail_silently=False)
    except Exception:  # the notices are stored; a mail server outage must not undo them
        logger.exception("sending %d notice mails failed", len(mails))


def notices_post(notices: Sequence[Notice]) -> None:
    """Store the notices in the inbox now and send their e-mails once the transaction
    commits (none if it rolls back)."""
    if not notices:
        return
    for writer in _WRITERS:
        writer(notices)
    mails = [(n.subject, n.body, None, [n.user.email]) for n in notices if n.user.email]
    if mails:
        transaction.on_commit(functools.partial(_mail, mails))
