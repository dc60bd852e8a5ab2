"""Reads in reporting: completeness and timeliness, what a unit has due, approval queues."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypedDict, TypeVar

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from eduplan.core.figure_reads import stored_by_path
from eduplan.core.numbers import number
from eduplan.core.periods import Period, PeriodType, period_containing, period_from_code
from eduplan.core.tables import Table
from eduplan.org.access import Action, User, can, membership_of, scope_of
from eduplan.org.models import OrgUnit, Role, UnitType
from eduplan.plans.models import Measure, Task
from eduplan.reporting.definitions import FormDefinition
from eduplan.reporting.metrics import DueAnnotation, done_reports, due_metrics
from eduplan.reporting.models import (
    DONE,
    ExpectedReport,
    Form,
    PeriodClosure,
    Status,
    Submission,
    SubmissionEvent,
    submissions_of_report_due,
)


@dataclass(frozen=True)
class Completeness:
    """Reporting rates for one form, period and subtree. A report counts as submitted
    once it is submitted or approved (a returned one does not), on time when it was
    first submitted by its due date."""

    expected: int
    submitted: int
    on_time: int
    approved: int

    @property
    def late(self) -> int:
        return self.submitted - self.on_time

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def rate(self) -> float | None:
        return None if self.expected == 0 else 100.0 * self.submitted / self.expected

    @property
    def timely_rate(self) -> float | None:
        return None if self.expected == 0 else 100.0 * self.on_time / self.expected


Due = list[tuple[Form, str]]  # (form, period code) pairs


def _pairs(due: Due) -> Q:
    found = Q(pk__in=[])
    for form, period_code in due:
        found |= Q(form=form, period=period_code)
    return found


def _expected(form: Form, period_code: str, unit: OrgUnit) -> QuerySet[ExpectedReport]:
    return _expected_in([(form, period_code)], unit)


def _expected_in(due: Due, unit: OrgUnit) -> QuerySet[ExpectedReport]:
    return ExpectedReport.objects.filter(_pairs(due), org_unit__path__startswith=unit.path)


def _done(
    form: Form, period_code: str, unit: OrgUnit
) -> QuerySet[WithAnnotations[Submission, DueAnnotation]]:
    return _done_in([(form, period_code)], unit)


def _done_in(due: Due, unit: OrgUnit) -> QuerySet[WithAnnotations[Submission, DueAnnotation]]:
    """Submitted or approved reports under `unit` that were expected, with their due
    date."""
    return done_reports(org_unit__path__startswith=unit.path).filter(_pairs(due))


COUNTS = {
    "submitted": Count("pk"),
    "approved": Count("pk", filter=Q(status=Status.APPROVED)),
    "on_time": Count("pk", filter=Q(first_submitted_at__date__lte=F("due"))),
}


def completeness(*, form: Form, period: str, unit: OrgUnit) -> Completeness:
    """Expected, submitted, on time, late, missing under `unit`, in two queries."""
    expected = _expected(form, period, unit).count()
    row = _done(form, period, unit).aggregate(**COUNTS)
    return Completeness(expected=expected, **row)


U = TypeVar("U")  # the unit: an OrgUnit, or a stand-in with its name and path


class CompletenessRow(TypedDict, Generic[U]):
    """A unit and its reporting: a row of the completeness tables and charts."""

    unit: U
    completeness: Completeness


def _by_child(rows: QuerySet[Any], unit: OrgUnit) -> QuerySet[Any]:
    """`rows` of the units below `unit`, grouped by the child of `unit` they are under
    (the path segment after its own), in SQL."""
    rest = Substr("org_unit__path", len(unit.path) + 1)
    grouped: QuerySet[Any] = (
        rows.exclude(org_unit=unit)
        .annotate(rest=rest)
        .annotate(child=Substr(F("rest"), 1, StrIndex(F("rest"), Value("/")) - 1))
        .order_by()
        .values("child")
    )
    return grouped


def completeness_by_child(
    *, form: Form, period: str, unit: OrgUnit
) -> list[CompletenessRow[OrgUnit]]:
    """One row per child unit of `unit` (e.g. per district) that has reports expected,
    in three grouped queries whatever the number of children and of their schools."""
    return _by_child_in([(form, period)], unit)


def _by_child_in(due: Due, unit: OrgUnit) -> list[CompletenessRow[OrgUnit]]:
    """`completeness_by_child` summed over several forms' periods, in the same three
    queries."""
    children = list(OrgUnit.objects.filter(parent=unit).order_by("type", "code"))
    expected = {
        r["child"]: r["n"] for r in _by_child(_expected_in(due, unit), unit).annotate(n=Count("pk"))
    }
    done = {r["child"]: r for r in _by_child(_done_in(due, unit), unit).annotate(**COUNTS)}
    return [
        {
            "unit": child,
            "completeness": Completeness(
                expected=expected[child.code],
                submitted=done.get(child.code, {}).get("submitted", 0),
                on_time=done.get(child.code, {}).get("on_time", 0),
                approved=done.get(child.code, {}).get("approved", 0),
            ),
        }
        for child in children
        if expected.get(child.code)
    ]


def forms_due_in(period: Period) -> list[tuple[Form, Period]]:
    """Each form with the latest period of its own type that ended within `period`."""
    out = []
    for form in Form.objects.order_by("code"):
        kind = PeriodType(form.period_type)
        own = period_containing(period.end, kind)
        if own.end > period.end:
            own = own.previous()
        out.append((form, own))
    return out


def completeness_due_in(*, period: Period, unit: OrgUnit) -> list[CompletenessRow[OrgUnit]]:
    """Every child of `unit` with its reporting over all forms due in `period` (each form's
    latest period ended by then), by path: read from the figures store (two roll-up reads
    a form), else counted from the reports in three queries whatever the number of
    forms."""
    due = [(form, own.code) for form, own in forms_due_in(period)]
    rows = _stored_by_child(due, unit)
    if rows is None:
        rows = _by_child_in(due, unit)
    return sorted(rows, key=lambda row: row["unit"].path)


def _stored_by_child(due: Due, unit: OrgUnit) -> list[CompletenessRow[OrgUnit]] | None:
    """`_by_child_in` from the figures store's roll-ups of each form's reports due and
    done by child of `unit`; None where the store cannot answer."""
    counts: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for form, period_code in due:
        expected, done = due_metrics(form)
        for m, first, second in ((expected, 0, 1), (done, 2, 3)):
            found = stored_by_path(m, [period_code], parent=unit.path)
            if found is None:
                return None
            for path, row in found.items():
                counts[path][first] += row["n"] or 0
                counts[path][second] += row["d"] or 0
    children = OrgUnit.objects.filter(parent=unit, path__in=list(counts)).order_by("type", "code")
    return [
        {
            "unit": child,
            "completeness": Completeness(
                expected=int(counts[child.path][0]),
                submitted=int(counts[child.path][1]),
                on_time=int(counts[child.path][2]),
                approved=int(counts[child.path][3]),
            ),
        }
        for child in children
        if counts[child.path][0]
    ]


def reports_due_for(*, user: User, period: str | None = None) -> QuerySet[ExpectedReport]:
    """What the user's unit (and units beneath, for a district) must report."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        return ExpectedReport.objects.none()
    if membership.role == Role.DEPARTMENT:
        units = Q(org_unit=membership.department)
    elif membership.role in (Role.SCHOOL_REPORTER, Role.DISTRICT_ADMIN):
        units = Q(org_unit__path__startswith=scope.path)
    else:
        return ExpectedReport.objects.none()
    qs = ExpectedReport.objects.filter(units).select_related("form", "org_unit")
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("due_on", "form__code", "org_unit__code")


