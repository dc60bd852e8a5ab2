"""普惠认定 and 达标升级 as workflows: application → the district's on-site review → the
city's review → public notice (公示) for a number of working days, objections recorded →
published. Each step is declared in `STEPS` (from which statuses, to which, by which
action) and taken only through `application_step`, which checks role, scope and order,
stamps and audits the step. A published upgrade writes the ledger kindergarten_grading's
record (the same register the ledger's pages show), not a copy."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_changed
from eduplan.kindergartens.models import (
    GRADE_LEDGER_NAMES,
    PUBLIC_OWNERSHIPS,
    UNGRADED_LEDGER_NAME,
    Application,
    ApplicationEvent,
    Certification,
    Grade,
    Grading,
    Kindergarten,
    Objection,
    grade_rank,
)
from eduplan.ledgers.models import Ledger, LedgerRecord
from eduplan.ledgers.services import record_create
from eduplan.org.access import Action, User, actor_of, require
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.services import SubmissionInvalid

S = Application.Status
GRADING_LEDGER = "kindergarten_grading"

ERR_OUT_OF_ORDER = gettext_lazy("This step cannot be taken now: the application is “%(status)s”.")
ERR_REASON_NEEDED = gettext_lazy("Say why the application is refused.")
ERR_NOTICE_RUNNING = gettext_lazy("The public notice runs until %(day)s: publish after it ends.")
ERR_OBJECTIONS_OPEN = gettext_lazy("Decide every objection before publishing.")
ERR_ALREADY_OPEN = gettext_lazy("This kindergarten already has an open application of this kind.")
ERR_NOT_PRIVATE = gettext_lazy(
    "Only private kindergartens apply for inclusive certification: public and collective"
    " ones are inclusive already."
)
ERR_ALREADY_CERTIFIED = gettext_lazy("This kindergarten is certified inclusive already.")
ERR_GRADE_NOT_HIGHER = gettext_lazy("An upgrade seeks a grade above the current one.")
ERR_FEE = gettext_lazy("The fee is a number of yuan a month, 0 or more.")
ERR_EVIDENCE = gettext_lazy("Describe the evidence the application rests on.")
ERR_NO_DEPARTMENT = gettext_lazy("The preschool department %(code)s is not in the organisation.")
ERR_NO_LEDGER = gettext_lazy("The ledger kindergarten_grading is not loaded.")


def preschool_department() -> OrgUnit:
    """The department that takes the city's steps (EDUPLAN_PRESCHOOL_DEPARTMENT)."""
    code = settings.EDUPLAN_PRESCHOOL_DEPARTMENT
    unit = OrgUnit.objects.filter(code=code, type=UnitType.DEPARTMENT).first()
    if unit is None:
        raise InputError(str(ERR_NO_DEPARTMENT % {"code": code}))
    return unit


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day (Monday to Friday) after `day`."""
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Step:
    before: frozenset[str]
    after: str
    action: Action
    refuses: bool = False  # needs a reason, which is recorded as the refusal's


STEPS: dict[str, Step] = {
    "district_pass": Step(
        frozenset({S.APPLIED}), S.DISTRICT_PASSED, Action.PRESCHOOL_DISTRICT_REVIEW
    ),
    "district_refuse": Step(
        frozenset({S.APPLIED}), S.REFUSED, Action.PRESCHOOL_DISTRICT_REVIEW, refuses=True
    ),
    "city_pass": Step(frozenset({S.DISTRICT_PASSED}), S.CITY_PASSED, Action.PRESCHOOL_CITY_DECIDE),
    "city_refuse": Step(
        frozenset({S.DISTRICT_PASSED}), S.REFUSED, Action.PRESCHOOL_CITY_DECIDE, refuses=True
    ),
    "notice_start": Step(frozenset({S.CITY_PASSED}), S.NOTICE, Action.PRESCHOOL_CITY_DECIDE),
    "publish": Step(frozenset({S.NOTICE}), S.PUBLISHED, Action.PRESCHOOL_CITY_DECIDE),
}
STEP_LABELS = {
    "apply": gettext_lazy("Applied"),
    "district_pass": gettext_lazy("District on-site review passed"),
    "district_refuse": gettext_lazy("Refused by the district"),
    "city_pass": gettext_lazy("City review passed"),
    "city_refuse": gettext_lazy("Refused by the city"),
    "notice_start": gettext_lazy("Public notice started"),
    "objection": gettext_lazy("Objection received"),
    "objection_dismissed": gettext_lazy("Objection dismissed"),
    "objection_upheld": gettext_lazy("Objection upheld: refused"),
    "publish": gettext_lazy("Published"),
}


def step_target(step: Step, application: Application) -> OrgUnit:
    """What the step's access is checked on: the kindergarten for the district's steps,
    the preschool department for the city's."""
    if step.action is Action.PRESCHOOL_CITY_DECIDE:
        return preschool_department()
    return application.kindergarten.unit


