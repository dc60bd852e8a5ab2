"""Notices of an order's steps to the units concerned: a message in the inbox of each of
their users, and an e-mail after the transaction commits (raised, reassigned, co-handling
added, extension decided)."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from eduplan.org.models import OrgUnit
from eduplan.supervision.models import InboxMessage, MessageKind, SupervisionOrder
from eduplan.supervision.services import Mail, mails_send, order_url, unit_members

RESPOND_BY = gettext_lazy("Respond by %(due)s.")


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
    InboxMessage.objects.bulk_create(
        InboxMessage(user=user, order=order, kind=MessageKind.NOTICE, subject=text, body=body)
        for user in people.values()
    )
    mails = [Mail(subject=text, body=body, to=u.email) for u in people.values() if u.email]
    if mails:
        transaction.on_commit(functools.partial(mails_send, mails))
    return len(people)
