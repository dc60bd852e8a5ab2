"""Reporting pages: my reports, the entry page (fill, submit, decide, evidence, history),
the approval queue (completeness: views_completeness.py).

Views are thin: load, check, call a service, render. Every write goes through
reporting.services, which check the caller's right again and store nothing on refusal.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.core.periods import (
    Period,
    PeriodCodeError,
    PeriodType,
    period_containing,
    period_from_code,
    periods_in_year,
)
from eduplan.core.tables import table_export
from eduplan.core.uploads import attachment_response
from eduplan.org.access import (
    Action,
    can,
    granted_actions,
    my_scope,
    requires_in_request,
)
from eduplan.org.models import OrgUnit
from eduplan.reporting.attachments import attachment_add
from eduplan.reporting.entry_window import STATE_LABELS, entry_state, period_closed_on
from eduplan.reporting.forms import (
    HISTORY_ACTIONS,
    Refusal,
    ReportRow,
    entry_fields,
    posted_values,
    report_groups,
    report_rows,
    reports_table,
    shown_values,
    status_label,
)
from eduplan.reporting.models import (
    Attachment,
    ExpectedReport,
    Form,
    Status,
    Submission,
)
from eduplan.reporting.selectors import (
    approval_queue,
    approvals_table,
    periods_expected,
    reports_due_for,
    reports_open_counts,
    reports_open_first,
    subject_labels,
    submission_history,
)
from eduplan.reporting.services import (
    EDITABLE,
    ConflictError,
    SubmissionInvalid,
    form_definition,
    submission_approve,
    submission_check,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
    submission_values,
)

PER_PAGE = 100


# Access ------------------------------------------------------------------------------


def _period(form: Form, code: str) -> Period:
    try:
        period = period_from_code(code)
    except PeriodCodeError:
        raise Http404 from None
    if period.type != form.period_type:
        raise Http404
    return period


def _form(code: str) -> Form:
    return get_object_or_404(Form.objects.select_related("current_version"), code=code)


@dataclass(frozen=True)
class ReportSlot:
    """One report's place: form, period, org unit and subject (may not exist yet)."""

    form: Form
    period: Period
    unit: OrgUnit
    subject: str = ""

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit

    @property
    def url(self) -> str:
        return _entry_url(self.form.code, self.period.code, self.unit.code, self.subject)


def _entry_url(form_code: str, period_code: str, org_code: str, subject: str = "") -> str:
    url = reverse("reporting:entry", args=[form_code, period_code, org_code])
    return f"{url}?{urlencode({'subject': subject})}" if subject else url


def _slot(request: HttpRequest, form_code: str, period_code: str, org_code: str) -> ReportSlot:
    form = _form(form_code)
    return ReportSlot(
        form=form,
        period=_period(form, period_code),
        unit=get_object_or_404(OrgUnit, code=org_code),
        subject=request.GET.get("subject", "")[:40],
    )


def _org_or_scope(request: HttpRequest) -> OrgUnit:
    """The unit named by `?org=`, or the user's own scope."""
    code = request.GET.get("org", "")
    return get_object_or_404(OrgUnit, code=code) if code else my_scope(request)


def _completeness_slot(request: HttpRequest, form_code: str, period_code: str) -> ReportSlot:
    form = _form(form_code)
    return ReportSlot(form=form, period=_period(form, period_code), unit=_org_or_scope(request))


@dataclass(frozen=True)
class Evidence:
    attachment: Attachment

    @property
    def scope_unit(self) -> OrgUnit:
        return self.attachment.submission.org_unit


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    return Evidence(
        get_object_or_404(Attachment.objects.select_related("submission__org_unit"), pk=pk)
    )


# Reading helpers (candidates for reporting.selectors) --------------------------------


def _form_periods(expected: list[Period], period_type: str) -> list[Period]:
    """Every period of the type in the years that have expected reports (for the picker)."""
    years = sorted({p.year for p in expected})
    return [p for year in years for p in periods_in_year(year, PeriodType(period_type))]


