"""Submissions: read one, save values, and move it through its lifecycle.

Each operation checks REPORT_VIEW on the unit first (so a caller outside its scope gets
403 whether or not a report exists), then calls the same service as the web pages,
which checks the right to enter or approve itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Header, Router, Schema

from eduplan.api.routers.base import (
    BadRequest,
    Detail,
    Problem,
    Problems,
    caller,
    load_form,
    load_period,
    load_unit,
)
from eduplan.core.periods import Period, PeriodCodeError, period_from_code
from eduplan.org.access import Action, require
from eduplan.org.models import OrgUnit
from eduplan.reporting.entry_window import expected_report_for_entry
from eduplan.reporting.idempotency import idempotency_key_response
from eduplan.reporting.models import ExpectedReport, Form, Submission
from eduplan.reporting.services import (
    form_definition,
    submission_approve,
    submission_check,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
)
from eduplan.reporting.value_store import StoredValues
from eduplan.reporting.values import display_value

router = Router(tags=["submissions"])

ERR_NO_SUBMISSION = gettext_lazy("Nothing has been reported for this form, period and unit.")
ERR_KEY_LENGTH = gettext_lazy("An Idempotency-Key has 1 to 100 characters.")


Value = str | int | float | bool | None


class SubmissionDetail(Schema):
    status: str
    revision: int
    form_version: int
    values: dict[str, str]
    returned_reason: str
    problems: list[Problem]


class SaveIn(Schema):
    values: dict[str, Value] = {}
    revision: int | None = None
    subject: str = ""


class SubmissionOut(Schema):
    id: int
    status: str
    revision: int
    values: dict[str, str]


class SubmitIn(Schema):
    revision: int | None
    comment: str = ""
    subject: str = ""


class ApproveIn(Schema):
    revision: int | None
    subject: str = ""


class ReasonIn(Schema):
    revision: int | None
    reason: str
    subject: str = ""


WRITE_RESPONSES: dict[int, Any] = {
    200: SubmissionOut,
    400: Problems,
    401: Detail,
    403: Detail,
    404: Detail,
    409: Detail,
}


def _shown_values(submission: Submission) -> dict[str, str]:
    definition = form_definition(submission.form_version)
    elements = {e.code: e for e in definition.elements}
    shown = {}
    for value in submission.values.select_related("element").order_by("element__code"):
        element = elements.get(value.element.code)
        if element is not None:
            shown[element.code] = display_value(element, value.number, value.text)
    return shown


def _out(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "status": submission.status,
        "revision": submission.revision,
        "values": _shown_values(submission),
    }


def _out_saved(submission: Submission, stored: StoredValues) -> dict[str, Any]:
    """`_out` of a report just saved, from its values as the save left them (not read
    back): the same answer, without the query."""
    definition = form_definition(submission.form_version)
    elements = {e.code: e for e in definition.elements}
    values = {
        code: display_value(elements[code], *stored[code])
        for code in sorted(stored)
        if code in elements
    }
    return {
        "id": submission.pk,
        "status": submission.status,
        "revision": submission.revision,
        "values": values,
    }


def _readable(
    request: HttpRequest, form: str, period: str, org: str
) -> tuple[Any, Form, Period, OrgUnit]:
    """Load the path's form, period and unit, and check the caller may read the unit."""
    user = caller(request)
    found = load_form(form)
    parsed = load_period(found, period)
    unit = load_unit(org)
    require(user, Action.REPORT_VIEW, unit)
    return user, found, parsed, unit


def _expected(form: str, period: str, org: str, subject: str) -> ExpectedReport | None:
    """The expected report the path names (one query), or None (also for a bad period)."""
    try:
        code = period_from_code(period).code
    except PeriodCodeError:
        return None
    return expected_report_for_entry(
        form_code=form, period_code=code, unit_code=org, subject=subject
    )


def _submission(
    request: HttpRequest, form: str, period: str, org: str, subject: str
) -> tuple[Any, Submission]:
    user, found, parsed, unit = _readable(request, form, period, org)
    submission = (
        Submission.objects.select_related("form", "form_version", "org_unit")
        .filter(form=found, period=parsed.code, org_unit=unit, subject=subject)
        .first()
    )
    if submission is None:
        raise Http404(ERR_NO_SUBMISSION)
    return user, submission


