"""The inbox's writer for notices other apps post through `core.inbox` (reporting's
reminders before a report's due date): one InboxMessage per notice, no order."""

from __future__ import annotations

from collections.abc import Sequence

from eduplan.core.inbox import Notice
from eduplan.supervision.models import InboxMessage


def inbox_notices_store(notices: Sequence[Notice]) -> None:
    """Store each notice as a message in its user's inbox (one query)."""
    InboxMessage.objects.bulk_create(
        InboxMessage(user=n.user, kind=n.kind, subject=n.subject[:300], body=n.body)
        for n in notices
    )
