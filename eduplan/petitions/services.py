"""Writes on petition cases: register, route, decide, extend, record each step of the
clock; read petitioners (the one way, logged); risk screening and the backlog campaign.

Every write checks the user's right again (org/access.py), keeps the case's stored next
deadline (`due_step`, `due_on`) equal to what the clock computes, and adds a
`CaseEvent`. No message, event or log line names a petitioner.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.org.access import Action, User, actor_of, require, signed_in
from eduplan.org.models import PATH_SEPARATOR, OrgUnit, UnitType
from eduplan.petitions.clock import (
    CaseDates,
    Step,
    clock_rules,
    extension_refusal,
    pending_deadline,
)
from eduplan.petitions.models import (
    BacklogCase,
    CaseEvent,
    CaseLink,
    Category,
    Channel,
    LinkKind,
    PersonalDataRead,
    PetitionCase,
    Petitioner,
    RiskEntry,
    RiskLevel,
)
from eduplan.petitions.office import petitions_office

ERR_NO_PETITIONER = gettext_lazy("Give at least one petitioner's name.")
ERR_FUTURE = gettext_lazy("%(what)s cannot be after today.")
ERR_BEFORE = gettext_lazy("%(what)s cannot be before %(before)s.")
ERR_STEP = gettext_lazy("The case does not wait for this step now.")
ERR_EARLIER_UNKNOWN = gettext_lazy("There is no earlier case numbered %(number)s.")
ERR_ROUTE_OUTSIDE = gettext_lazy("The case can only be routed to a unit within your area.")
ERR_PEOPLE = gettext_lazy("The number of petitioners must be at least the names given.")


@dataclass(frozen=True)
class PetitionerIn:
    """A petitioner as entered (personal data: never logged, never echoed)."""

    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class PetitionDesk:
    """Where a case is registered: a petitions office's area (the bureau or a district);
    department staff register only in the petitions office (Reach.OWNED)."""

    unit: OrgUnit

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit

    def owner_department_ids(self) -> set[int]:
        office = petitions_office()
        return {office.pk} if office is not None else set()


@dataclass(frozen=True)
class PersonalData:
    """A case's petitioners as an access target: in the case's area, owned by the
    petitions office alone (Reach.OWNED), so no other department reads them."""

    case: PetitionCase

    @property
    def scope_unit(self) -> OrgUnit:
        return self.case.scope_unit

    def owner_department_ids(self) -> set[int]:
        office = petitions_office()
        return {office.pk} if office is not None else set()


def identity_digest(id_number: str) -> str:
    """A keyed hash of an ID number (the same person's cases meet without reading them)."""
    normal = "".join(id_number.split()).upper()
    if not normal:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"petitioner:" + normal.encode(), hashlib.sha256).hexdigest()


def district_of(unit: OrgUnit) -> OrgUnit | None:
    """The district (county-level unit) the unit lies in or is, if any."""
    if unit.type == UnitType.DISTRICT:
        return unit
    codes = [c for c in unit.path.split(PATH_SEPARATOR) if c]
    if len(codes) < 3:
        return None
    return OrgUnit.objects.filter(code=codes[1], type=UnitType.DISTRICT).first()


def clock_store(case: PetitionCase) -> None:
    """Set the case's stored next step and due day from the clock (not saved)."""
    pending = pending_deadline(case.dates, rules=clock_rules())
    case.due_step = pending.step.value if pending is not None else ""
    case.due_on = pending.due if pending is not None else None


def _event(
    case: PetitionCase, user: User | None, kind: str, day: datetime.date, note: str = ""
) -> None:
    CaseEvent.objects.create(case=case, actor=actor_of(user), kind=kind, day=day, note=note)


def _day_checked(
    day: datetime.date, *, what: str, after: datetime.date, today: datetime.date
) -> None:
    if day > today:
        raise InputError(str(ERR_FUTURE % {"what": what}))
    if day < after:
        raise InputError(str(ERR_BEFORE % {"what": what, "before": after.isoformat()}))