@router.get(
    "/{form}/{period}/{org}",
    response={200: SubmissionDetail, 400: Problems, 401: Detail, 403: Detail, 404: Detail},
)
def submission_get(
    request: HttpRequest, form: str, period: str, org: str, subject: str = ""
) -> dict[str, Any]:
    """One unit's report (checked: REPORT_VIEW on the unit)."""
    _user, submission = _submission(request, form, period, org, subject)
    return {
        "status": submission.status,
        "revision": submission.revision,
        "form_version": submission.form_version.number,
        "values": _shown_values(submission),
        "returned_reason": submission.returned_reason,
        "problems": [
            {"element": p.element, "message": p.message, "severity": p.severity}
            for p in submission_check(submission)
        ],
    }


@router.put("/{form}/{period}/{org}", response={**WRITE_RESPONSES, 422: Detail})
def submission_put(
    request: HttpRequest,
    form: str,
    period: str,
    org: str,
    payload: SaveIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Save values as a draft (checked: REPORT_VIEW here, REPORT_ENTER in the service).

    With an Idempotency-Key, a retry gets the first response again and stores nothing."""
    # The expected report with its form and unit in one read; when there is none, the
    # form, period and unit are looked up one by one to say which is wrong.
    expected = _expected(form, period, org, payload.subject)
    if expected is None:
        user, found, parsed, unit = _readable(request, form, period, org)
    else:
        user, found, unit = caller(request), expected.form, expected.org_unit
        parsed = load_period(found, period)
        require(user, Action.REPORT_VIEW, unit)
    require(user, Action.REPORT_ENTER, unit)
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 100:
        raise BadRequest(str(ERR_KEY_LENGTH), element="Idempotency-Key")
    # The first save with a key stores its response with the key in its own transaction;
    # a retry replays that body, not today's report: its revision would let the client
    # overwrite whoever changed the report since.
    answered: list[dict[str, Any]] = []

    def answer(saved: Submission, stored: StoredValues) -> dict[str, Any]:
        answered.append(_out_saved(saved, stored))
        return answered[-1]

    submission = submission_save(
        user=user,
        form=found,
        org_unit=unit,
        period_code=parsed.code,
        values=payload.values,
        revision=payload.revision,
        subject=payload.subject,
        idempotency_key=key,
        answer=answer,
        expected=expected,
    )
    if answered:
        return answered[-1]
    if key is None:
        return _out(submission)
    return idempotency_key_response(user=user, key=key, build=lambda: _out(submission))


@router.post("/{form}/{period}/{org}/submit", response=WRITE_RESPONSES)
def submission_post_submit(
    request: HttpRequest, form: str, period: str, org: str, payload: SubmitIn
) -> dict[str, Any]:
    """Submit for approval (checked: REPORT_VIEW here, REPORT_ENTER in the service)."""
    user, submission = _submission(request, form, period, org, payload.subject)
    done = submission_submit(
        user=user, submission=submission, revision=payload.revision, comment=payload.comment
    )
    return _out(done)


@router.post("/{form}/{period}/{org}/approve", response=WRITE_RESPONSES)
def submission_post_approve(
    request: HttpRequest, form: str, period: str, org: str, payload: ApproveIn
) -> dict[str, Any]:
    """Approve (checked: REPORT_VIEW here, REPORT_APPROVE in the service)."""
    user, submission = _submission(request, form, period, org, payload.subject)
    return _out(submission_approve(user=user, submission=submission, revision=payload.revision))


@router.post("/{form}/{period}/{org}/return", response=WRITE_RESPONSES)
def submission_post_return(
    request: HttpRequest, form: str, period: str, org: str, payload: ReasonIn
) -> dict[str, Any]:
    """Return to the unit with a reason (checked: REPORT_VIEW here, REPORT_APPROVE in the
    service)."""
    user, submission = _submission(request, form, period, org, payload.subject)
    done = submission_return(
        user=user, submission=submission, revision=payload.revision, reason=payload.reason
    )
    return _out(done)


@router.post("/{form}/{period}/{org}/reopen", response=WRITE_RESPONSES)
def submission_post_reopen(
    request: HttpRequest, form: str, period: str, org: str, payload: ReasonIn
) -> dict[str, Any]:
    """Reopen an approved report (checked: REPORT_VIEW here, REPORT_APPROVE in the
    service)."""
    user, submission = _submission(request, form, period, org, payload.subject)
    done = submission_reopen(
        user=user, submission=submission, revision=payload.revision, reason=payload.reason
    )
    return _out(done)