def _submission_in(statuses: Iterable[str]) -> Exists:
    return Exists(submissions_of_report_due(statuses))


def reports_open_first(reports: QuerySet[ExpectedReport]) -> QuerySet[ExpectedReport]:
    """The reports with those still to submit first, soonest due first, then the rest,
    latest first (we never send a reporter scrolling past years of done reports)."""
    return reports.annotate(done=_submission_in(DONE)).order_by(
        "done",
        Case(When(done=False, then=F("due_on"))).asc(nulls_last=True),
        "-due_on",
        "form__code",
        "org_unit__code",
        "subject",
    )


def reports_open(reports: QuerySet[ExpectedReport]) -> QuerySet[ExpectedReport]:
    """Those of the reports their unit still has to submit: not submitted or approved,
    and either their period still open or the report returned to its unit."""
    closed = Exists(PeriodClosure.objects.filter(form=OuterRef("form"), period=OuterRef("period")))
    return reports.exclude(_submission_in(DONE)).exclude(
        closed & ~_submission_in([Status.RETURNED])
    )


@dataclass(frozen=True)
class OpenCounts:
    """How many reports are still to submit: due (not yet late), overdue, returned."""

    due: int
    overdue: int
    returned: int

    @property
    def total(self) -> int:
        return self.due + self.overdue + self.returned


