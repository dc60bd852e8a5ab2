"""What the reporting pages show: the entry page's fields built from a form definition,
the values read back from a POST, why a POST was refused, and a row of 我的填报 (on the
page and in its workbook).

Nothing here validates a value: `values.parse_value` (called by the services) is the one
judge, so the web, a spreadsheet and the API refuse the same input with the same message.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eduplan.core.numbers import plain_number
from eduplan.core.periods import Period, period_from_code
from eduplan.core.tables import Table
from eduplan.reporting.definitions import ElementDef, FormDefinition
from eduplan.reporting.entry_window import STATE_LABELS, entry_state, periods_closed
from eduplan.reporting.models import DONE, ExpectedReport, Status, Submission
from eduplan.reporting.rules import RuleSyntaxError, rule_names
from eduplan.reporting.selectors import subject_labels, submissions_for_expected
from eduplan.reporting.services import FieldProblem
from eduplan.reporting.values import TEXT_LIMIT, decimals_of, display_value, upper_bound

# Input names carry a prefix so an element code never collides with the page's own fields
# (action, revision, comment …).
PREFIX = "v-"
KINDS = {
    "integer": "number",
    "number": "number",
    "percentage": "number",
    "boolean": "select",
    "choice": "select",
    "date": "date",
    "text": "textarea",
}


@dataclass
class EntryField:
    """One input on the entry page, with what to show in it and the problems beside it."""

    code: str
    name: str
    kind: str  # number, select, date, textarea
    value: str
    unit: str = ""
    help: str = ""
    required: bool = False
    step: str = ""
    min: str = ""
    max: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    maxlength: int = 0

    @property
    def input_name(self) -> str:
        return PREFIX + self.code

    @property
    def input_id(self) -> str:
        return f"id_{PREFIX}{self.code}"


def _step(element: ElementDef) -> str:
    """The input's step: the smallest change the element keeps (1, 0.01, 0.0001)."""
    return plain_number(Decimal(1).scaleb(-decimals_of(element)))


def _bound(value: float | None) -> str:
    return "" if value is None else plain_number(value)


def _options(element: ElementDef) -> list[tuple[str, str]]:
    if element.type == "boolean":
        # The stored words are 是/否 whatever the page's language (values.TRUE_WORDS).
        return [("", "—"), ("是", str(_("Yes"))), ("否", str(_("No")))]
    if element.type == "choice":
        return [("", "—"), *((c, c) for c in element.choices)]
    return []


def shown_values(
    definition: FormDefinition, stored: Mapping[str, tuple[Decimal | None, str]]
) -> dict[str, str]:
    """Stored values as the page shows them back (是/否, plain numbers, ISO dates)."""
    out = {}
    for element in definition.elements:
        number, text = stored.get(element.code, (None, ""))
        out[element.code] = display_value(element, number, text)
    return out


def posted_values(definition: FormDefinition, data: Mapping[str, str]) -> dict[str, str]:
    """What the person typed for each element the request sends: a field sent blank clears
    its value, a field not sent is left as stored (a scripted submit without values wipes
    nothing).

    Browsers send a textarea's line breaks as CRLF; they are stored as LF, as a
    spreadsheet or the API sends them, so the same text is not a change.
    """
    return {
        e.code: str(data[PREFIX + e.code]).replace("\r\n", "\n")
        for e in definition.elements
        if PREFIX + e.code in data
    }


def rule_fields(definition: FormDefinition) -> dict[str, list[str]]:
    """The element codes each rule reads, so a broken rule marks the fields it names."""
    out: dict[str, list[str]] = {}
    for rule in definition.rules:
        try:
            names = rule_names(rule.left) | rule_names(rule.right)
        except RuleSyntaxError:  # checked when the form was loaded; never here in practice
            names = set()
        out[rule.code] = [e.code for e in definition.elements if e.code in names]
    return out


@dataclass
class ProblemSummary:
    """Problems sorted for the page: beside their fields, and listed at the top."""

    # (field name or "" for a rule, message)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    comment_error: str = ""


