"""Supervision beyond the rules: orders raised by hand (领导批示, 会议议定事项, 建议提案)
with their source document, reassignment (改派), co-handling (主办 and 协办 units, each
协办 answering its own part) and interim feedback (阶段性反馈) on long orders.

Every step is checked here as in services.py (the office raises, reassigns and adds
co-handlers; a unit answers only its own part), recorded as an OrderEvent with its actor,
and told to the units concerned (notices.py).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.uploads import upload_check
from eduplan.org.access import Action, User, can, scope_of, signed_in
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_named, units_named
from eduplan.supervision.evidence import (
    EvidenceItem,
    evidence_check,
    evidence_store,
)
from eduplan.supervision.models import (
    UNDONE,
    CoHandler,
    OrderSource,
    OrderStatus,
    Rule,
    SupervisionOrder,
)
from eduplan.supervision.notices import RAISED, notice_send
from eduplan.supervision.rules import office_department
from eduplan.supervision.services import (
    ERR_ANSWERED,
    ERR_NOT_RESPONSIBLE,
    ERR_OFFICE_ONLY,
    ERR_SIGN_FIRST,
    order_event_add,
    order_set_status,
)

ERR_SOURCE = gettext_lazy("Choose where the order comes from.")
ERR_SOURCE_TITLE = gettext_lazy("Give the title of the source document.")
ERR_TITLE = gettext_lazy("Give the order a title.")
ERR_ASKED = gettext_lazy("Say what is asked of the responsible unit.")
ERR_UNIT_MISSING = gettext_lazy("Name the responsible unit.")
ERR_UNIT_OUTSIDE = gettext_lazy("%(unit)s is outside your scope.")
ERR_DUE_MISSING = gettext_lazy("Give the deadline.")
ERR_DUE_PAST = gettext_lazy("The deadline cannot be before today.")
ERR_TOKEN = gettext_lazy("This form is not valid any more; open the page again.")
ERR_TOKEN_REUSED = gettext_lazy("This form was used for another order; open the page again.")
ERR_LEAD_COHANDLES = gettext_lazy("%(unit)s is the lead unit and cannot also co-handle.")
ERR_ALREADY_COHANDLES = gettext_lazy("%(unit)s already co-handles this order.")
ERR_SAME_UNIT = gettext_lazy("The order is already assigned to %(unit)s.")
ERR_REASON = gettext_lazy("Give the reason.")
ERR_NOT_UNDONE = gettext_lazy("Only an order not yet answered can be reassigned.")
ERR_NOT_COHANDLER = gettext_lazy("Only the co-handling unit may answer its part.")
ERR_LEAD_ANSWERED = gettext_lazy("The lead unit has already given the order's feedback.")
ERR_TEXT = gettext_lazy("Write what has been done.")
ERR_OFFICE_ITSELF = gettext_lazy(
    "%(unit)s supervises the orders and cannot be assigned one: name the unit that does the work."
)

COHANDLING = gettext_lazy("Your unit co-handles supervision order #%(id)s (lead: %(unit)s)")
REASSIGNED = gettext_lazy("Supervision order #%(id)s is reassigned to %(unit)s")

TOKEN = re.compile(r"[0-9a-f]{32}")
TITLE_MAX = 300


@dataclass(frozen=True)
class OrderDraft:
    """What the office gives to raise an order by hand (text as typed; checked here)."""

    source: str
    source_title: str
    title: str
    asked: str
    unit: str
    due_on: datetime.date | None
    source_number: str = ""
    source_date: datetime.date | None = None
    source_file: UploadedFile[Any] | None = None
    cohandlers: str = ""


# Units by code or name -------------------------------------------------------------------


def _require_office_over(user: User, unit: OrgUnit, *, where: str) -> None:
    """Only the supervision office raises and assigns; a unit outside its scope, or the
    office itself (it does not supervise itself), is bad input on the field that names it."""
    scope = scope_of(user)
    if scope is None or not can(user, Action.ORDER_DECIDE, scope):
        raise PermissionDenied(str(ERR_OFFICE_ONLY))
    if not can(user, Action.ORDER_DECIDE, unit):
        raise InputError(str(ERR_UNIT_OUTSIDE) % {"unit": unit.name}, where=where)
    office = office_department()
    if office is not None and unit.pk == office.pk:
        raise InputError(str(ERR_OFFICE_ITSELF) % {"unit": unit.name}, where=where)


# Raising by hand ---------------------------------------------------------------------------


def _draft_checked(draft: OrderDraft) -> None:
    """Refuse the first missing or wrong field of the draft, naming it."""
    if draft.source not in OrderSource.values:
        raise InputError(str(ERR_SOURCE), where="source")
    if not draft.source_title.strip():
        raise InputError(str(ERR_SOURCE_TITLE), where="source_title")
    if not draft.title.strip():
        raise InputError(str(ERR_TITLE), where="title")
    if not draft.asked.strip():
        raise InputError(str(ERR_ASKED), where="asked")
    if draft.due_on is None:
        raise InputError(str(ERR_DUE_MISSING), where="due_on")
    if draft.due_on < timezone.localdate():
        raise InputError(str(ERR_DUE_PAST), where="due_on")
    if draft.source_file is not None:
        upload_check(draft.source_file, where="source_file")


def _replay(user: User, subject: str) -> SupervisionOrder | None:
    """The order this form already raised (a retried POST), if any."""
    order = SupervisionOrder.objects.filter(rule=Rule.MANUAL, subject=subject).first()
    if order is not None and order.created_by_id != user.pk:
        raise InputError(str(ERR_TOKEN_REUSED), where="token")
    return order


def order_raise(*, user: User, draft: OrderDraft, token: str) -> SupervisionOrder:
    """The supervision office raises (立项交办) an order by hand for a lead unit and any
    co-handling units in its scope. `token` comes with the form: a retried POST returns
    the order the first one raised, stored once."""
    if not TOKEN.fullmatch(token):
        raise InputError(str(ERR_TOKEN), where="token")
    subject = f"manual:{token}"
    done = _replay(user, subject)
    if done is not None:
        return done
    _draft_checked(draft)
    lead = unit_named(draft.unit, where="unit")
    _require_office_over(user, lead, where="unit")
    cohandlers = units_named(draft.cohandlers, where="cohandlers")
    for unit in cohandlers:
        _require_office_over(user, unit, where="cohandlers")
        if unit.pk == lead.pk:
            raise InputError(str(ERR_LEAD_COHANDLES) % {"unit": unit.name}, where="cohandlers")
    try:
        with transaction.atomic():
            return _raised(user, draft, subject, lead, cohandlers)
    except IntegrityError:  # the same form posted twice at once: the other one raised it
        done = _replay(user, subject)
        if done is None:
            raise
        return done


def _raised(
    user: User, draft: OrderDraft, subject: str, lead: OrgUnit, cohandlers: Sequence[OrgUnit]
) -> SupervisionOrder:
    assert draft.due_on is not None
    today = timezone.localdate()
    order = SupervisionOrder(
        rule=Rule.MANUAL,
        subject=subject,
        title=draft.title.strip()[:TITLE_MAX],
        detail=draft.asked.strip(),
        responsible_unit=lead,
        assigned_on=today,
        due_on=draft.due_on,
        source=draft.source,
        source_title=draft.source_title.strip()[:300],
        source_number=draft.source_number.strip()[:100],
        source_date=draft.source_date,
        created_by=signed_in(user),
    )
    if draft.source_file is not None:
        order.source_file = draft.source_file
    order.save()
    order_event_add(order, "assign", user, order.detail)
    notice_send(order=order, units=[lead], subject=RAISED)
    for unit in cohandlers:
        _cohandler_added(order, unit, user)
    return order


# Co-handling -------------------------------------------------------------------------------


def _cohandler_added(order: SupervisionOrder, unit: OrgUnit, user: User) -> CoHandler:
    try:
        with transaction.atomic():
            row = CoHandler.objects.create(order=order, unit=unit, added_by=signed_in(user))
    except IntegrityError:
        raise InputError(
            str(ERR_ALREADY_COHANDLES) % {"unit": unit.name}, where="cohandlers"
        ) from None
    order_event_add(order, "cohandle", user, unit.name)
    notice_send(order=order, units=[unit], subject=COHANDLING)
    return row


def _locked(order: SupervisionOrder) -> SupervisionOrder:
    return (
        SupervisionOrder.objects.select_for_update()
        .select_related("responsible_unit")
        .get(pk=order.pk)
    )


@transaction.atomic
def order_cohandlers_add(*, user: User, order: SupervisionOrder, units: str) -> list[CoHandler]:
    """The office adds co-handling units (协办) to an order not yet answered."""
    order = _locked(order)
    if not can(user, Action.ORDER_DECIDE, order):
        raise PermissionDenied(str(ERR_OFFICE_ONLY))
    if order.status not in UNDONE:
        raise InputError(str(ERR_ANSWERED), where="cohandlers")
    added = units_named(units, where="cohandlers")
    if not added:
        raise InputError(str(ERR_UNIT_MISSING), where="cohandlers")
    for unit in added:
        _require_office_over(user, unit, where="cohandlers")
        if unit.pk == order.responsible_unit_id:
            raise InputError(str(ERR_LEAD_COHANDLES) % {"unit": unit.name}, where="cohandlers")
    return [_cohandler_added(order, unit, user) for unit in added]


@transaction.atomic
def cohandler_feedback(
    *, user: User, cohandler: CoHandler, response: str, evidence: Sequence[EvidenceItem] = ()
) -> CoHandler:
    """A co-handling unit gives its own feedback (协办反馈), with evidence, while the lead
    has not answered; giving it again replaces the text (both stay in the history)."""
    order = _locked(cohandler.order)
    cohandler = CoHandler.objects.select_for_update().select_related("unit").get(pk=cohandler.pk)
    if not can(user, Action.REPORT_ENTER, cohandler):
        raise PermissionDenied(str(ERR_NOT_COHANDLER))
    if order.status not in UNDONE:
        raise InputError(str(ERR_LEAD_ANSWERED), where="cohandler_response")
    text = response.strip()
    if not text:
        raise InputError(str(ERR_TEXT), where="cohandler_response")
    evidence_check(evidence)
    cohandler.response = text
    cohandler.responded_at = timezone.now()
    cohandler.responded_by = signed_in(user)
    cohandler.save(update_fields=["response", "responded_at", "responded_by"])
    event = order_event_add(order, "co_feedback", user, f"{cohandler.unit.name}：{text}")
    evidence_store(order=order, event=event, unit=cohandler.unit, user=user, items=evidence)
    return cohandler


# Interim feedback ---------------------------------------------------------------------------


@transaction.atomic
def order_interim_feedback(
    *, user: User, order: SupervisionOrder, text: str, evidence: Sequence[EvidenceItem] = ()
) -> SupervisionOrder:
    """The lead unit reports progress (阶段性反馈) on an order it has signed for: any number
    of times before its feedback, each stamped in the history; the status stays 办理."""
    order = _locked(order)
    if not can(user, Action.REPORT_ENTER, order):
        raise PermissionDenied(str(ERR_NOT_RESPONSIBLE))
    if order.status == OrderStatus.ASSIGNED:
        raise InputError(str(ERR_SIGN_FIRST), where="interim")
    if order.status not in UNDONE:
        raise InputError(str(ERR_ANSWERED), where="interim")
    note = text.strip()
    if not note:
        raise InputError(str(ERR_TEXT), where="interim")
    evidence_check(evidence)
    if order.status == OrderStatus.SIGNED:
        order_set_status(order=order, new=OrderStatus.IN_PROGRESS, actor=user, action="start")
    event = order_event_add(order, "interim", user, note)
    evidence_store(order=order, event=event, unit=order.responsible_unit, user=user, items=evidence)
    return order


# Reassignment (改派) -----------------------------------------------------------------------


@transaction.atomic
def order_reassign(
    *, user: User, order: SupervisionOrder, unit: str, reason: str
) -> SupervisionOrder:
    """The office reassigns an order not yet answered to another unit, with the reason: it
    goes back to 立项交办 for the new unit (the old unit's draft response is dropped)."""
    order = _locked(order)
    if not can(user, Action.ORDER_DECIDE, order):
        raise PermissionDenied(str(ERR_OFFICE_ONLY))
    if order.status not in UNDONE:
        raise InputError(str(ERR_NOT_UNDONE), where="new_unit")
    new = unit_named(unit, where="new_unit")
    _require_office_over(user, new, where="new_unit")
    if new.pk == order.responsible_unit_id:
        raise InputError(str(ERR_SAME_UNIT) % {"unit": new.name}, where="new_unit")
    if order.cohandlers.filter(unit=new).exists():
        raise InputError(str(ERR_ALREADY_COHANDLES) % {"unit": new.name}, where="new_unit")
    if not reason.strip():
        raise InputError(str(ERR_REASON), where="reassign_reason")
    old = order.responsible_unit
    order.responsible_unit = new
    order.response = ""
    order.signed_at = order.started_at = None
    order.signed_by = order.started_by = None
    also = ["responsible_unit", "response", "signed_at", "signed_by", "started_at", "started_by"]
    note = f"{old.name} → {new.name}：{reason.strip()}"
    if order.status == OrderStatus.ASSIGNED:
        order.save(update_fields=also)
        order_event_add(order, "reassign", user, note)
    else:
        order_set_status(
            order=order,
            new=OrderStatus.ASSIGNED,
            actor=user,
            action="reassign",
            note=note,
            also=also,
        )
    notice_send(order=order, units=[new, old], subject=REASSIGNED, note=reason.strip())
    return order
