"""Supervision pages beyond the rules: raising an order by hand (新建督办), the order
page's parts for co-handling, extensions, reassignment, interim feedback and evidence,
and the downloads of source documents and evidence files.

Who reads an order: whoever may read its lead unit's reports, and the users of a
co-handling unit (through `order_readable`). Every write goes through a service that
checks the caller again.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.uploads import attachment_response
from eduplan.org.access import (
    Action,
    User,
    can,
    granted_actions,
    my_scope,
    requires_in_request,
    scope_of,
)
from eduplan.org.models import OrgUnit, UnitType
from eduplan.supervision.evidence import EvidenceItem
from eduplan.supervision.extensions import extension_approve, extension_refuse, extension_request
from eduplan.supervision.handling import (
    OrderDraft,
    cohandler_feedback,
    order_cohandlers_add,
    order_interim_feedback,
    order_raise,
    order_reassign,
)
from eduplan.supervision.models import (
    UNDONE,
    CoHandler,
    ExtensionState,
    OrderEvidence,
    OrderSource,
    OrderStatus,
    SupervisionOrder,
)
from eduplan.supervision.selectors import (
    order_cohandlers,
    order_evidence,
    order_extensions,
    order_for_page,
)

ERR_DATE = gettext_lazy("Enter the date as YYYY-MM-DD.")


# Who reads an order ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadableOrder:
    """An order as the reader reaches it: through its lead unit, or a unit co-handling it."""

    order: SupervisionOrder
    scope_unit: OrgUnit


def order_reached(user: User, order: SupervisionOrder) -> ReadableOrder:
    """The order through the first of its units the user may read (the lead unit when
    none is: the access check then refuses)."""
    if not can(user, Action.REPORT_VIEW, order):
        for row in order.cohandlers.select_related("unit"):
            if can(user, Action.REPORT_VIEW, row.unit):
                return ReadableOrder(order, row.unit)
    return ReadableOrder(order, order.responsible_unit)


def order_readable(request: HttpRequest, pk: int) -> ReadableOrder:
    """Loader for an order's page (404 for an unknown order)."""
    try:
        return order_reached(request.user, order_for_page(pk=pk))
    except SupervisionOrder.DoesNotExist:
        raise Http404 from None


# The order page's actions ------------------------------------------------------------------


def evidence_from(request: HttpRequest) -> list[EvidenceItem]:
    """The files and links posted with a feedback: files in `evidence_files` (sharing the
    note `evidence_note`), links one a line in `evidence_links` ("address note")."""
    note = request.POST.get("evidence_note", "")
    items = [EvidenceItem(upload=f, note=note) for f in request.FILES.getlist("evidence_files")]
    for line in request.POST.get("evidence_links", "").splitlines():
        if line.strip():
            url, _space, rest = line.strip().partition(" ")
            items.append(EvidenceItem(url=url, note=rest.strip() or note))
    return items


