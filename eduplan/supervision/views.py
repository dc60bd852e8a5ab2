"""Supervision pages: my orders, an order (sign, respond, feedback; review, close, send
back), the supervision office's board, and the inbox.

Views are thin: load, check, call a service, render. Every write goes through
supervision.services, which checks the caller's right again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.tables import table_export
from eduplan.org.access import (
    Action,
    SignedInUser,
    granted_actions,
    my_scope,
    requires_in_request,
    signed_in,
)
from eduplan.org.models import OrgUnit
from eduplan.supervision.models import (
    UNDONE,
    Colour,
    OrderStatus,
    Rule,
    SupervisionOrder,
)
from eduplan.supervision.selectors import (
    OPEN_FILTER,
    ColouredOrder,
    assigned_at,
    board_counts,
    board_orders,
    colour_now,
    colour_spans,
    colour_years,
    inbox_for,
    inbox_table,
    order_colour_history,
    order_events,
    order_for_page,
    orders_for,
    orders_table,
)
from eduplan.supervision.services import (
    inbox_mark_all_read,
    inbox_message_mark_read,
    order_close,
    order_feedback,
    order_may_answer,
    order_may_supervise,
    order_response_save,
    order_review,
    order_send_back,
    order_sign,
)
from eduplan.supervision.views_handling import (
    EVENT_LABELS as HANDLING_EVENT_LABELS,
)
from eduplan.supervision.views_handling import (
    HANDLING_ACTIONS,
    HANDLING_DONE,
    ReadableOrder,
    evidence_from,
    handling_context,
    order_readable,
)

PER_PAGE = 50
REVIEWABLE = frozenset({OrderStatus.RESPONDED, OrderStatus.REVIEWING})
ERR_DATE = gettext_lazy("Enter the date as YYYY-MM-DD.")

EVENT_LABELS = {
    "assign": gettext_lazy("raised and assigned the order"),
    "sign": gettext_lazy("signed for the order"),
    "start": gettext_lazy("started handling the order"),
    "save": gettext_lazy("saved the response"),
    "feedback": gettext_lazy("submitted feedback"),
    "review": gettext_lazy("took the feedback into review"),
    "close": gettext_lazy("closed the order"),
    "send_back": gettext_lazy("sent the order back"),
    "remind": gettext_lazy("sent a reminder"),
    "escalate": gettext_lazy("escalated the order to the supervision office and leaders"),
    **HANDLING_EVENT_LABELS,
}


# Access ------------------------------------------------------------------------------


def _nav(request: HttpRequest, tab: str) -> dict[str, Any]:
    actions = granted_actions(request.user)
    return {
        "tab": tab,
        "show_board": Action.BOARD_VIEW in actions,
        "may_raise": Action.ORDER_DECIDE in actions,
    }


def _query(request: HttpRequest, **changes: str) -> str:
    params = {k: v for k, v in request.GET.items() if k != "page"}
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v})


# Lists -------------------------------------------------------------------------------


def _rows(orders: Iterable[ColouredOrder], *, may_supervise: bool = False) -> list[dict[str, Any]]:
    """Orders annotated with `colour` (selectors), with the colour's label and whether
    the office may close or send back the order from the list."""
    rows = []
    for order in orders:
        colour = Colour(order.colour)
        rows.append(
            {
                "order": order,
                "colour": colour.value,
                "colour_label": colour.label,
                "may_close": may_supervise and order.status in REVIEWABLE,
            }
        )
    return rows


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def my_orders(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    include_closed = request.GET.get("closed") == "1"
    today = timezone.localdate()
    qs = orders_for(user=request.user, day=today, include_closed=include_closed)
    # The workbook holds every order the filter shows, not one screen of them.
    exported = table_export(
        request, lambda: [orders_table(qs, title=_("Supervision orders for your unit"))]
    )
    if exported is not None:
        return exported
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/my_orders.html",
        {
            **_nav(request, "mine"),
            "rows": _rows(page.object_list),
            "page": page,
            "include_closed": include_closed,
            "today": today,
        },
    )


@requires_in_request(Action.BOARD_VIEW, load=my_scope)
def board(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    today = timezone.localdate()
    colour = request.GET.get("colour", "")
    status = request.GET.get("status", OPEN_FILTER)
    rule = request.GET.get("rule", "")
    qs = board_orders(user=request.user, day=today, colour=colour, status=status, rule=rule)
    exported = table_export(request, [orders_table(qs, title=_("Supervision orders"))])
    if exported is not None:
        return exported
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/board.html",
        {
            **_nav(request, "board"),
            "rows": _rows(
                page.object_list,
                may_supervise=Action.ORDER_DECIDE in granted_actions(request.user),
            ),
            "board": True,
            "page": page,
            "counts": _counts(request, today),
            "colour": colour,
            "status": status,
            "rule": rule,
            "colours": Colour.choices,
            "statuses": OrderStatus.choices,
            "rules": Rule.choices,
            "open_filter": OPEN_FILTER,
            "today": today,
        },
    )


def _counts(request: HttpRequest, today: datetime.date) -> list[tuple[str, str, int]]:
    counts = board_counts(user=request.user, day=today)
    return [(c.value, str(c.label), counts[c.value]) for c in Colour]


# One order ---------------------------------------------------------------------------


def _parse_date(text: str) -> datetime.date | None:
    if not text.strip():
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(str(ERR_DATE), where="due_on") from None


POST_ACTIONS: dict[str, Callable[[HttpRequest, SupervisionOrder], SupervisionOrder]] = {
    "sign": lambda r, o: order_sign(user=r.user, order=o),
    "save": lambda r, o: order_response_save(
        user=r.user, order=o, response=r.POST.get("response", "")
    ),
    "feedback": lambda r, o: order_feedback(
        user=r.user, order=o, response=r.POST.get("response", ""), evidence=evidence_from(r)
    ),
    "review": lambda r, o: order_review(user=r.user, order=o, note=r.POST.get("note", "")),
    "close": lambda r, o: order_close(user=r.user, order=o, note=r.POST.get("note", "")),
    "send_back": lambda r, o: order_send_back(
        user=r.user,
        order=o,
        reason=r.POST.get("reason", ""),
        due_on=_parse_date(r.POST.get("due_on", "")),
    ),
    **HANDLING_ACTIONS,
}
DONE_MESSAGES = {
    "sign": gettext_lazy("Order signed for"),
    "save": gettext_lazy("Response saved"),
    "feedback": gettext_lazy("Feedback submitted"),
    "review": gettext_lazy("Feedback taken into review"),
    "close": gettext_lazy("Order closed"),
    "send_back": gettext_lazy("Order sent back"),
    **HANDLING_DONE,
}


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime.datetime | None
    by: SignedInUser | None
    day_only: bool = False  # a rules run as of an earlier day: the day, no time


def _steps(order: SupervisionOrder) -> list[Step]:
    return [
        Step(
            _("Assignment"),
            assigned_at(order),
            None,
            day_only=timezone.localdate(order.created_at) != order.assigned_on,
        ),
        Step(_("Signature"), order.signed_at, order.signed_by),
        Step(_("Handling"), order.started_at, order.started_by),
        Step(_("Feedback"), order.responded_at, order.responded_by),
        Step(_("Office review"), order.reviewed_at, order.reviewed_by),
        Step(_("Closing"), order.closed_at, order.closed_by),
    ]


@requires_in_request(Action.REPORT_VIEW, load=order_readable)
def order_detail(request: HttpRequest, target: ReadableOrder) -> HttpResponse:
    order = target.order
    error: InputError | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        handler = POST_ACTIONS.get(action)
        if handler is None:
            return HttpResponseBadRequest()
        try:
            handler(request, order)
        except InputError as exc:
            error = exc
            order = order_for_page(pk=order.pk)
        else:
            messages.success(request, str(DONE_MESSAGES[action]))
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(back)
            return redirect("supervision:order_detail", pk=order.pk)
    return render(request, "supervision/order_detail.html", _detail(request, order, error))


def _detail(
    request: HttpRequest, order: SupervisionOrder, error: InputError | None
) -> dict[str, Any]:
    """The order page: its steps, history (with evidence), colours and the actions the
    user may take."""
    may_answer = order_may_answer(user=request.user, order=order)
    may_supervise = order_may_supervise(user=request.user, order=order)
    handling = handling_context(request, order, may_answer=may_answer, may_supervise=may_supervise)
    evidence = handling["evidence_by_event"]
    history = order_colour_history(order=order)
    return {
        **_nav(request, "order"),
        **handling,
        "order": order,
        "colour": colour_now(order=order),
        "steps": _steps(order),
        "events": [
            {
                "event": e,
                "label": EVENT_LABELS.get(e.action, e.action),
                "actor": (e.actor.get_full_name() or e.actor.get_username())
                if e.actor
                else _("System"),
                "evidence": evidence.get(e.pk, []),
            }
            for e in reversed(order_events(order=order))
        ],
        "colour_spans": colour_spans(history),
        "colour_years": colour_years(history),
        "may_sign": may_answer and order.status == OrderStatus.ASSIGNED,
        "may_respond": may_answer and order.status in (OrderStatus.SIGNED, OrderStatus.IN_PROGRESS),
        "may_review": may_supervise and order.status == OrderStatus.RESPONDED,
        "may_close": may_supervise and order.status in REVIEWABLE,
        "may_send_back": may_supervise and order.status in REVIEWABLE,
        "undone": order.status in UNDONE,
        "error": error,
        "posted": request.POST if error else {},
    }


# Inbox -------------------------------------------------------------------------------


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def inbox(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "read_all":
            inbox_mark_all_read(user=signed_in(request.user))
        elif action == "read":
            try:
                message_id = int(request.POST.get("message", ""))
            except ValueError:
                return HttpResponseBadRequest()
            if not inbox_message_mark_read(user=signed_in(request.user), message_id=message_id):
                raise Http404
        else:
            return HttpResponseBadRequest()
        return redirect(f"{request.path}?{_query(request)}" if request.GET else request.path)
    unread_only = request.GET.get("unread") == "1"
    messages_shown = inbox_for(user=signed_in(request.user), unread_only=unread_only)
    # The workbook holds every message the filter shows, not one screen of them.
    exported = table_export(request, lambda: [inbox_table(messages_shown, title=_("Inbox"))])
    if exported is not None:
        return exported
    page = Paginator(messages_shown, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inbox.html",
        {
            **_nav(request, "inbox"),
            "inbox_messages": list(page.object_list),
            "page": page,
            "unread_only": unread_only,
        },
    )