def reports_open_counts(
    reports: QuerySet[ExpectedReport], *, today: datetime.date | None = None
) -> OpenCounts:
    """Counts of the reports still to submit (one query)."""
    today = today or timezone.localdate()
    returned = _submission_in([Status.RETURNED])
    row = (
        reports_open(reports)
        .order_by()
        .aggregate(
            returned=Count("pk", filter=Q(returned)),
            overdue=Count("pk", filter=~Q(returned) & Q(due_on__lt=today)),
            due=Count("pk", filter=~Q(returned) & Q(due_on__gte=today)),
        )
    )
    return OpenCounts(due=row["due"], overdue=row["overdue"], returned=row["returned"])


def reports_of_my_unit(*, user: User) -> QuerySet[ExpectedReport]:
    """The reports the user's own unit must make (a department's, a district's own, a
    school's), not those of the units beneath."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        return ExpectedReport.objects.none()
    if membership.role == Role.DEPARTMENT:
        unit = Q(org_unit_id=membership.department_id)
    elif membership.role in (Role.SCHOOL_REPORTER, Role.DISTRICT_ADMIN):
        unit = Q(org_unit=scope)
    else:
        return ExpectedReport.objects.none()
    return ExpectedReport.objects.filter(unit).select_related("form", "org_unit")


def approval_queue(*, user: User) -> list[Submission]:
    """Submitted reports the user may approve or return, oldest first."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        return []
    qs = Submission.objects.filter(
        status=Status.SUBMITTED, org_unit__path__startswith=scope.path
    ).select_related("form", "org_unit", "form__owner")
    if membership.role == Role.DISTRICT_ADMIN:
        qs = qs.filter(org_unit__depth__gt=scope.depth)
    elif membership.role == Role.DEPARTMENT:
        qs = qs.filter(form__owner=membership.department, org_unit__depth=1).exclude(
            org_unit__type=UnitType.DEPARTMENT
        )
    elif membership.role == Role.SUPERVISION:
        qs = qs.filter(Q(org_unit__type=UnitType.DEPARTMENT) | Q(org_unit__depth=1))
    else:
        return []
    # The same rule the services enforce, applied to what the database narrowed down.
    return [s for s in qs.order_by("submitted_at") if can(user, Action.REPORT_APPROVE, s)]


def approvals_table(*, queue: list[Submission], labels: dict[str, str], title: str) -> Table:
    """The approval queue (with its subjects' labels) as a table of plain values, in the
    page's order."""
    return Table(
        id="approvals",
        title=title,
        header=[_("Form"), _("Measure"), _("Period"), _("Unit"), _("Submitted at")],
        rows=[
            [
                s.form.name,
                labels.get(s.subject, s.subject),
                period_from_code(s.period).label,
                s.org_unit.name,
                s.submitted_at,
            ]
            for s in queue
        ],
    )


def subject_labels(subjects: Iterable[str]) -> dict[str, str]:
    """Readable names for subjects such as "measure:12" and "task:34" (a query for each
    kind present, none if no subjects)."""
    ids: dict[str, set[int]] = {"measure": set(), "task": set()}
    for subject in subjects:
        kind, _sep, pk = subject.partition(":")
        if kind in ids and pk.isdigit():
            ids[kind].add(int(pk))
    labels: dict[str, str] = {}
    if ids["measure"]:
        labels |= {
            f"measure:{pk}": f"{project}.{number} {text[:40]}"
            for pk, project, number, text in Measure.objects.filter(
                pk__in=ids["measure"]
            ).values_list("pk", "project__number", "number", "text")
        }
    if ids["task"]:
        labels |= {
            f"task:{task.pk}": f"{task.place} {task.title[:40]}"
            for task in Task.objects.filter(pk__in=ids["task"]).select_related(
                "measure__project", "work_point"
            )
        }
    return labels