def _default_period(form: Form) -> Period:
    """The latest period with expected reports that has begun (else the first one)."""
    periods = periods_expected(form)
    today = timezone.localdate()
    begun = [p for p in periods if p.start <= today]
    if begun:
        return begun[-1]
    return periods[0] if periods else period_containing(today, PeriodType(form.period_type))


# Pages ---------------------------------------------------------------------------------


def _tabs(request: HttpRequest, active: str) -> dict[str, Any]:
    return {
        "tab": active,
        "may_approve_somewhere": Action.REPORT_APPROVE in granted_actions(request.user),
    }


def _report_rows(expected: list[ExpectedReport]) -> list[ReportRow]:
    """Expected reports as 我的填报 lists them (at most three queries)."""
    return report_rows(
        expected, url_of=lambda e: _entry_url(e.form.code, e.period, e.org_unit.code, e.subject)
    )


def _period_label(code: str) -> str:
    """The label of a period code from the query string; blank when it names none."""
    try:
        period = period_from_code(code)
    except PeriodCodeError:
        return ""
    # The list filters on the exact code, so "2016t1" shows nothing and names nothing.
    return period.label if period.code == code else ""


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def my_reports(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    period_code = request.GET.get("period", "")
    due = reports_due_for(user=request.user)
    shown = reports_open_first(due.filter(period=period_code) if period_code else due)
    # The workbook holds every report the filter shows, not one screen of them.
    label = _period_label(period_code)
    title = f"{_('My reports')} · {label}" if label else _("My reports")
    exported = table_export(
        request,
        lambda: [reports_table(title=title, groups=report_groups(_report_rows(list(shown))))],
    )
    if exported is not None:
        return exported
    periods = sorted(
        {period_from_code(c) for c in due.order_by().values_list("period", flat=True).distinct()},
        key=lambda p: (p.end, p.code),
    )
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/my_reports.html",
        {
            **_tabs(request, "mine"),
            "groups": report_groups(_report_rows(list(page.object_list))),
            "periods": periods,
            "period_code": period_code,
            "page": page,
            "open_counts": reports_open_counts(due),
        },
    )


def _revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision", "0"))
    except ValueError:
        return -1  # never a stored revision: refused as stale


def _submission_of(slot: ReportSlot) -> Submission | None:
    return (
        Submission.objects.filter(
            form=slot.form, period=slot.period.code, org_unit=slot.unit, subject=slot.subject
        )
        .select_related("form_version", "form", "org_unit", "decided_by", "submitted_by")
        .first()
    )


def _save(
    request: HttpRequest, slot: ReportSlot, submission: Submission | None, *, submit: bool
) -> Outcome:
    assert slot.form.current_version is not None
    values = posted_values(form_definition(slot.form.current_version), request.POST)
    revision = _revision(request)
    comment = request.POST.get("comment", "")
    try:
        saved = submission_save(
            user=request.user,
            form=slot.form,
            org_unit=slot.unit,
            period_code=slot.period.code,
            values=values,
            revision=revision,
            subject=slot.subject,
            idempotency_key=request.POST.get("idempotency_key", "")[:100] or None,
        )
    except SubmissionInvalid as exc:
        return Refusal(problems=exc.problems, posted=values, revision=revision, comment=comment)
    except ConflictError as exc:
        return Refusal(conflict=str(exc), posted=values, revision=revision, comment=comment)
    except InputError as exc:
        return Refusal(alert=exc.message, posted=values, revision=revision, comment=comment)
    # A retried POST (same idempotency key) replays the first save: if that one went on
    # to submit, there is nothing left to do.
    if submit and saved.status in EDITABLE:
        try:
            submission_submit(
                user=request.user, submission=saved, revision=saved.revision, comment=comment
            )
        except SubmissionInvalid as exc:
            return Refusal(problems=exc.problems, revision=saved.revision, comment=comment)
        except ConflictError as exc:
            return Refusal(conflict=str(exc), revision=saved.revision, comment=comment)
        except InputError as exc:
            return Refusal(alert=exc.message, revision=saved.revision, comment=comment)
    messages.success(request, _("Report submitted") if submit else _("Draft saved"))
    return redirect(slot.url)


