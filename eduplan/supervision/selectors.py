"""Reads in supervision: an order's colour on any date, its history, the orders a user
answers for, the supervision office's board, and the inbox.

Colours (DOMAIN.md "How bureaus supervise"), for an order not yet answered:
blue within EDUPLAN_SUPERVISION_BLUE_DAYS of its deadline; yellow once it is behind
schedule (not signed for within EDUPLAN_SUPERVISION_SIGN_DAYS) or past its deadline; red
when still undone more than EDUPLAN_SUPERVISION_RED_DAYS after the deadline. An order
answered by its deadline is green; one answered after it stays yellow (answered late),
never green. `colour_for` is the one rule: the board, the lists and their workbooks
(`colour_annotation`, the same rule as database expressions), the order page and the
monthly history all read it. The history stops at the month the order was answered; a
red month caught up shows yellow.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias, TypedDict

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_stubs_ext import WithAnnotations

from eduplan.core.tables import Table
from eduplan.org.access import Action, SignedInUser, User, can, membership_of, scope_of
from eduplan.org.models import Role
from eduplan.supervision.models import (
    ANSWERED,
    SEVERITY,
    CoHandler,
    Colour,
    ExtensionRequest,
    InboxMessage,
    OrderColour,
    OrderEvent,
    OrderEvidence,
    OrderStatus,
    Rule,
    SupervisionOrder,
)

DAY = datetime.timedelta(days=1)


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, name)))


def colour_for(
    *,
    status: str,
    assigned_on: datetime.date,
    due_on: datetime.date,
    day: datetime.date,
    answered_on: datetime.date | None = None,
) -> Colour:
    """The colour of an order in `status` with deadline `due_on`, on `day`; an answered
    order's colour depends on the day it was answered (`answered_on`)."""
    if status in ANSWERED:
        late = answered_on is not None and answered_on > due_on
        return Colour.YELLOW if late else Colour.GREEN
    if day > due_on + _days("EDUPLAN_SUPERVISION_RED_DAYS"):
        return Colour.RED
    if day > due_on:
        return Colour.YELLOW
    if status == OrderStatus.ASSIGNED and day > assigned_on + _days(
        "EDUPLAN_SUPERVISION_SIGN_DAYS"
    ):
        return Colour.YELLOW  # behind schedule: not even signed for
    if day >= due_on - _days("EDUPLAN_SUPERVISION_BLUE_DAYS"):
        return Colour.BLUE
    return Colour.GREEN


def assigned_at(order: SupervisionOrder) -> datetime.datetime:
    """When the order was raised (立项交办), consistent with its 交办日期: its creation time
    when made on that day, else the start of that day (a rules run as of an earlier day)."""
    if timezone.localdate(order.created_at) == order.assigned_on:
        return order.created_at
    return timezone.make_aware(datetime.datetime.combine(order.assigned_on, datetime.time()))


def answered_day(order: SupervisionOrder) -> datetime.date | None:
    """The local day the order's feedback was given (None if never)."""
    return timezone.localdate(order.responded_at) if order.responded_at else None


def worst(colours: Iterable[Colour]) -> Colour:
    return max(colours, key=lambda c: SEVERITY[c], default=Colour.GREEN)


def colour_now(*, order: SupervisionOrder, day: datetime.date | None = None) -> Colour:
    """The order's colour today (or on `day`) from its current status and deadline."""
    return colour_for(
        status=order.status,
        assigned_on=order.assigned_on,
        due_on=order.due_on,
        day=day or timezone.localdate(),
        answered_on=answered_day(order),
    )


