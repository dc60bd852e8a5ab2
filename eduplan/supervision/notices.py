"""Notices to the units concerned, through `core.inbox`: a message in the inbox of each of
their users and an e-mail after the transaction commits. Supervision sends them for an
order's steps (raised, reassigned, co-handling added, extension decided); other apps post
theirs (reporting's reminders before a report's due date) and supervision's inbox stores
them (`inbox_notices_store`, registered at start-up)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from eduplan.core.inbox import Notice, notices_post
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_members
from eduplan.supervision.models import InboxMessage, MessageKind, SupervisionOrder
from eduplan.supervision.services import order_url

RESPOND_BY = gettext_lazy("Respond by %(due)s.")


def inbox_notices_store(notices: Sequence[Notice]) -> None:
    """Store each notice as a message in its user's inbox (one query)."""
    InboxMessage.objects.bulk_create(
        InboxMessage(
            user=n.user, order_id=n.order_id, kind=n.kind, subject=n.subject[:300], body=n.body
        )
        for n in notices
    )


def notice_send(
    *, order: SupervisionOrder, units: Iterable[OrgUnit], subject: str | Promise, note: str = ""
) -> int:
    """Tell the users of `units` about a step of `order` (inbox, then mail after commit).
    `subject` is a translatable text with %(id)s, %(unit)s and %(due)s; it is written in
    the site's language. Returns the people told."""
    units = list(units)
    members = unit_members(units)
    people = {user.pk: user for unit in units for user in members.get(unit.pk, [])}
    values = {"id": order.pk, "unit": order.responsible_unit.name, "due": order.due_on.isoformat()}
    with translation.override(settings.LANGUAGE_CODE):
        text = str(subject) % values
        lines = [note, order.title, str(RESPOND_BY) % values, order_url(order)]
    body = "\n".join(line for line in lines if line)
    notices_post(
        [
            Notice(user=user, kind=MessageKind.NOTICE, subject=text, body=body, order_id=order.pk)
            for user in people.values()
        ]
    )
    return len(people)