def _decide(
    request: HttpRequest, slot: ReportSlot, submission: Submission | None, *, action: str
) -> Outcome:
    if submission is None:
        raise Http404
    revision = _revision(request)
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            submission_approve(user=request.user, submission=submission, revision=revision)
        elif action == "return":
            submission_return(
                user=request.user, submission=submission, revision=revision, reason=reason
            )
        else:
            submission_reopen(
                user=request.user, submission=submission, revision=revision, reason=reason
            )
    except ConflictError as exc:
        return Refusal(conflict=str(exc), revision=revision, reason=reason)
    except InputError as exc:
        if exc.where == "reason":
            return Refusal(reason_error=exc.message, revision=revision, reason=reason)
        return Refusal(alert=exc.message, revision=revision, reason=reason)
    done = {
        "approve": _("Report approved"),
        "return": _("Report returned to its unit"),
        "reopen": _("Report reopened"),
    }
    messages.success(request, done[action])
    if action == "return":
        # The report is its unit's again: the approver goes back to what waits for them
        # (or, with nothing left, to the form's completeness over the unit's parent),
        # not to an editable copy of the unit's form.
        return redirect(_after_return_url(request, slot))
    return redirect(slot.url)


def _after_return_url(request: HttpRequest, slot: ReportSlot) -> str:
    if approval_queue(user=request.user):
        return reverse("reporting:approvals")
    url = reverse("reporting:completeness", args=[slot.form.code, slot.period.code])
    parent = slot.unit.parent
    if parent is not None and can(request.user, Action.REPORT_VIEW, parent):
        return f"{url}?{urlencode({'org': parent.code})}"
    return url


def _upload(request: HttpRequest, slot: ReportSlot, submission: Submission | None) -> Outcome:
    try:
        attachment_add(user=request.user, submission=submission, upload=request.FILES.get("file"))
    except InputError as exc:
        return Refusal(file_error=exc.message)
    messages.success(request, _("Evidence file added"))
    return redirect(slot.url)


Outcome = HttpResponse | Refusal
POST_ACTIONS: dict[str, Callable[[HttpRequest, ReportSlot, Submission | None], Outcome]] = {
    "save": functools.partial(_save, submit=False),
    "submit": functools.partial(_save, submit=True),
    "approve": functools.partial(_decide, action="approve"),
    "return": functools.partial(_decide, action="return"),
    "reopen": functools.partial(_decide, action="reopen"),
    "upload": _upload,
}


@requires_in_request(Action.REPORT_VIEW, load=_slot)
def entry(request: HttpRequest, slot: ReportSlot) -> HttpResponse:
    submission = _submission_of(slot)
    expected = (
        ExpectedReport.objects.filter(
            form=slot.form, period=slot.period.code, org_unit=slot.unit, subject=slot.subject
        )
        .only("due_on")
        .first()
    )
    if submission is None and expected is None:
        raise Http404
    refusal = Refusal()
    if request.method == "POST":
        handler = POST_ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            return HttpResponseBadRequest()
        outcome = handler(request, slot, submission)
        if not isinstance(outcome, Refusal):
            return outcome
        refusal = outcome
        submission = _submission_of(slot)  # a refused submit may follow a stored save
    return render(
        request,
        "reporting/entry.html",
        _entry_context(request, slot, submission, expected, refusal),
    )


def _entry_window(slot: ReportSlot, expected: ExpectedReport | None) -> dict[str, Any]:
    """The report's due date, its period's closing day and the entry state (one query)."""
    closed_on = period_closed_on(form=slot.form, period_code=slot.period.code)
    due_on = expected.due_on if expected else None
    state = entry_state(due_on=due_on, closed_on=closed_on, today=timezone.localdate())
    return {
        "due_on": due_on,
        "closed_on": closed_on,
        "entry_state": state,
        "entry_state_label": STATE_LABELS[state],
    }


