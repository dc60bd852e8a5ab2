"""Extension requests (申请延期): the responsible unit asks for a later deadline with a
reason, one pending request at a time; the supervision office approves it (the order's
deadline moves, so its colour and reminders follow the new one) or refuses it with a
reason. A request made after the deadline is allowed and recorded as late."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.org.access import Action, User, can, signed_in
from eduplan.supervision.models import (
    UNDONE,
    ExtensionRequest,
    ExtensionState,
    SupervisionOrder,
)
from eduplan.supervision.notices import notice_send
from eduplan.supervision.services import (
    ERR_ANSWERED,
    ERR_NOT_RESPONSIBLE,
    ERR_OFFICE_ONLY,
    order_event_add,
)

ERR_PENDING = gettext_lazy("An extension request is already waiting for a decision.")
ERR_NONE_PENDING = gettext_lazy("There is no extension request waiting for a decision.")
ERR_NEW_DUE = gettext_lazy("Give the new deadline you ask for.")
ERR_NEW_DUE_EARLY = gettext_lazy("The new deadline must be after %(due)s and not before today.")
ERR_REASON = gettext_lazy("Give the reason.")

APPROVED = gettext_lazy("Extension approved: supervision order #%(id)s is now due on %(due)s")
LATE = gettext_lazy("asked after the deadline")
REFUSED = gettext_lazy("Extension refused: supervision order #%(id)s stays due on %(due)s")


def _locked(order: SupervisionOrder) -> SupervisionOrder:
    return (
        SupervisionOrder.objects.select_for_update()
        .select_related("responsible_unit")
        .get(pk=order.pk)
    )


@transaction.atomic
def extension_request(
    *, user: User, order: SupervisionOrder, new_due_on: datetime.date | None, reason: str
) -> ExtensionRequest:
    """The responsible unit asks for a later deadline (refused while one is pending)."""
    order = _locked(order)
    if not can(user, Action.REPORT_ENTER, order):
        raise PermissionDenied(str(ERR_NOT_RESPONSIBLE))
    if order.status not in UNDONE:
        raise InputError(str(ERR_ANSWERED), where="new_due_on")
    if order.extensions.filter(state=ExtensionState.PENDING).exists():
        raise InputError(str(ERR_PENDING), where="new_due_on")
    today = timezone.localdate()
    if new_due_on is None:
        raise InputError(str(ERR_NEW_DUE), where="new_due_on")
    if new_due_on <= order.due_on or new_due_on < today:
        raise InputError(
            str(ERR_NEW_DUE_EARLY) % {"due": order.due_on.isoformat()}, where="new_due_on"
        )
    if not reason.strip():
        raise InputError(str(ERR_REASON), where="extension_reason")
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                order=order,
                old_due_on=order.due_on,
                new_due_on=new_due_on,
                reason=reason.strip(),
                late=today > order.due_on,
                requested_by=signed_in(user),
            )
    except IntegrityError:  # another request was made at the same moment
        raise InputError(str(ERR_PENDING), where="new_due_on") from None
    order_event_add(order, "extend_ask", user, _summary(request))
    return request


def _summary(request: ExtensionRequest) -> str:
    """The request as the history shows it, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        late = f" ({LATE})" if request.late else ""
    dates = f"{request.old_due_on.isoformat()} → {request.new_due_on.isoformat()}"
    return f"{dates}：{request.reason}{late}"


def _pending(user: User, order: SupervisionOrder) -> tuple[SupervisionOrder, ExtensionRequest]:
    order = _locked(order)
    if not can(user, Action.ORDER_DECIDE, order):
        raise PermissionDenied(str(ERR_OFFICE_ONLY))
    request = order.extensions.select_for_update().filter(state=ExtensionState.PENDING).first()
    if request is None:
        raise InputError(str(ERR_NONE_PENDING), where="extension")
    return order, request


def _decided(request: ExtensionRequest, user: User, state: str, note: str) -> None:
    request.state = state
    request.decided_by = signed_in(user)
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def extension_approve(*, user: User, order: SupervisionOrder, note: str = "") -> ExtensionRequest:
    """The office approves the pending request: the order's deadline becomes the one asked."""
    order, request = _pending(user, order)
    _decided(request, user, ExtensionState.APPROVED, note.strip())
    order.due_on = request.new_due_on
    order.save(update_fields=["due_on"])
    order_event_add(order, "extend_approve", user, _summary(request))
    notice_send(order=order, units=[order.responsible_unit], subject=APPROVED, note=note.strip())
    return request


@transaction.atomic
def extension_refuse(*, user: User, order: SupervisionOrder, reason: str) -> ExtensionRequest:
    """The office refuses the pending request, with the reason; the deadline stays."""
    order, request = _pending(user, order)
    if not reason.strip():
        raise InputError(str(ERR_REASON), where="decision_note")
    _decided(request, user, ExtensionState.REFUSED, reason.strip())
    order_event_add(order, "extend_refuse", user, reason.strip())
    notice_send(order=order, units=[order.responsible_unit], subject=REFUSED, note=reason.strip())
    return request