def date_posted(request: HttpRequest, name: str) -> datetime.date | None:
    text = request.POST.get(name, "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(str(ERR_DATE), where=name) from None


def _cohandler_answer(request: HttpRequest, order: SupervisionOrder) -> SupervisionOrder:
    row = CoHandler.objects.filter(order=order, pk=request.POST.get("cohandler", "0") or 0).first()
    if row is None:
        raise Http404
    cohandler_feedback(
        user=request.user,
        cohandler=row,
        response=request.POST.get("cohandler_response", ""),
        evidence=evidence_from(request),
    )
    return order


def _call(service: Callable[..., Any], **fields: str) -> Callable[..., SupervisionOrder]:
    """An action calling `service(user=…, order=…, name=POST[field] …)`."""

    def act(request: HttpRequest, order: SupervisionOrder) -> SupervisionOrder:
        values = {name: request.POST.get(posted, "") for name, posted in fields.items()}
        service(user=request.user, order=order, **values)
        return order

    return act


def _ask_extension(request: HttpRequest, order: SupervisionOrder) -> SupervisionOrder:
    extension_request(
        user=request.user,
        order=order,
        new_due_on=date_posted(request, "new_due_on"),
        reason=request.POST.get("extension_reason", ""),
    )
    return order


def _interim(request: HttpRequest, order: SupervisionOrder) -> SupervisionOrder:
    return order_interim_feedback(
        user=request.user,
        order=order,
        text=request.POST.get("interim", ""),
        evidence=evidence_from(request),
    )


HANDLING_ACTIONS: dict[str, Callable[[HttpRequest, SupervisionOrder], SupervisionOrder]] = {
    "interim": _interim,
    "co_feedback": _cohandler_answer,
    "extend_ask": _ask_extension,
    "extend_approve": _call(extension_approve, note="decision_note"),
    "extend_refuse": _call(extension_refuse, reason="decision_note"),
    "reassign": _call(order_reassign, unit="new_unit", reason="reassign_reason"),
    "cohandle": _call(order_cohandlers_add, units="cohandlers"),
}
HANDLING_DONE = {
    "interim": gettext_lazy("Interim feedback recorded"),
    "co_feedback": gettext_lazy("Your unit's feedback recorded"),
    "extend_ask": gettext_lazy("Extension requested"),
    "extend_approve": gettext_lazy("Extension approved"),
    "extend_refuse": gettext_lazy("Extension refused"),
    "reassign": gettext_lazy("Order reassigned"),
    "cohandle": gettext_lazy("Co-handling units added"),
}
EVENT_LABELS = {
    "interim": gettext_lazy("gave interim feedback"),
    "co_feedback": gettext_lazy("gave a co-handling unit's feedback"),
    "cohandle": gettext_lazy("added a co-handling unit"),
    "reassign": gettext_lazy("reassigned the order"),
    "extend_ask": gettext_lazy("asked for an extension"),
    "extend_approve": gettext_lazy("approved the extension"),
    "extend_refuse": gettext_lazy("refused the extension"),
}


def unit_choices(user: User) -> list[OrgUnit]:
    """Departments and districts the office may assign to (the form's suggestions)."""
    scope = scope_of(user)
    if scope is None:
        return []
    return list(
        OrgUnit.objects.filter(
            path__startswith=scope.path, type__in=(UnitType.DEPARTMENT, UnitType.DISTRICT)
        ).order_by("type", "path")
    )


def handling_context(
    request: HttpRequest, order: SupervisionOrder, *, may_answer: bool, may_supervise: bool
) -> dict[str, Any]:
    """What the order page shows of co-handling, extensions, evidence and reassignment."""
    user = request.user
    cohandlers = order_cohandlers(order=order)
    undone = order.status in UNDONE
    extensions = order_extensions(order=order)
    pending = next((e for e in extensions if e.state == ExtensionState.PENDING), None)
    evidence: dict[int | None, list[OrderEvidence]] = {}
    for row in order_evidence(order=order):
        evidence.setdefault(row.event_id, []).append(row)
    return {
        "cohandlers": [
            {"row": c, "may_answer": undone and can(user, Action.REPORT_ENTER, c)}
            for c in cohandlers
        ],
        "cohandlers_waiting": [c.unit.name for c in cohandlers if c.responded_at is None],
        "evidence_by_event": evidence,
        "extensions": extensions,
        "pending_extension": pending,
        "may_interim": may_answer and order.status in (OrderStatus.SIGNED, OrderStatus.IN_PROGRESS),
        "may_ask_extension": may_answer and undone and pending is None,
        "may_decide_extension": may_supervise and pending is not None,
        "may_reassign": may_supervise and undone,
        "unit_choices": unit_choices(user) if may_supervise and undone else [],
        "upload_max": settings.EDUPLAN_UPLOAD_MAX_BYTES,
    }


# Raising an order by hand (新建督办) --------------------------------------------------------


class OrderRaiseForm(forms.Form):
    """The office's form; the service checks what is required, so its messages name the
    field (the form only reads dates and files)."""

    token = forms.CharField(widget=forms.HiddenInput)
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        choices=[("", "---------"), *OrderSource.choices],
        required=False,
    )
    source_title = forms.CharField(
        label=gettext_lazy("Source document"), max_length=300, required=False
    )
    source_number = forms.CharField(
        label=gettext_lazy("Document number"), max_length=100, required=False
    )
    source_date = forms.DateField(
        label=gettext_lazy("Document date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source_file = forms.FileField(label=gettext_lazy("Source file"), required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    asked = forms.CharField(
        label=gettext_lazy("What is asked"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    unit = forms.CharField(
        label=gettext_lazy("Lead unit (主办)"),
        required=False,
        help_text=gettext_lazy("A unit's code or name."),
        widget=forms.TextInput(attrs={"list": "unit-choices"}),
    )
    cohandlers = forms.CharField(
        label=gettext_lazy("Co-handling units (协办)"),
        required=False,
        help_text=gettext_lazy("Codes or names, separated by commas; may be left empty."),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Respond by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _draft(form: OrderRaiseForm) -> OrderDraft:
    data = form.cleaned_data
    return OrderDraft(
        source=data["source"],
        source_title=data["source_title"],
        source_number=data["source_number"],
        source_date=data["source_date"],
        source_file=data["source_file"],
        title=data["title"],
        asked=data["asked"],
        unit=data["unit"],
        cohandlers=data["cohandlers"],
        due_on=data["due_on"],
    )


@requires_in_request(Action.ORDER_DECIDE, load=my_scope)
def order_new(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    if request.method == "POST":
        form = OrderRaiseForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                order = order_raise(
                    user=request.user, draft=_draft(form), token=form.cleaned_data["token"]
                )
            except InputError as exc:
                form.add_error(exc.where if exc.where in form.fields else None, exc.message)
            else:
                messages.success(request, str(gettext_lazy("Supervision order raised")))
                return redirect("supervision:order_detail", pk=order.pk)
    else:
        form = OrderRaiseForm(initial={"token": uuid.uuid4().hex})
    return render(
        request,
        "supervision/order_new.html",
        {
            "tab": "new",
            "show_board": Action.BOARD_VIEW in granted_actions(request.user),
            "may_raise": True,
            "form": form,
            "unit_choices": unit_choices(request.user),
        },
    )


# Downloads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFile:
    evidence: OrderEvidence
    scope_unit: OrgUnit


def _evidence(request: HttpRequest, pk: int) -> EvidenceFile:
    row = get_object_or_404(
        OrderEvidence.objects.select_related("order__responsible_unit").exclude(file=""), pk=pk
    )
    return EvidenceFile(row, order_reached(request.user, row.order).scope_unit)


def _file_response(file: Any, name: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return attachment_response(handle, name)


@requires_in_request(Action.REPORT_VIEW, load=_evidence)
def evidence_download(request: HttpRequest, target: EvidenceFile) -> FileResponse:
    return _file_response(target.evidence.file, target.evidence.name)


@requires_in_request(Action.REPORT_VIEW, load=order_readable)
def source_download(request: HttpRequest, target: ReadableOrder) -> FileResponse:
    if not target.order.source_file:
        raise Http404
    name = (target.order.source_file.name or "source").rsplit("/", 1)[-1]
    return _file_response(target.order.source_file, name)