def _entry_context(
    request: HttpRequest,
    slot: ReportSlot,
    submission: Submission | None,
    expected: ExpectedReport | None,
    refusal: Refusal,
) -> dict[str, Any]:
    status = submission.status if submission else "none"
    window = _entry_window(slot, expected)
    may_enter = (
        can(request.user, Action.REPORT_ENTER, slot.unit)
        and status in {"none", *EDITABLE}
        and (window["closed_on"] is None or status == Status.RETURNED)
    )
    may_approve = submission is not None and can(request.user, Action.REPORT_APPROVE, submission)
    # An editable report is filled against the version now in force; a locked one is
    # shown as it was filled.
    version = submission.form_version if submission and not may_enter else slot.form.current_version
    assert version is not None
    definition = form_definition(version)
    stored = submission_values(submission) if submission else {}
    problems = list(refusal.problems)
    if submission and refusal.posted is None:
        # Warnings on what is stored (not on refused input, which was not stored): the
        # reporter explains them, the approver reads them beside the explanation.
        problems += [
            p for p in submission_check(submission) if p.severity == "warning" and p not in problems
        ]
    fields, summary = entry_fields(
        definition,
        shown=refusal.posted if refusal.posted is not None else shown_values(definition, stored),
        problems=problems,
    )
    first_invalid = next((f.code for f in fields if f.errors), fields[0].code if fields else "")
    revision = (
        refusal.revision
        if refusal.revision is not None
        else (submission.revision if submission else 0)
    )
    attachments = (
        list(submission.attachments.select_related("uploaded_by"))
        if submission and definition.attachments
        else []
    )
    return {
        **_tabs(request, "entry"),
        "slot": slot,
        "subject_label": subject_labels([slot.subject]).get(slot.subject, slot.subject),
        "submission": submission,
        "status": status,
        "status_label": status_label(status),
        **window,
        "definition": definition,
        "fields": fields,
        "summary": summary,
        "focus": first_invalid,
        "may_enter": may_enter,
        "may_decide": may_approve and status == Status.SUBMITTED,
        "may_reopen": may_approve and status == Status.APPROVED,
        "show_comment": bool(summary.warnings or summary.comment_error or refusal.comment),
        "comment": refusal.comment or (submission.comment if submission else ""),
        "revision": revision,
        "idempotency_key": uuid.uuid4().hex,
        "refusal": refusal,
        "attachments_enabled": definition.attachments,
        "may_upload": definition.attachments and may_enter and submission is not None,
        "attachments": attachments,
        "upload_max": settings.EDUPLAN_UPLOAD_MAX_BYTES,
        "history": [
            {**event, "label": HISTORY_ACTIONS.get(event["action"], event["action"])}
            for event in (submission_history(submission, definition) if submission else [])
        ],
        "completeness_url": reverse(
            "reporting:completeness", args=[slot.form.code, slot.period.code]
        ),
        "xlsx_url": _xlsx_url(request, slot.form, slot.period.code, slot.unit),
    }


def _xlsx_url(request: HttpRequest, form: Form, period_code: str, unit: OrgUnit) -> str:
    """The Excel template and import page for the unit (its subtree), if the user may
    enter its reports; else blank."""
    if not can(request.user, Action.REPORT_ENTER, unit):
        return ""
    return reverse("reporting_xlsx:upload", args=[form.code, period_code, unit.code])


@requires_in_request(Action.REPORT_VIEW, load=_evidence)
def evidence_download(request: HttpRequest, evidence: Evidence) -> FileResponse:
    attachment = evidence.attachment
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return attachment_response(handle, attachment.name)


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def approvals(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    queue = approval_queue(user=request.user)
    labels = subject_labels(s.subject for s in queue)
    exported = table_export(
        request,
        [approvals_table(queue=queue, labels=labels, title=_("Reports waiting for your approval"))],
    )
    if exported is not None:
        return exported
    rows = [
        {
            "submission": s,
            "period": period_from_code(s.period),
            "subject_label": labels.get(s.subject, s.subject),
            "url": _entry_url(s.form.code, s.period, s.org_unit.code, s.subject),
        }
        for s in queue
    ]
    return render(
        request, "reporting/approvals.html", {**_tabs(request, "approvals"), "rows": rows}
    )