def _next_number(year: int) -> str:
    prefix = f"XF{year}-"
    last = (
        PetitionCase.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _earlier_cases(numbers: Sequence[str]) -> list[PetitionCase]:
    wanted = [n.strip() for n in numbers if n.strip()]
    found = {c.number: c for c in PetitionCase.objects.filter(number__in=wanted)}
    for number in wanted:
        if number not in found:
            raise InputError(str(ERR_EARLIER_UNKNOWN % {"number": number}))
    return [found[n] for n in wanted]


def _named_checked(petitioners: Sequence[PetitionerIn], *, people_count: int) -> list[PetitionerIn]:
    """The petitioners given a name; refusal without one, or with more than counted."""
    named = [p for p in petitioners if p.name.strip()]
    if not named:
        raise InputError(str(ERR_NO_PETITIONER))
    if people_count < len(named):
        raise InputError(str(ERR_PEOPLE))
    return named


def _petitioners_store(case: PetitionCase, named: Sequence[PetitionerIn]) -> None:
    Petitioner.objects.bulk_create(
        Petitioner(
            case=case,
            name=p.name.strip(),
            id_number=p.id_number.strip(),
            phone=p.phone.strip(),
            address=p.address.strip(),
            identity_digest=identity_digest(p.id_number),
        )
        for p in named
    )


@transaction.atomic
def case_register(
    *,
    user: User,
    received_by: OrgUnit,
    received_on: datetime.date,
    channel: str,
    category: str,
    summary: str,
    concerned_unit: OrgUnit,
    petitioners: Sequence[PetitionerIn],
    people_count: int = 1,
    earlier_numbers: Sequence[str] = (),
    same_matter: bool = False,
    request_key: str | None = None,
    today: datetime.date | None = None,
) -> PetitionCase:
    """Register a case received at `received_by` (the bureau or a district), with its
    petitioners kept apart; link it to the earlier cases named (same matter or same
    petitioner) and to the same petitioner's earlier cases found by ID number; mark it
    越级 when the bureau received a district's matter the district never had. A retried
    form (same `request_key`) returns the case it registered."""
    require(user, Action.PETITION_HANDLE, PetitionDesk(received_by))
    if request_key:
        existing = PetitionCase.objects.filter(request_key=request_key).first()
        if existing is not None:
            return existing
    today = today or timezone.localdate()
    _day_checked(
        received_on, what=_("The day received"), after=datetime.date(2000, 1, 1), today=today
    )
    named = _named_checked(petitioners, people_count=people_count)
    if channel not in Channel.values or category not in Category.values:
        raise InputError(_("Choose a channel and a subject from the lists."))
    earlier = _earlier_cases(earlier_numbers)
    digests = {identity_digest(p.id_number) for p in named} - {""}
    same_person = list(
        PetitionCase.objects.filter(
            pk__in=Petitioner.objects.filter(identity_digest__in=digests).values("case_id")
        )
    )
    district = district_of(concerned_unit)
    case = PetitionCase(
        number=_next_number(received_on.year),
        received_on=received_on,
        channel=channel,
        category=category,
        summary=summary.strip(),
        received_by=received_by,
        concerned_unit=concerned_unit,
        district=district,
        people_count=people_count,
        request_key=request_key or None,
        created_by=actor_of(user),
    )
    case.skipped_level = (
        received_by.depth == 0
        and district is not None
        and not any(e.received_by_id == district.pk for e in earlier + same_person)
    )
    clock_store(case)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # the same form posted twice at once: the first one won
        return PetitionCase.objects.get(request_key=request_key)
    _petitioners_store(case, named)
    links = {
        (e.pk, LinkKind.SAME_MATTER if same_matter else LinkKind.SAME_PETITIONER) for e in earlier
    }
    links |= {(e.pk, LinkKind.SAME_PETITIONER) for e in same_person}
    CaseLink.objects.bulk_create(
        CaseLink(case=case, earlier_id=pk, kind=kind) for pk, kind in sorted(links)
    )
    _event(case, user, "registered", received_on)
    return case


def _handle(user: User, case: PetitionCase) -> None:
    require(user, Action.PETITION_HANDLE, case)


def _save(case: PetitionCase, fields: list[str]) -> None:
    clock_store(case)
    case.save(update_fields=[*fields, "due_step", "due_on"])


@transaction.atomic
def case_route(*, user: User, case: PetitionCase, unit: OrgUnit, on: datetime.date) -> PetitionCase:
    """Route the case to the unit that must handle it (within the router's area)."""
    _handle(user, case)
    require(user, Action.PETITION_HANDLE, PetitionDesk(unit))
    _day_checked(on, what=_("The day routed"), after=case.received_on, today=timezone.localdate())
    case.responsible_unit, case.routed_on = unit, on
    case.save(update_fields=["responsible_unit", "routed_on"])
    _event(case, user, "routed", on, unit.name)
    return case


def _waiting_for(case: PetitionCase, step: Step) -> datetime.date:
    """The day the step counts from, if the case waits for `step` now; refusal otherwise."""
    pending = pending_deadline(case.dates, rules=clock_rules())
    if pending is None or pending.step != step:
        raise InputError(str(ERR_STEP))
    return pending.start


@transaction.atomic
def case_decide(
    *, user: User, case: PetitionCase, accepted: bool, on: datetime.date, note: str = ""
) -> PetitionCase:
    """Record the decision on acceptance (and that the petitioner was told)."""
    _handle(user, case)
    start = _waiting_for(case, Step.ACCEPT)
    _day_checked(on, what=_("The day decided"), after=start, today=timezone.localdate())
    case.accepted, case.decided_on = accepted, on
    _save(case, ["accepted", "decided_on"])
    _event(case, user, "accepted" if accepted else "not_accepted", on, note)
    return case


@transaction.atomic
def case_extend(
    *, user: User, case: PetitionCase, days: int, reason: str, on: datetime.date
) -> PetitionCase:
    """Extend the answer's deadline once, by up to the clock's maximum, with a reason."""
    _handle(user, case)
    refused = extension_refusal(case.dates, rules=clock_rules(), days=days, reason=reason, on=on)
    if refused:
        raise InputError(refused)
    case.extension_days, case.extension_reason = days, reason.strip()
    _save(case, ["extension_days", "extension_reason"])
    _event(case, user, "extended", on, reason.strip())
    return case


STEP_FIELDS: dict[Step, str] = {
    Step.REPLY: "replied_on",
    Step.REVIEW_REQUEST: "review_requested_on",
    Step.REVIEW_ANSWER: "reviewed_on",
    Step.REREVIEW_REQUEST: "rereview_requested_on",
    Step.REREVIEW_ANSWER: "rereviewed_on",
}


@transaction.atomic
def case_step_record(
    *, user: User, case: PetitionCase, step: Step, on: datetime.date, note: str = ""
) -> PetitionCase:
    """Record the event that ends the step the case waits for: the answer, a request for
    review or re-review (within its window), or their answers."""
    _handle(user, case)
    if step == Step.ACCEPT:
        raise InputError(str(ERR_STEP))
    start = _waiting_for(case, step)
    _day_checked(on, what=_("The day"), after=start, today=timezone.localdate())
    pending = pending_deadline(case.dates, rules=clock_rules())
    assert pending is not None
    if not step.is_office and on > pending.due:
        raise InputError(
            _("The window to ask ended on %(due)s.") % {"due": pending.due.isoformat()}
        )
    field = STEP_FIELDS[step]
    setattr(case, field, on)
    fields = [field]
    if step == Step.REPLY:
        case.replied_in_time = on <= pending.due
        fields.append("replied_in_time")
    _save(case, fields)
    _event(case, user, step.value, on, note)
    return case


def case_dates_replace(case: PetitionCase, dates: CaseDates) -> None:
    """Set a case's clock dates at once (the demo's history and benchmarks; not saved)."""
    for name in (
        "received_on",
        "decided_on",
        "accepted",
        "extension_days",
        "replied_on",
        "review_requested_on",
        "reviewed_on",
        "rereview_requested_on",
        "rereviewed_on",
    ):
        setattr(case, name, getattr(dates, name))
    clock_store(case)


# Personal data -------------------------------------------------------------------------


@transaction.atomic
def petitioners_read(*, user: User, case: PetitionCase, purpose: str) -> list[Petitioner]:
    """The case's petitioners, for the petitions office only; the read is logged first
    (who, when, which case, for what), so no read goes unrecorded."""
    require(user, Action.PETITION_PERSONAL, PersonalData(case))
    require(user, Action.PETITION_VIEW, case)
    PersonalDataRead.objects.create(case=case, user=signed_in(user), purpose=purpose[:40])
    return list(Petitioner.objects.filter(case=case).order_by("pk"))


# Risk screening and the backlog campaign ----------------------------------------------


@transaction.atomic
def risk_entry_create(
    *,
    user: User,
    unit: OrgUnit,
    period: str,
    category: str,
    level: str,
    description: str,
    measures: str = "",
) -> RiskEntry:
    """Record one risk found in a unit's screening of a period."""
    require(user, Action.PETITION_HANDLE, PetitionDesk(unit))
    if level not in RiskLevel.values or category not in Category.values:
        raise InputError(_("Choose a subject and a risk level from the lists."))
    if not description.strip():
        raise InputError(_("Describe the risk."))
    return RiskEntry.objects.create(
        unit=unit,
        period=period,
        category=category,
        level=level,
        description=description.strip(),
        measures=measures.strip(),
        created_by=actor_of(user),
    )


@transaction.atomic
def backlog_case_list(
    *, user: User, case: PetitionCase, lead_official: str, on: datetime.date
) -> BacklogCase:
    """Put a case on the backlog campaign (积案化解) with the official who leads it."""
    _handle(user, case)
    if not lead_official.strip():
        raise InputError(_("Name the lead official."))
    entry, _created = BacklogCase.objects.update_or_create(
        case=case, defaults={"lead_official": lead_official.strip(), "listed_on": on}
    )
    _event(case, user, "backlog", on, lead_official.strip())
    return entry


@transaction.atomic
def backlog_progress(
    *, user: User, entry: BacklogCase, progress: str, resolved_on: datetime.date | None
) -> BacklogCase:
    """Record a backlog case's progress, and the day it was resolved if it was."""
    _handle(user, entry.case)
    if resolved_on is not None and resolved_on < entry.listed_on:
        raise InputError(
            str(ERR_BEFORE % {"what": _("The day resolved"), "before": entry.listed_on})
        )
    entry.progress, entry.resolved_on = progress.strip(), resolved_on
    entry.save(update_fields=["progress", "resolved_on"])
    return entry
