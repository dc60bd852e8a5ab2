"""Messages to people: a notice goes to each user's in-app inbox at once and, if they have
an address and have not turned e-mail off (`NoticeChoice`, the 工作台's settings page), by
e-mail: queued for the worker (`core.tasks.notice_mails_send`) once the transaction commits.

The inbox is supervision's (`InboxMessage`); apps to its left in the flow (reporting's
reminders before a due date) post notices here without importing it, and supervision
registers the writer when it starts (as metrics register in `core.metrics`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from eduplan.core.models import NoticeChoice

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


def mail_refused(user_ids: Iterable[int]) -> set[int]:
    """Those of the users who chose no e-mail (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    return set(
        NoticeChoice.objects.filter(user_id__in=ids, by_email=False).values_list(
            "user_id", flat=True
        )
    )


def _mails_enqueue(mails: list[list[str]]) -> None:
    from eduplan.core.tasks import notice_mails_send

    try:
        notice_mails_send.enqueue(mails)
    except Exception:  # the notices are stored; a queue outage must not undo the request
        logger.exception("queueing %d notice mails failed", len(mails))


def mails_queue(mails: Sequence[tuple[str, str, str]]) -> None:
    """Queue e-mails (subject, body, address) for the worker once the transaction
    commits (none if it rolls back)."""
    if mails:
        rows = [[subject, body, to] for subject, body, to in mails]
        transaction.on_commit(functools.partial(_mails_enqueue, rows))


def notices_post(notices: Sequence[Notice]) -> None:
    """Store the notices in the inbox now and queue their e-mails, to those who have an
    address and want them, once the transaction commits (none if it rolls back)."""
    if not notices:
        return
    for writer in _WRITERS:
        writer(notices)
    refused = mail_refused(n.user.pk for n in notices if n.user.email)
    mails_queue(
        [
            (n.subject, n.body, n.user.email)
            for n in notices
            if n.user.email and n.user.pk not in refused
        ]
    )