def colour_annotation(day: datetime.date) -> tuple[Case, Case]:
    """`colour_for` as database expressions (colour, severity), so lists filter and sort
    by colour without loading every order."""
    red, sign, blue = (
        _days("EDUPLAN_SUPERVISION_RED_DAYS"),
        _days("EDUPLAN_SUPERVISION_SIGN_DAYS"),
        _days("EDUPLAN_SUPERVISION_BLUE_DAYS"),
    )
    conditions = [
        (Q(status__in=ANSWERED, responded_at__date__gt=F("due_on")), Colour.YELLOW),
        (Q(status__in=ANSWERED), Colour.GREEN),
        (Q(due_on__lt=day - red), Colour.RED),
        (Q(due_on__lt=day), Colour.YELLOW),
        (Q(status=OrderStatus.ASSIGNED, assigned_on__lt=day - sign), Colour.YELLOW),
        (Q(due_on__lte=day + blue), Colour.BLUE),
    ]
    colour = Case(
        *[When(q, then=Value(c.value)) for q, c in conditions],
        default=Value(Colour.GREEN.value),
        output_field=CharField(),
    )
    severity = Case(
        *[When(q, then=Value(SEVERITY[c])) for q, c in conditions],
        default=Value(0),
        output_field=IntegerField(),
    )
    return colour, severity


# An order's status, deadline and the day it was answered (None while not answered).
State: TypeAlias = tuple[str, datetime.date, datetime.date | None]


@dataclass(frozen=True)
class Timeline:
    """An order's status, deadline and day answered (if it was) at the end of each day,
    from its events."""

    assigned_on: datetime.date
    first_due: datetime.date
    days: list[datetime.date]
    states: list[tuple[str, datetime.date, datetime.date | None]]

    def state_on(
        self, day: datetime.date
    ) -> tuple[str, datetime.date, datetime.date | None] | None:
        if day < self.assigned_on:
            return None
        i = bisect.bisect_right(self.days, day)
        return self.states[i - 1] if i else (OrderStatus.ASSIGNED, self.first_due, None)

    def colour_on(self, day: datetime.date) -> Colour | None:
        state = self.state_on(day)
        if state is None:
            return None
        status, due_on, answered_on = state
        return colour_for(
            status=status,
            assigned_on=self.assigned_on,
            due_on=due_on,
            day=day,
            answered_on=answered_on,
        )

    def answered_on(self, day: datetime.date) -> datetime.date | None:
        """The day the order was answered, if it stands answered on `day`."""
        state = self.state_on(day)
        return state[2] if state is not None and state[0] in ANSWERED else None


def order_timeline(
    *, order: SupervisionOrder, events: Iterable[OrderEvent] | None = None
) -> Timeline:
    """The order's day-by-day states (uses prefetched `events` when given)."""
    rows = sorted(order.events.all() if events is None else events, key=lambda e: (e.at, e.pk))
    days = [timezone.localdate(e.at) for e in rows]
    states: list[State] = []
    answered: datetime.date | None = None
    for day, e in zip(days, rows, strict=True):
        if e.status not in ANSWERED:
            answered = None
        elif answered is None:
            answered = day
        states.append((e.status, e.due_on, answered))
    return Timeline(
        assigned_on=order.assigned_on,
        first_due=rows[0].due_on if rows else order.due_on,
        days=days,
        states=states,
    )


def order_colour_on(
    *, order: SupervisionOrder, day: datetime.date, timeline: Timeline | None = None
) -> Colour | None:
    """The colour the order showed on any date, from its history (None before it was
    raised)."""
    return (timeline or order_timeline(order=order)).colour_on(day)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def monthly_colours(
    *, timeline: Timeline, until: datetime.date, since: datetime.date | None = None
) -> dict[datetime.date, Colour]:
    """The worst colour of each month from `since` (default: the month the order was
    raised) to `until`, or to the day it was answered if that came first (an answered
    order has no more months to colour); once answered, red months show yellow."""
    answered = timeline.answered_on(until)
    if answered is not None:
        until = max(min(until, answered), timeline.assigned_on)
    month = month_start(max(since or timeline.assigned_on, timeline.assigned_on))
    out: dict[datetime.date, Colour] = {}
    while month <= until:
        first = max(month, timeline.assigned_on)
        last = min(next_month(month) - DAY, until)
        span = (last - first).days + 1
        colour = worst(
            c
            for c in (timeline.colour_on(first + datetime.timedelta(days=i)) for i in range(span))
            if c is not None
        )
        out[month] = Colour.YELLOW if answered is not None and colour == Colour.RED else colour
        month = next_month(month)
    return out


@dataclass(frozen=True)
class ColourSpan:
    """Consecutive months of one colour in an order's history."""

    first: datetime.date
    last: datetime.date
    colour: Colour
    months: int

    @property
    def label(self) -> str:
        return str(self.colour.label)


