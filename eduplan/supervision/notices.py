"""Notices to the units concerned, through `core.inbox`: a message in the inbox of each of
their users and an e-mail after the transaction commits. Supervision sends them for an
order's steps (raised, reassigned, co-handling added, extension decided); other apps post
theirs (reporting's reminders before a report's due date) and supervision's inbox stores
them (`inbox_notices_store`, registered at start-up)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from eduplan.core.inbox import Notice, notices_post
from eduplan.org.models import PATH_SEPARATOR, Membership, OrgUnit, Role
from eduplan.org.selectors import unit_members
from eduplan.supervision.models import InboxMessage, MessageKind, SupervisionOrder
from eduplan.supervision.services import order_url

RESPOND_BY = gettext_lazy("Respond by %(due)s.")
RAISED = gettext_lazy("New supervision order #%(id)s for %(unit)s, due on %(due)s")


def _inbox_body(notice: Notice) -> str:
    """The body as the inbox shows it: an order's address is for the mail (the inbox has a
    button that opens the order), so its line is left out."""
    if notice.order_id is None:
        return notice.body
    path = reverse("supervision:order_detail", args=[notice.order_id])
    return "\n".join(line for line in notice.body.split("\n") if not line.endswith(path))


def inbox_notices_store(notices: Sequence[Notice]) -> None:
    """Store each notice as a message in its user's inbox (one query)."""
    InboxMessage.objects.bulk_create(
        InboxMessage(
            user=n.user,
            order_id=n.order_id,
            kind=n.kind,
            subject=n.subject[:300],
            body=_inbox_body(n),
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


FEEDBACK = gettext_lazy("Feedback to review: supervision order #%(id)s from %(unit)s")


def orders_assigned_notify(*, orders: Sequence[SupervisionOrder]) -> int:
    """Tell each order's responsible unit that the rules raised it (one query for the
    people, one to store the messages). Returns the messages sent."""
    members = unit_members({o.responsible_unit for o in orders})
    notices: list[Notice] = []
    with translation.override(settings.LANGUAGE_CODE):
        for order in orders:
            values = {
                "id": order.pk,
                "unit": order.responsible_unit.name,
                "due": order.due_on.isoformat(),
            }
            subject = str(RAISED) % values
            lines = [order.title, order.detail, str(RESPOND_BY) % values, order_url(order)]
            body = "\n".join(line for line in lines if line)
            notices += [
                Notice(
                    user=u, kind=MessageKind.NOTICE, subject=subject, body=body, order_id=order.pk
                )
                for u in members.get(order.responsible_unit_id, [])
            ]
    notices_post(notices)
    return len(notices)


def office_members_over(unit: OrgUnit) -> list[AuthUser]:
    """Active supervision-office users whose scope holds the unit (one query)."""
    codes = [code for code in unit.path.split(PATH_SEPARATOR) if code]
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.SUPERVISION, scope__code__in=codes, user__is_active=True
        ).select_related("user")
    ]


def feedback_notify(*, order: SupervisionOrder) -> int:
    """Tell the supervision office over the order's unit that feedback waits for its
    review. Returns the people told."""
    people = office_members_over(order.responsible_unit)
    values = {"id": order.pk, "unit": order.responsible_unit.name}
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(FEEDBACK) % values
        body = "\n".join([order.title, order.response, order_url(order)])
    notices_post(
        [
            Notice(user=u, kind=MessageKind.NOTICE, subject=subject, body=body, order_id=order.pk)
            for u in people
        ]
    )
    return len(people)