def may_take(user: User, step_name: str, application: Application) -> bool:
    """Whether the step is open to the user now (for showing its button)."""
    from eduplan.org.access import can

    step = STEPS[step_name]
    if application.status not in step.before:
        return False
    try:
        return can(user, step.action, step_target(step, application))
    except InputError:
        return False


def _event(
    application: Application, step: str, before: str, user: User | None, note: str = ""
) -> None:
    ApplicationEvent.objects.create(
        application=application,
        step=step,
        status_before=before,
        status_after=application.status,
        note=note[:1000],
        actor=actor_of(user),
    )


def _fee(raw: Any) -> Decimal:
    try:
        fee = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InputError(str(ERR_FEE), where=_("fee")) from None
    if not fee.is_finite() or fee < 0 or fee >= Decimal("1000000"):
        raise InputError(str(ERR_FEE), where=_("fee"))
    return fee.quantize(Decimal("0.01"))


def in_force(kindergarten: Kindergarten) -> Certification | None:
    return kindergarten.certifications.filter(ended_on__isnull=True).first()


@transaction.atomic
def application_submit(
    *,
    user: User,
    kindergarten: Kindergarten,
    kind: str,
    fee_monthly: Any,
    evidence: str,
    grade_sought: str = "",
) -> Application:
    """A kindergarten's application (by its reporter or its district), checked: 普惠 only
    for a private one not yet certified, an upgrade only to a higher grade."""
    require(user, Action.PRESCHOOL_APPLY, kindergarten.unit)
    kindergarten = Kindergarten.objects.select_for_update().get(pk=kindergarten.pk)
    fee = _fee(fee_monthly)
    evidence = (evidence or "").strip()
    if not evidence:
        raise InputError(str(ERR_EVIDENCE), where=_("evidence"))
    if kind == Application.Kind.INCLUSIVE:
        if kindergarten.ownership in PUBLIC_OWNERSHIPS:
            raise InputError(str(ERR_NOT_PRIVATE), where=_("kind"))
        if in_force(kindergarten) is not None:
            raise InputError(str(ERR_ALREADY_CERTIFIED), where=_("kind"))
        grade_sought = ""
    elif kind == Application.Kind.UPGRADE:
        if grade_sought not in Grade.values or grade_rank(grade_sought) <= grade_rank(
            kindergarten.grade
        ):
            raise InputError(str(ERR_GRADE_NOT_HIGHER), where=_("grade sought"))
    else:
        raise InputError(_("Unknown kind of application."), where=_("kind"))
    application = Application(
        kindergarten=kindergarten,
        kind=kind,
        grade_before=kindergarten.grade,
        grade_sought=grade_sought,
        fee_monthly=fee,
        evidence=evidence[:5000],
        applied_on=today(),
        created_by=actor_of(user),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise InputError(str(ERR_ALREADY_OPEN)) from None
    _event(application, "apply", "", user)
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("kindergarten__unit")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_step(
    *, user: User, application: Application, step: str, note: str = "", document: str = ""
) -> Application:
    """Take one step of `STEPS`: refused (PermissionDenied) for the wrong role or outside
    the user's scope, refused (InputError) out of order or without a needed reason."""
    spec = STEPS.get(step)
    if spec is None:
        raise InputError(_("Unknown step."))
    require(user, spec.action, step_target(spec, application))
    application = _locked(application)
    if application.status not in spec.before:
        raise InputError(str(ERR_OUT_OF_ORDER % {"status": application.get_status_display()}))
    note = (note or "").strip()
    if spec.refuses and not note:
        raise InputError(str(ERR_REASON_NEEDED), where=_("reason"))
    before = application.status
    fields = ["status"]
    if spec.refuses:
        application.refusal_reason = note[:500]
        application.decided_on = today()
        fields += ["refusal_reason", "decided_on"]
    if step == "notice_start":
        application.notice_starts = today()
        application.notice_ends = working_days_after(
            today(), settings.EDUPLAN_PRESCHOOL_NOTICE_WORKING_DAYS
        )
        fields += ["notice_starts", "notice_ends"]
    if step == "publish":
        _publish_check(application)
        application.decided_on = today()
        application.document = (document or "").strip()[:200]
        fields += ["decided_on", "document"]
    application.status = spec.after
    if step == "publish":
        _publish(user, application)
        fields.append("ledger_record")
    application.save(update_fields=fields)
    _event(application, step, before, user, note)
    return application


def _publish_check(application: Application) -> None:
    assert application.notice_ends is not None
    if today() <= application.notice_ends:
        raise InputError(str(ERR_NOTICE_RUNNING % {"day": application.notice_ends.isoformat()}))
    if application.objections.filter(outcome=Objection.Outcome.OPEN).exists():
        raise InputError(str(ERR_OBJECTIONS_OPEN))


def _publish(user: User, application: Application) -> None:
    """What publishing changes in the register: a certification in force, or the new
    grade with its grading and the ledger's record."""
    kindergarten = Kindergarten.objects.select_for_update().get(pk=application.kindergarten_id)
    day = today()
    if application.kind == Application.Kind.INCLUSIVE:
        Certification.objects.create(
            kindergarten=kindergarten, certified_on=day, document=application.document
        )
        kindergarten.fee_monthly = application.fee_monthly
        kindergarten.revision += 1
        kindergarten.save(update_fields=["fee_monthly", "revision"])
    else:
        record = grading_record_write(
            user=user,
            kindergarten=kindergarten,
            values={
                "kind": "达标升级",
                "grade_before": ledger_grade(kindergarten.grade),
                "grade_after": ledger_grade(application.grade_sought),
                "decided_on": day.isoformat(),
            },
        )
        application.ledger_record = record
        grading_add(
            kindergarten=kindergarten,
            grade=application.grade_sought,
            day=day,
            document=application.document,
            source=Grading.Source.UPGRADE,
            record=record,
        )
    figures_changed([kindergarten.unit_id], provider="kindergartens")


def ledger_grade(grade: str) -> str:
    return GRADE_LEDGER_NAMES[Grade(grade)] if grade else UNGRADED_LEDGER_NAME


def grading_record_write(
    *, user: User, kindergarten: Kindergarten, values: Mapping[str, Any]
) -> LedgerRecord:
    """The ledger kindergarten_grading's record, written by its keeper through the
    ledger's own service (checked, unique per kindergarten, kind and year)."""
    ledger = Ledger.objects.filter(code=GRADING_LEDGER).first()
    if ledger is None:
        raise InputError(str(ERR_NO_LEDGER))
    try:
        return record_create(
            user=user, ledger=ledger, values={"kindergarten": kindergarten.unit.code, **values}
        )
    except SubmissionInvalid as refused:
        raise InputError("; ".join(p.message for p in refused.problems)) from None


def grading_add(
    *,
    kindergarten: Kindergarten,
    grade: str,
    day: datetime.date,
    document: str,
    source: str,
    record: LedgerRecord | None,
) -> Grading:
    """A grading in the history, and the register's current grade set to it."""
    grading = Grading.objects.create(
        kindergarten=kindergarten,
        grade=grade,
        graded_on=day,
        document=document,
        source=source,
        ledger_record=record,
    )
    kindergarten.grade = grade
    kindergarten.graded_on = day
    kindergarten.revision += 1
    kindergarten.save(update_fields=["grade", "graded_on", "revision"])
    return grading


@transaction.atomic
def objection_record(
    *,
    user: User,
    application: Application,
    text: str,
    token: str,
    received_on: datetime.date | None = None,
) -> Objection:
    """An objection received during the notice (a retried form with the same token is
    stored once)."""
    require(user, Action.PRESCHOOL_CITY_DECIDE, preschool_department())
    found = Objection.objects.filter(token=token).first() if token else None
    if found is not None:
        return found
    application = _locked(application)
    if application.status != S.NOTICE:
        raise InputError(str(ERR_OUT_OF_ORDER % {"status": application.get_status_display()}))
    text = (text or "").strip()
    if not text or not token:
        raise InputError(_("Write down the objection."), where=_("objection"))
    objection = Objection.objects.create(
        application=application,
        received_on=received_on or today(),
        text=text[:5000],
        token=token[:64],
    )
    _event(application, "objection", application.status, user, text[:1000])
    return objection


@transaction.atomic
def objection_decide(*, user: User, objection: Objection, upheld: bool, answer: str) -> Objection:
    """Dismiss an objection, or uphold it, which refuses the application with the answer
    as its reason."""
    require(user, Action.PRESCHOOL_CITY_DECIDE, preschool_department())
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    application = _locked(objection.application)
    if objection.outcome != Objection.Outcome.OPEN or application.status != S.NOTICE:
        raise InputError(str(ERR_OUT_OF_ORDER % {"status": application.get_status_display()}))
    answer = (answer or "").strip()
    if not answer:
        raise InputError(_("Answer the objection."), where=_("answer"))
    objection.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.DISMISSED
    objection.answer = answer[:1000]
    objection.save(update_fields=["outcome", "answer"])
    before = application.status
    if upheld:
        application.status = S.REFUSED
        application.refusal_reason = answer[:500]
        application.decided_on = today()
        application.save(update_fields=["status", "refusal_reason", "decided_on"])
    _event(
        application, "objection_upheld" if upheld else "objection_dismissed", before, user, answer
    )
    return objection


def refusal_for(user: User, application: Application, step: str) -> str | None:
    """Why the step would be refused to the user now, or None (for pages)."""
    try:
        spec = STEPS[step]
        require(user, spec.action, step_target(spec, application))
    except (PermissionDenied, InputError, KeyError) as refused:
        return str(refused)
    if application.status not in spec.before:
        return str(ERR_OUT_OF_ORDER % {"status": application.get_status_display()})
    return None