@dataclass(frozen=True)
class ColourYear:
    """One year of an order's history: its twelve months, None where nothing is kept."""

    year: int
    months: list[tuple[datetime.date, Colour | None]]


def colour_spans(rows: Iterable[OrderColour]) -> list[ColourSpan]:
    """The monthly history as runs of one colour (2017-01 — 2017-03 red, 3 months)."""
    spans: list[ColourSpan] = []
    for row in rows:
        colour = Colour(row.colour)
        prev = spans[-1] if spans else None
        if prev and prev.colour == colour and next_month(prev.last) == row.month:
            spans[-1] = ColourSpan(prev.first, row.month, colour, prev.months + 1)
        else:
            spans.append(ColourSpan(row.month, row.month, colour, 1))
    return spans


def colour_years(rows: Iterable[OrderColour]) -> list[ColourYear]:
    """The monthly history as a year per row of twelve cells (a compact timeline)."""
    by_month = {row.month: Colour(row.colour) for row in rows}
    if not by_month:
        return []
    years = range(min(by_month).year, max(by_month).year + 1)
    return [
        ColourYear(
            year,
            [
                (datetime.date(year, m, 1), by_month.get(datetime.date(year, m, 1)))
                for m in range(1, 13)
            ],
        )
        for year in years
    ]


def order_colour_history(*, order: SupervisionOrder) -> list[OrderColour]:
    """The stored colour of each month, oldest first."""
    return list(OrderColour.objects.filter(order=order).order_by("month"))


# Lists ----------------------------------------------------------------------------------


class ColourAnnotations(TypedDict):
    colour: str
    severity: int


# An order with its colour and severity on a day, as `_with_colour` annotates it.
ColouredOrder: TypeAlias = "WithAnnotations[SupervisionOrder, ColourAnnotations]"


def _with_colour(
    qs: QuerySet[SupervisionOrder], day: datetime.date, colour: str = ""
) -> QuerySet[ColouredOrder]:
    """The orders with `colour` and `severity` for `day`, worst first, optionally only
    those of one colour."""
    colour_expr, severity = colour_annotation(day)
    annotated = qs.select_related("responsible_unit").annotate(
        colour=colour_expr, severity=severity
    )
    if colour in Colour.values:
        annotated = annotated.filter(colour=colour)
    return annotated.order_by("-severity", "due_on", "pk")


def orders_for(
    *, user: User, day: datetime.date | None = None, include_closed: bool = False
) -> QuerySet[ColouredOrder]:
    """Orders the user's unit answers for: department staff, their department's; others,
    those of units in their scope. Each carries `colour` and `severity` for `day`."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        qs = SupervisionOrder.objects.none()
    # Orders the unit co-handles (协办) are listed too.
    elif membership.role == Role.DEPARTMENT:
        cohandled = CoHandler.objects.filter(order=OuterRef("pk"), unit_id=membership.department_id)
        qs = SupervisionOrder.objects.filter(
            Q(responsible_unit_id=membership.department_id) | Exists(cohandled)
        )
    else:
        cohandled = CoHandler.objects.filter(
            order=OuterRef("pk"), unit__path__startswith=scope.path
        )
        qs = SupervisionOrder.objects.filter(
            Q(responsible_unit__path__startswith=scope.path) | Exists(cohandled)
        )
    if not include_closed:
        qs = qs.exclude(status=OrderStatus.CLOSED)
    return _with_colour(qs, day or timezone.localdate())


def orders_seen_by(user: User) -> str:
    """What decides which orders `orders_for` gives the user (their role and department,
    or their scope): users with the same see the same orders."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        return "none"
    if membership.role == Role.DEPARTMENT:
        return f"department:{membership.department_id}"
    return f"scope:{scope.path}"


BOARD_ROLES = frozenset({Role.SUPERVISION, Role.LEADER})
OPEN_FILTER = "open"


