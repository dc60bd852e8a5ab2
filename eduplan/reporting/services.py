"""Writes in reporting: loading forms, opening periods, and a submission's lifecycle.

Status changes only through `_set_status`, which enforces the transition map; every
change is an event in the audit trail; every write checks the caller's right here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.compiled_reads import CompiledRead
from eduplan.core.db import insert_new, insert_unless_present, update_saved
from eduplan.core.errors import InputError
from eduplan.core.figures_cache import REPORTS, figures_changed
from eduplan.core.periods import Period, period_from_code
from eduplan.org.access import Action, User, require, signed_in
from eduplan.org.models import OrgUnit, UnitType
from eduplan.org.selectors import units_open_between
from eduplan.reporting.definitions import FormDefinition, definition_from_json
from eduplan.reporting.entry_window import entry_open_check, entry_open_require
from eduplan.reporting.idempotency import idempotency_key_claim
from eduplan.reporting.metrics import due_provider
from eduplan.reporting.models import (
    DataElement,
    ExpectedReport,
    Form,
    FormVersion,
    IdempotencyKey,
    Status,
    Submission,
    SubmissionEvent,
)
from eduplan.reporting.notices import submission_returned_notify, submission_waiting_notify
from eduplan.reporting.plausibility import context_numbers
from eduplan.reporting.rules import holds
from eduplan.reporting.value_store import StoredValues, submission_values_write
from eduplan.reporting.values import ValueRefused, parse_value

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
    Status.RETURNED: {Status.SUBMITTED},
    Status.APPROVED: {Status.RETURNED},  # reopened by an approver
}
EDITABLE = {Status.DRAFT, Status.RETURNED}

ERR_STALE = gettext_lazy(
    "Someone else changed this report after you opened it; reload to see their changes."
)
ERR_LOCKED = gettext_lazy("This report is %(status)s and cannot be edited.")
ERR_TRANSITION = gettext_lazy("A %(old)s report cannot become %(new)s.")
ERR_REASON = gettext_lazy("A reason is required.")
ERR_COMMENT = gettext_lazy(
    "The report has warnings: explain them in the comment before submitting."
)
ERR_NOT_EXPECTED = gettext_lazy("%(unit)s is not expected to report %(form)s for %(period)s.")


class ConflictError(Exception):
    """A stale revision: the user's edit would overwrite someone else's."""


@dataclass(frozen=True)
class FieldProblem:
    element: str
    message: str
    severity: str = "error"


class SubmissionInvalid(Exception):
    """Values or rules refuse the write; nothing was stored."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.element}: {p.message}" for p in problems))


# Forms -------------------------------------------------------------------------------