def entry_fields(
    definition: FormDefinition,
    *,
    shown: Mapping[str, str],
    problems: list[FieldProblem],
) -> tuple[list[EntryField], ProblemSummary]:
    """One field per element, in the definition's order, with its problems attached."""
    by_rule = rule_fields(definition)
    names = {e.code: e.name for e in definition.elements}
    fields = {
        e.code: EntryField(
            code=e.code,
            name=e.name,
            kind=KINDS.get(e.type, "text"),
            value=shown.get(e.code, ""),
            unit=e.unit,
            help=e.help,
            required=e.required,
            step=_step(e) if e.numeric else "",
            min=_bound(e.min) if e.numeric else "",
            max=_bound(upper_bound(e)) if e.numeric else "",
            options=_options(e),
            maxlength=TEXT_LIMIT if e.type == "text" else 0,
        )
        for e in definition.elements
    }
    summary = ProblemSummary()
    for problem in problems:
        warning = problem.severity == "warning"
        if problem.element == "comment":
            summary.comment_error = problem.message
            continue
        if problem.element in fields:
            target = fields[problem.element]
            (target.warnings if warning else target.errors).append(problem.message)
            line = (names[problem.element], problem.message)
        else:
            for code in by_rule.get(problem.element, []):
                target = fields[code]
                (target.warnings if warning else target.errors).append(problem.message)
            line = ("", problem.message)
        (summary.warnings if warning else summary.errors).append(line)
    return list(fields.values()), summary


# What each event of the audit trail says, as a verb phrase after the person's name.
HISTORY_ACTIONS = {
    "create": _("created the report"),
    "save": _("saved the draft"),
    "submit": _("submitted the report"),
    "approve": _("approved the report"),
    "return": _("returned the report"),
    "reopen": _("reopened the report"),
    "attach": _("added an evidence file"),
}


@dataclass
class Refusal:
    """Why a POST on the entry page was refused, to show it on the page again."""

    problems: list[FieldProblem] = field(default_factory=list)
    alert: str = ""
    conflict: str = ""
    reason_error: str = ""
    file_error: str = ""
    posted: dict[str, str] | None = None  # what was typed, when none of it was stored
    revision: int | None = None  # the revision the person was editing
    comment: str = ""
    reason: str = ""


def status_label(status: str) -> str:
    """A submission's status as the page says it; "none" when nothing is saved yet."""
    return str(Status(status).label) if status in Status.values else gettext("Not started")


@dataclass
class ReportRow:
    """One expected report with its submission (if any), as the lists show it."""

    expected: ExpectedReport
    submission: Submission | None
    subject_label: str
    url: str
    today: datetime.date

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else "none"

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    closed_on: datetime.date | None = None  # the day its period closed for entry

    @property
    def overdue(self) -> bool:
        return self.status not in DONE and self.expected.due_on < self.today

    @property
    def entry_state(self) -> str:
        return entry_state(due_on=self.expected.due_on, closed_on=self.closed_on, today=self.today)

    @property
    def entry_state_label(self) -> str:
        return str(STATE_LABELS[self.entry_state])

    @property
    def may_fill(self) -> bool:
        """Whether its unit may still change it: not submitted, and its period open or
        the report sent back by an approver."""
        if self.status == Status.RETURNED:
            return True
        return self.status in ("none", Status.DRAFT) and self.closed_on is None


def report_rows(
    expected: list[ExpectedReport], *, url_of: Callable[[ExpectedReport], str]
) -> list[ReportRow]:
    """Expected reports with their submissions, subjects and periods' closing days, as
    the lists show them (at most three queries)."""
    submissions = submissions_for_expected(expected)
    labels = subject_labels(e.subject for e in expected)
    closed = periods_closed((e.form_id, e.period) for e in expected)
    today = timezone.localdate()
    return [
        ReportRow(
            expected=e,
            submission=submissions.get((e.form_id, e.period, e.org_unit_id, e.subject)),
            subject_label=labels.get(e.subject, e.subject),
            url=url_of(e),
            today=today,
            closed_on=closed.get((e.form_id, e.period)),
        )
        for e in expected
    ]


def report_groups(rows: list[ReportRow]) -> list[tuple[Period, list[ReportRow]]]:
    """Rows grouped by period, each period where its first row falls (the lists' order)."""
    groups: dict[str, list[ReportRow]] = {}
    for row in rows:
        groups.setdefault(row.expected.period, []).append(row)
    return [(period_from_code(code), members) for code, members in groups.items()]


def reports_table(*, title: str, groups: list[tuple[Period, list[ReportRow]]]) -> Table:
    """我的填报 as a table of plain values, in the page's order."""
    return Table(
        id="reports",
        title=title,
        header=[
            gettext("Period"),
            gettext("Form"),
            gettext("Measure"),
            gettext("Unit"),
            gettext("Due date"),
            gettext("Status"),
            gettext("Overdue"),
            gettext("Reason returned"),
            gettext("Entry"),
        ],
        rows=[
            [
                period.label,
                row.expected.form.name,
                row.subject_label,
                row.expected.org_unit.name,
                row.expected.due_on,
                row.status_label,
                gettext("Yes") if row.overdue else "",
                # The page shows the reason only while the report is returned.
                row.submission.returned_reason
                if row.submission and row.status == Status.RETURNED
                else "",
                row.entry_state_label,
            ]
            for period, rows in groups
            for row in rows
        ],
    )