def submissions_for_expected(
    expected: list[ExpectedReport],
) -> dict[tuple[int, str, int, str], Submission]:
    """The submissions matching a page of expected reports, keyed like them (one query)."""
    if not expected:
        return {}
    rows = Submission.objects.filter(
        form_id__in={e.form_id for e in expected},
        period__in={e.period for e in expected},
        org_unit_id__in={e.org_unit_id for e in expected},
    ).only("pk", "form_id", "period", "org_unit_id", "subject", "status", "returned_reason")
    return {(s.form_id, s.period, s.org_unit_id, s.subject): s for s in rows}


def periods_expected(form: Form) -> list[Period]:
    """The periods for which the form has expected reports, in order (one query)."""
    codes = ExpectedReport.objects.filter(form=form).values_list("period", flat=True).distinct()
    return sorted(period_from_code(c) for c in codes)


class HistoryEntry(TypedDict):
    """One step of a submission's audit trail, as its page lists it."""

    actor: str
    at: datetime.datetime
    action: str
    changes: list[dict[str, Any]]  # the event's changes, each with its element's name
    reason: str


def submission_history(submission: Submission, definition: FormDefinition) -> list[HistoryEntry]:
    """The submission's audit trail, newest first, with element names (one query)."""
    names = {e.code: e.name for e in definition.elements}
    events = SubmissionEvent.objects.filter(submission=submission).select_related("actor")
    return [
        {
            "actor": event.actor.get_full_name() or event.actor.get_username(),
            "at": event.at,
            "action": event.action,
            "changes": [
                {**c, "name": names.get(c.get("element", ""), c.get("element", ""))}
                for c in event.changes
            ],
            "reason": event.reason,
        }
        for event in events.order_by("-at", "-id")
    ]


def completeness_table(*, table_id: str, title: str, rows: Sequence[CompletenessRow[Any]]) -> Table:
    """Completeness rows (unit and its rates) as a table of plain values."""

    def rate(value: float | None) -> float | int | None:
        return number(value, 1)

    return Table(
        id=table_id,
        title=title,
        header=[
            _("Unit"),
            _("Expected"),
            _("Submitted"),
            _("Missing"),
            _("Late"),
            _("Completion (%)"),
            _("On time (%)"),
        ],
        rows=[
            [
                r["unit"].name,
                r["completeness"].expected,
                r["completeness"].submitted,
                r["completeness"].missing,
                r["completeness"].late,
                rate(r["completeness"].rate),
                rate(r["completeness"].timely_rate),
            ]
            for r in rows
        ],
    )


# The completeness table's columns one may sort by (`?sort=missing`, `?sort=-rate`).
CHILD_SORTS: dict[str, Callable[[CompletenessRow[OrgUnit]], Any]] = {
    "unit": lambda row: row["unit"].path,
    "expected": lambda row: row["completeness"].expected,
    "submitted": lambda row: row["completeness"].submitted,
    "on_time": lambda row: row["completeness"].on_time,
    "late": lambda row: row["completeness"].late,
    "missing": lambda row: row["completeness"].missing,
    # A unit with nothing expected has no rate: it sorts after every rate.
    "rate": lambda row: (row["completeness"].rate is None, row["completeness"].rate or 0.0),
    "approved": lambda row: row["completeness"].approved,
}


def completeness_rows_sorted(
    rows: list[CompletenessRow[OrgUnit]], sort: str
) -> list[CompletenessRow[OrgUnit]]:
    """The completeness rows in the order `sort` names (a leading "-": descending); an
    unknown name leaves them as given."""
    key = CHILD_SORTS.get(sort.removeprefix("-"))
    if key is None:
        return rows
    ordered = sorted(rows, key=lambda row: row["unit"].path)  # ties in the tree's order
    return sorted(ordered, key=key, reverse=sort.startswith("-"))