def _board_base(*, user: User, status: str, rule: str) -> QuerySet[SupervisionOrder]:
    scope = scope_of(user)
    if scope is None or not can(user, Action.BOARD_VIEW, scope):
        return SupervisionOrder.objects.none()
    qs = SupervisionOrder.objects.filter(responsible_unit__path__startswith=scope.path)
    if status == OPEN_FILTER:
        qs = qs.exclude(status=OrderStatus.CLOSED)
    elif status in OrderStatus.values:
        qs = qs.filter(status=status)
    if rule in Rule.values:
        qs = qs.filter(rule=rule)
    return qs


def board_orders(
    *,
    user: User,
    day: datetime.date | None = None,
    colour: str = "",
    status: str = OPEN_FILTER,
    rule: str = "",
) -> QuerySet[ColouredOrder]:
    """Every order in the scope of a supervision office user or leader, filtered by
    colour, status ("open": all but closed; anything else unknown: all) and rule, worst
    colour first."""
    base = _board_base(user=user, status=status, rule=rule)
    return _with_colour(base, day or timezone.localdate(), colour)


def board_counts(*, user: User, day: datetime.date | None = None) -> dict[str, int]:
    """Open orders on the user's board by colour (one query)."""
    colour, _severity = colour_annotation(day or timezone.localdate())
    rows = (
        _board_base(user=user, status=OPEN_FILTER, rule="")
        .annotate(colour=colour)
        .order_by()
        .values("colour")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Colour.values, 0)
    for row in rows:
        counts[row["colour"]] = row["n"]
    return counts


def order_events(*, order: SupervisionOrder) -> list[OrderEvent]:
    """The order's history, oldest first, with who acted."""
    return list(order.events.select_related("actor").order_by("at", "pk"))


def order_cohandlers(*, order: SupervisionOrder) -> list[CoHandler]:
    """The order's co-handling units (协办), in the order they were added."""
    return list(order.cohandlers.select_related("unit", "responded_by").order_by("added_at", "pk"))


def order_evidence(*, order: SupervisionOrder) -> list[OrderEvidence]:
    """Every file and link given with the order's feedback, oldest first."""
    return list(order.evidence.select_related("unit", "added_by").order_by("added_at", "pk"))


def order_extensions(*, order: SupervisionOrder) -> list[ExtensionRequest]:
    """The order's extension requests, oldest first, with who asked and decided."""
    return list(
        order.extensions.select_related("requested_by", "decided_by").order_by("requested_at", "pk")
    )


def order_for_page(*, pk: int) -> SupervisionOrder:
    """One order with what its page shows (raises DoesNotExist)."""
    return SupervisionOrder.objects.select_related(
        "responsible_unit",
        "signed_by",
        "started_by",
        "responded_by",
        "reviewed_by",
        "closed_by",
        "created_by",
    ).get(pk=pk)


# Inbox ----------------------------------------------------------------------------------


def inbox_for(*, user: SignedInUser, unread_only: bool = False) -> QuerySet[InboxMessage]:
    """The user's messages, newest first."""
    qs = InboxMessage.objects.filter(user=user).select_related("order")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def inbox_unread_count(*, user: SignedInUser) -> int:
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()


def inbox_table(messages: Iterable[InboxMessage], *, title: str) -> Table:
    """Inbox messages as a table of plain values, in the page's order (newest first)."""
    return Table(
        id="messages",
        title=title,
        # "Read" alone could be the verb: the context says it is the state (已读).
        header=[_("Title"), _("Received at"), _("Message"), pgettext("message state", "Read")],
        rows=[
            [m.subject, m.created_at, m.body, _("Yes") if m.read_at else _("No")] for m in messages
        ],
    )


def orders_table(orders: QuerySet[ColouredOrder], *, title: str) -> Table:
    """Orders (annotated with their colour) as a table of plain values, worst first."""
    return Table(
        id="orders",
        title=title,
        header=[
            _("Title"),
            _("Responsible unit"),
            _("Rule"),
            _("Status"),
            _("Colour"),
            _("Assigned on"),
            _("Respond by"),
        ],
        rows=[
            [
                o.title,
                o.responsible_unit.name,
                str(Rule(o.rule).label),
                str(OrderStatus(o.status).label),
                str(Colour(o.colour).label),
                o.assigned_on,
                o.due_on,
            ]
            for o in orders
        ],
    )