@transaction.atomic
def form_load(*, definition: FormDefinition) -> tuple[Form, FormVersion, bool]:
    """Create or update a form from its definition; a changed definition becomes a new
    version (returned with created=True), an unchanged one is left as it is."""
    try:
        owner = OrgUnit.objects.get(code=definition.owner, type=UnitType.DEPARTMENT)
    except OrgUnit.DoesNotExist:
        raise InputError(
            _("unknown department: %(code)s") % {"code": definition.owner},
            where=f"{definition.code}.owner",
        ) from None
    form, _created = Form.objects.update_or_create(
        code=definition.code,
        defaults={
            "name": definition.name,
            "description": definition.description,
            "period_type": definition.period_type,
            "due_days": definition.due_days,
            "owner": owner,
            "assigned_types": list(definition.assigned_types),
        },
    )
    for element in definition.elements:
        DataElement.objects.update_or_create(
            code=element.code,
            defaults={
                "name": element.name,
                "value_type": element.type,
                "unit": element.unit,
                "aggregation": element.aggregation,
                "over_time": element.over_time,
                "period_type": definition.period_type,
            },
        )
    existing = form.versions.filter(digest=definition.digest).first()
    if existing is not None:
        created = False
        version = existing
    else:
        number = (
            form.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = FormVersion.objects.create(
            form=form, number=number, digest=definition.digest, definition=definition.as_json()
        )
        created = True
    if form.current_version_id != version.pk:
        form.current_version = version
        form.save(update_fields=["current_version"])
    return form, version, created


def form_definition(version: FormVersion) -> FormDefinition:
    """A version's definition; versions never change, so it is parsed once per process."""
    key = (version.pk, version.digest)
    if key not in _DEFINITIONS:
        _DEFINITIONS[key] = definition_from_json(version.definition)
    return _DEFINITIONS[key]


_DEFINITIONS: dict[tuple[int, str], FormDefinition] = {}


def due_date(form: Form, period: Period) -> datetime.date:
    return period.end + datetime.timedelta(days=form.due_days)


def _subjects_for(form: Form, unit: OrgUnit, period: Period) -> list[str]:
    """What a unit reports on, one report each: the measures its projects lead
    ("measure:12"), or the tasks it leads in the period's year ("task:34"), for forms
    whose definition says so; one report about nothing ("") otherwise."""
    definition = form_definition(form.current_version) if form.current_version else None
    if definition is None or definition.subjects not in ("measures", "tasks"):
        return [""]
    from eduplan.plans.models import Measure, PlanStatus, Task

    if definition.subjects == "tasks":
        tasks = Task.objects.filter(
            lead_unit=unit, year=period.start.year, plan__status=PlanStatus.ACTIVE
        ).order_by("pk")
        return [f"task:{pk}" for pk in tasks.values_list("pk", flat=True)]
    ids = Measure.objects.filter(
        project__project_owners__department=unit, project__project_owners__role="lead"
    ).values_list("pk", flat=True)
    return [f"measure:{pk}" for pk in ids]


@transaction.atomic
def expected_reports_open(*, form: Form, period_code: str) -> int:
    """Fix who must report this form for this period (units assigned by type or by
    list and open at some time in the period); idempotent. Returns rows added."""
    period = period_from_code(period_code)
    assigned = OrgUnit.objects.filter(
        Q(type__in=form.assigned_types) | Q(pk__in=form.assigned_units.values("pk"))
    )
    units = units_open_between(assigned, start=period.start, end=period.end)
    due_on = due_date(form, period)
    existing = set(
        ExpectedReport.objects.filter(form=form, period=period.code).values_list(
            "org_unit_id", "subject"
        )
    )
    rows = [
        ExpectedReport(form=form, period=period.code, org_unit=unit, subject=subject, due_on=due_on)
        for unit in units.only("pk", "type")
        for subject in _subjects_for(form, unit, period)
        if (unit.pk, subject) not in existing
    ]
    ExpectedReport.objects.bulk_create(rows, batch_size=2000)
    if rows:  # the daily run opens the same periods again and again
        # The reports due: their own figures (a period opened for every school rebuilds
        # them), not the forms' values.
        opened = {r.org_unit_id for r in rows}
        figures_changed(
            opened, provider=due_provider(form.code), parts=[REPORTS], period=period.code
        )
    return len(rows)


# Submissions ---------------------------------------------------------------------------


def _check_revision(submission: Submission, revision: int | None) -> None:
    """Refuse an edit made on an older revision (none given counts as "never seen")."""
    if (revision or 0) != submission.revision:
        raise ConflictError(ERR_STALE)


def _set_status(submission: Submission, new: str) -> None:
    if new not in TRANSITIONS.get(submission.status, set()):
        raise InputError(
            ERR_TRANSITION % {"old": Status(submission.status).label, "new": Status(new).label},
            where=str(submission),
        )
    submission.status = new


def _event(submission: Submission, user: User, action: str, **extra: Any) -> None:
    # One on every save: its INSERT is compiled once per connection (core/db.py).
    insert_new(
        SubmissionEvent(submission=submission, actor=signed_in(user), action=action, **extra)
    )


def _parse_values(
    definition: FormDefinition, raw: dict[str, Any]
) -> dict[str, tuple[Decimal | None, str]]:
    problems: list[FieldProblem] = []
    parsed: dict[str, tuple[Decimal | None, str]] = {}
    known = {e.code for e in definition.elements}
    for code in raw:
        if code not in known:
            problems.append(FieldProblem(code, _("not an element of this form")))
    for element in definition.elements:
        if element.code not in raw:
            continue
        try:
            parsed[element.code] = parse_value(element, raw[element.code])
        except ValueRefused as exc:
            problems.append(FieldProblem(element.code, str(exc)))
    if problems:
        raise SubmissionInvalid(problems)
    return parsed


def _lockable() -> QuerySet[Submission]:
    """Reports read under lock: the report's row alone. Locking the form and unit joined
    to it would make every save, submission and decision on the same form wait on the
    form's row until the writer commits."""
    return Submission.objects.select_for_update(of=("self",)).select_related("form", "org_unit")


def _locked_submission(pk: int) -> Submission:
    return _lockable().get(pk=pk)


@transaction.atomic
def submission_save(
    *,
    user: User,
    form: Form,
    org_unit: OrgUnit,
    period_code: str,
    values: dict[str, Any],
    revision: int | None = None,
    subject: str = "",
    idempotency_key: str | None = None,
    answer: Callable[[Submission, StoredValues], dict[str, Any]] | None = None,
    expected: ExpectedReport | None = None,
) -> Submission:
    """Save values as a draft (creating the submission on first save).

    Refuses, storing nothing: a user who may not enter for the unit, a unit not expected
    to report, a value that does not fit its element, a stale revision, a locked report.
    A retry with the same idempotency key returns the first result without writing again;
    the same key with another request (values, revision, report) is refused (KeyReused).
    With a key, `answer(submission, values)` (the response a retry replays; `values`: the
    report's values after the save, by element code) is stored with it in the same write;
    a retry does not call it. `expected`: the expected report as the caller read it with
    `expected_report_for_entry` (with `closed_on`), so the save does not read it again.
    """
    require(user, Action.REPORT_ENTER, org_unit)
    period = period_from_code(period_code)
    key_row: IdempotencyKey | None = None
    if idempotency_key:
        request = {
            "form": form.pk,
            "unit": org_unit.pk,
            "period": period.code,
            "subject": subject,
            "values": values,
            "revision": revision,
        }
        key_row, replay = idempotency_key_claim(
            user=signed_in(user), key=idempotency_key, request=request
        )
        if replay is not None:
            return replay
    known = _expected_require(
        form=form, period=period, org_unit=org_unit, subject=subject, expected=expected
    )
    assert form.current_version is not None
    definition = form_definition(form.current_version)
    parsed = _parse_values(definition, values)
    submission, created = _submission_to_save(
        form=form,
        version=form.current_version,
        org_unit=org_unit,
        period=period,
        subject=subject,
        revision=revision,
    )
    if submission.status not in EDITABLE:
        raise InputError(
            ERR_LOCKED % {"status": Status(submission.status).label}, where=str(submission)
        )
    if known is not None:
        closed_on: datetime.date | None = getattr(known, "closed_on", None)
        entry_open_check(
            form=form, period_code=period.code, status=submission.status, closed_on=closed_on
        )
    else:
        entry_open_require(form=form, period_code=period.code, status=submission.status)
    # Values are stored against the version now in force.
    submission.form_version = form.current_version
    changes, stored = submission_values_write(submission, definition, parsed, created=created)
    if changes and not created:  # a new report was created at its first revision
        submission.revision += 1
        submission.save(update_fields=["revision", "form_version", "updated_at"])
    if changes or created:
        _event(submission, user, "create" if created else "save", changes=changes)
    if key_row is not None:
        key_row.submission = submission
        key_row.response = answer(submission, stored) if answer is not None else None
        update_saved(key_row, ("submission", "response"))
    return submission


def _expected_require(
    *,
    form: Form,
    period: Period,
    org_unit: OrgUnit,
    subject: str,
    expected: ExpectedReport | None,
) -> ExpectedReport | None:
    """Refuse a report nobody expects. Returns the caller's `expected` when it is this
    save's report (read with its closing day: nothing to read again), else None after
    one query."""
    if expected is not None and (
        (expected.form_id, expected.period, expected.org_unit_id, expected.subject)
        == (form.pk, period.code, org_unit.pk, subject)
    ):
        return expected
    if not ExpectedReport.objects.filter(
        form=form, period=period.code, org_unit=org_unit, subject=subject
    ).exists():
        raise InputError(
            ERR_NOT_EXPECTED % {"unit": org_unit.name, "form": form.name, "period": period.label},
            where=f"{form.code} {period.code} {org_unit.code}",
        )
    return None


def _submission_locked(
    form_id: int, org_unit_id: int, period: str, subject: str
) -> QuerySet[Submission]:
    return (
        Submission.objects.select_for_update(of=("self",))
        .filter(form_id=form_id, org_unit_id=org_unit_id, period=period, subject=subject)
        .order_by("pk")[:1]
    )


# Every save makes this read: compiled once per connection (core/compiled_reads.py).
_SUBMISSION_LOCKED = CompiledRead(
    Submission, _submission_locked, form_id=int, org_unit_id=int, period=str, subject=str
)


def _submission_to_save(
    *,
    form: Form,
    version: FormVersion,
    org_unit: OrgUnit,
    period: Period,
    subject: str,
    revision: int | None,
) -> tuple[Submission, bool]:
    """The submission a save writes to, locked, and whether this save created it; a
    stale revision (or a first save that lost the race to another) is a ConflictError."""
    lookup = {"form": form, "org_unit": org_unit, "period": period.code, "subject": subject}
    if not revision:
        # A first save (no revision seen): a report already there is a conflict whatever
        # it holds (every stored report has a revision), so the insert alone decides.
        return _submission_create(lookup, version), True
    # One locking read: the row if it is there (locked), nothing otherwise; its form and
    # unit are the ones the caller holds (not joined: the row's own columns only).
    submission = _SUBMISSION_LOCKED.first(
        form_id=form.pk, org_unit_id=org_unit.pk, period=period.code, subject=subject
    )
    if submission is None:
        return _submission_create(lookup, version), True
    submission.form, submission.org_unit = form, org_unit
    _check_revision(submission, revision)
    return submission, False


def _submission_create(lookup: dict[str, Any], version: FormVersion) -> Submission:
    created = Submission(**lookup, form_version=version)
    if not insert_unless_present(created):
        # Another save was first: this edit was made without seeing its report.
        raise ConflictError(ERR_STALE)
    return created


def submission_values(submission: Submission) -> dict[str, tuple[Decimal | None, str]]:
    return {v.element.code: (v.number, v.text) for v in submission.values.select_related("element")}


def submission_check(submission: Submission) -> list[FieldProblem]:
    """Every problem blocking (error) or questioning (warning) a submission's values."""
    definition = form_definition(submission.form_version)
    stored = submission_values(submission)
    problems = [
        FieldProblem(e.code, _("%(name)s is required") % {"name": e.name})
        for e in definition.elements
        if e.required
        and (e.code not in stored or (stored[e.code][0] is None and not stored[e.code][1]))
    ]
    numbers = {code: number for code, (number, _text) in stored.items() if number is not None}
    numbers |= context_numbers(submission, definition)
    for rule in definition.rules:
        if any(stored.get(code, (None, ""))[1] != value for code, value in rule.when):
            continue
        if holds(rule.left, rule.operator, rule.right, numbers) is False:
            problems.append(FieldProblem(rule.code, rule.message, rule.severity))
    return problems


@transaction.atomic
def submission_submit(
    *, user: User, submission: Submission, revision: int | None, comment: str = ""
) -> Submission:
    """Submit for approval: errors block; warnings need a comment."""
    require(user, Action.REPORT_ENTER, submission.org_unit)
    submission = _locked_submission(submission.pk)
    _check_revision(submission, revision)
    entry_open_require(
        form=submission.form, period_code=submission.period, status=submission.status
    )
    problems = submission_check(submission)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SubmissionInvalid(errors)
    if any(p.severity == "warning" for p in problems) and not comment.strip():
        raise SubmissionInvalid([FieldProblem("comment", str(ERR_COMMENT))])
    _set_status(submission, Status.SUBMITTED)
    now = timezone.now()
    submission.submitted_at = now
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.submitted_by = signed_in(user)
    submission.comment = comment.strip()
    submission.revision += 1
    submission.save(
        update_fields=[
            "status",
            "submitted_at",
            "first_submitted_at",
            "submitted_by",
            "comment",
            "revision",
            "updated_at",
        ]
    )
    _event(submission, user, "submit", reason=submission.comment)
    submission_waiting_notify(submission=submission)
    return submission


# Each decision: the status it starts from, the status it leads to, its audit action.
DECISIONS: dict[str, tuple[str, str]] = {
    "approve": (Status.SUBMITTED, Status.APPROVED),
    "return": (Status.SUBMITTED, Status.RETURNED),
    "reopen": (Status.APPROVED, Status.RETURNED),
}
DECIDED_FIELDS = ["status", "decided_by", "decided_at", "returned_reason", "revision", "updated_at"]


def _decision(
    *, user: User, submission: Submission, revision: int | None, action: str, reason: str
) -> Submission:
    """Permission first (one who may not decide learns nothing of the report), then the
    locked report's status, its revision and the reason."""
    submission = _locked_submission(submission.pk)
    require(user, Action.REPORT_APPROVE, submission)
    source, new = DECISIONS[action]
    if submission.status != source:
        raise InputError(
            ERR_TRANSITION % {"old": Status(submission.status).label, "new": Status(new).label},
            where=str(submission),
        )
    _check_revision(submission, revision)
    if new == Status.RETURNED and not reason.strip():
        raise InputError(str(ERR_REASON), where="reason")
    _set_status(submission, new)
    submission.decided_by = signed_in(user)
    submission.decided_at = timezone.now()
    submission.returned_reason = reason.strip() if new == Status.RETURNED else ""
    submission.revision += 1
    submission.save(update_fields=DECIDED_FIELDS)
    _event(submission, user, action, reason=reason.strip())
    if new == Status.RETURNED:
        submission_returned_notify(submission=submission)
    return submission


@transaction.atomic
def submission_approve(*, user: User, submission: Submission, revision: int | None) -> Submission:
    """Approve a submitted report; it is locked until an approver reopens it."""
    return _decision(
        user=user, submission=submission, revision=revision, action="approve", reason=""
    )


@transaction.atomic
def submission_return(
    *, user: User, submission: Submission, revision: int | None, reason: str
) -> Submission:
    """Return a submitted report to its unit with a reason."""
    return _decision(
        user=user, submission=submission, revision=revision, action="return", reason=reason
    )


@transaction.atomic
def submission_reopen(
    *, user: User, submission: Submission, revision: int | None, reason: str
) -> Submission:
    """Reopen an approved report (it goes back to its unit as returned)."""
    return _decision(
        user=user, submission=submission, revision=revision, action="reopen", reason=reason
    )
