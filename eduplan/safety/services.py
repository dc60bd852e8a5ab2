"""Writes of the campus-safety register: inspections, building ratings, hazards and
their rectification. Every function checks the user's right itself (org/access.py), so
a view, the API or a script cannot skip it; the database's constraints (models.py) hold
the two rules that must never break even if a caller does."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.text import text_clean
from eduplan.core.uploads import upload_check
from eduplan.org.access import Action, User, actor_of, require
from eduplan.org.models import PATH_SEPARATOR, OrgUnit, UnitType
from eduplan.safety.checklists import checklist_item, checklists
from eduplan.safety.models import (
    Building,
    Hazard,
    HazardEvent,
    HazardEventKind,
    HazardStatus,
    Inspection,
    InspectionRound,
    ObjectType,
    Rating,
    SchoolBus,
    Severity,
)

ERR_D_IN_USE = gettext_lazy(
    "%(building)s is rated D (dangerous): it is closed and cannot be shown as in use."
)
ERR_NOT_IN_AREA = gettext_lazy("%(school)s is not in the area of the round “%(round)s”.")
ERR_ALREADY_INSPECTED = gettext_lazy("%(object)s has already been inspected in this round.")
ERR_RULE_UNKNOWN = gettext_lazy("%(code)s is not an item of the %(object)s checklist.")
ERR_RESULTS_UNKNOWN = gettext_lazy("Unknown checklist items: %(codes)s.")
ERR_RATING_FOR_BUILDING = gettext_lazy("Only a building inspection gives a rating.")
ERR_DEADLINE = gettext_lazy("The rectification deadline %(deadline)s is before the day found.")
ERR_REQUIRED = gettext_lazy("%(field)s is required.")
ERR_NOT_OPEN = gettext_lazy(
    "This hazard is no longer being rectified (now: %(status)s); nothing was changed."
)
ERR_NOT_FIXED = gettext_lazy(
    "This hazard has no fix waiting for verification (now: %(status)s); nothing was changed."
)
ERR_EVIDENCE = gettext_lazy("A fix is reported with evidence: attach a photo or a document.")
ERR_SAME_PERSON = gettext_lazy(
    "You reported this fix yourself: it must be verified by someone else."
)
ERR_FUTURE = gettext_lazy("%(field)s cannot be after today.")


def district_of(school: OrgUnit) -> OrgUnit | None:
    """The district the school lies in (the unit below the bureau on its path), or None
    for a school the bureau runs itself."""
    codes = [c for c in school.path.split(PATH_SEPARATOR) if c]
    if len(codes) < 3:
        return None
    return OrgUnit.objects.filter(code=codes[1], type=UnitType.DISTRICT).first()


def _label(model: type[Hazard | Inspection], field: str) -> str:
    found = model._meta.get_field(field)
    return str(getattr(found, "verbose_name", field))


def _required(value: str, field: str) -> str:
    """The text of a hazard's field, cleaned; refused when blank, naming the field."""
    cleaned = text_clean(value).strip()
    if not cleaned:
        label = _label(Hazard, field)
        raise InputError(str(ERR_REQUIRED) % {"field": label}, where=field)
    return cleaned


def _not_future(day: datetime.date, field: str, model: type[Hazard | Inspection]) -> None:
    if day > timezone.localdate():
        label = _label(model, field)
        raise InputError(str(ERR_FUTURE) % {"field": label}, where=field)


# Buildings -------------------------------------------------------------------------------


def building_use_set(*, user: User, building: Building, in_use: bool) -> Building:
    """Mark a building in use or out of use; a D building is never in use."""
    require(user, Action.UNIT_DATA_CHANGE, building)
    if in_use and building.rating == Rating.D:
        raise InputError(str(ERR_D_IN_USE) % {"building": building}, where="in_use")
    building.in_use = in_use
    building.save(update_fields=["in_use"])
    return building


def _building_rate(building: Building, rating: str, on: datetime.date) -> None:
    """Give the building its new rating; D closes it (C stays in use, to be reinforced)."""
    building.rating = Rating(rating)
    building.rated_on = on
    if building.rating == Rating.D:
        building.in_use = False
    building.save(update_fields=["rating", "rated_on", "in_use"])


# Inspections -----------------------------------------------------------------------------


def _results_checked(object_type: ObjectType, results: dict[str, bool]) -> dict[str, bool]:
    known = {i.code for i in checklists()[object_type]}
    unknown = sorted(set(results) - known)
    if unknown:
        raise InputError(str(ERR_RESULTS_UNKNOWN) % {"codes": "、".join(unknown)}, where="results")
    return {code: bool(results[code]) for code in sorted(results)}


@transaction.atomic
def inspection_record(
    *,
    user: User,
    round: InspectionRound,
    obj: Building | SchoolBus,
    inspected_on: datetime.date,
    results: dict[str, bool],
    rating: str = "",
    note: str = "",
) -> Inspection:
    """Record that an object of a school in the round's area was inspected, with the
    result of each checklist item; a building inspection may give a new rating (D
    closes the building). Each object once per round."""
    require(user, Action.SAFETY_INSPECT, round)
    _not_future(inspected_on, "inspected_on", Inspection)
    if not round.covers(obj.school):
        raise InputError(
            str(ERR_NOT_IN_AREA) % {"school": obj.school.name, "round": round.name},
            where="object",
        )
    object_type = ObjectType.BUILDING if isinstance(obj, Building) else ObjectType.BUS
    if rating and object_type != ObjectType.BUILDING:
        raise InputError(str(ERR_RATING_FOR_BUILDING), where="rating")
    found = Inspection.objects.filter(round=round)
    if found.filter(**{object_type.value: obj}).exists():
        raise InputError(str(ERR_ALREADY_INSPECTED) % {"object": obj}, where="object")
    inspection = Inspection.objects.create(
        round=round,
        school=obj.school,
        object_type=object_type,
        building=obj if isinstance(obj, Building) else None,
        bus=obj if isinstance(obj, SchoolBus) else None,
        inspected_on=inspected_on,
        inspector=actor_of(user),
        results=_results_checked(object_type, results),
        note=text_clean(note),
    )
    if rating and isinstance(obj, Building):
        _building_rate(obj, rating, inspected_on)
    return inspection


# Hazards and their rectification ---------------------------------------------------------


@transaction.atomic
def hazard_record(
    *,
    user: User,
    inspection: Inspection,
    rule_code: str,
    severity: str,
    description: str,
    deadline: datetime.date,
    responsible_person: str,
    photo: UploadedFile[Any] | None = None,
) -> Hazard:
    """Record a hazard found in an inspection, against an item of its checklist, with
    its rectification order (deadline, responsible person)."""
    require(user, Action.SAFETY_INSPECT, inspection.round)
    item = checklist_item(object_type=inspection.object_type, code=rule_code)
    if item is None:
        raise InputError(
            str(ERR_RULE_UNKNOWN)
            % {"code": rule_code, "object": ObjectType(inspection.object_type).label},
            where="rule_code",
        )
    if deadline < inspection.inspected_on:
        raise InputError(str(ERR_DEADLINE) % {"deadline": deadline}, where="deadline")
    if photo is not None:
        upload_check(photo, where="photo")
    hazard = Hazard(
        inspection=inspection,
        school=inspection.school,
        district=district_of(inspection.school),
        rule_code=item.code,
        rule_text=item.text,
        severity=Severity(severity),
        description=_required(description, "description"),
        found_on=inspection.inspected_on,
        deadline=deadline,
        responsible_person=_required(responsible_person, "responsible_person"),
    )
    if photo is not None:
        hazard.photo.save(photo.name or "photo", photo, save=False)
    hazard.save()
    HazardEvent.objects.create(hazard=hazard, kind=HazardEventKind.FOUND, by=actor_of(user))
    return hazard


def _locked(hazard: Hazard) -> Hazard:
    """The hazard as stored now, locked until the transaction ends (two clicks, two
    people: the second sees the first's step)."""
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


@transaction.atomic
def hazard_fix_report(
    *,
    user: User,
    hazard: Hazard,
    note: str,
    evidence: UploadedFile[Any] | None,
    fixed_on: datetime.date | None = None,
) -> Hazard:
    """The school reports the hazard fixed, with what was done and evidence (a photo or
    a document); it then waits for verification. A retried report is refused, so it is
    stored once."""
    require(user, Action.HAZARD_FIX, hazard)
    current = _locked(hazard)
    if current.status != HazardStatus.OPEN:
        raise InputError(
            str(ERR_NOT_OPEN) % {"status": HazardStatus(current.status).label}, where="status"
        )
    text = _required(note, "fix_note")
    if evidence is None:
        raise InputError(str(ERR_EVIDENCE), where="fix_evidence")
    upload_check(evidence, where="fix_evidence")
    day = fixed_on or timezone.localdate()
    _not_future(day, "fixed_on", Hazard)
    current.status = HazardStatus.FIXED
    current.fix_note = text
    current.fix_evidence.save(evidence.name or "evidence", evidence, save=False)
    current.fixed_by = actor_of(user)
    current.fixed_on = day
    current.save(update_fields=["status", "fix_note", "fix_evidence", "fixed_by", "fixed_on"])
    HazardEvent.objects.create(
        hazard=current, kind=HazardEventKind.FIXED, by=actor_of(user), note=text
    )
    return current


@transaction.atomic
def hazard_verify(*, user: User, hazard: Hazard, accepted: bool, note: str = "") -> Hazard:
    """The inspecting side checks a reported fix: accepted, the hazard is closed;
    not accepted, it goes back to rectification with the reason. Whoever reported the
    fix cannot verify it."""
    current = _locked(hazard)
    require(user, Action.SAFETY_INSPECT, current.inspection.round)
    if current.status != HazardStatus.FIXED:
        raise InputError(
            str(ERR_NOT_FIXED) % {"status": HazardStatus(current.status).label}, where="status"
        )
    verifier = actor_of(user)
    if verifier is not None and current.fixed_by_id == verifier.pk:
        raise InputError(str(ERR_SAME_PERSON), where="verified_by")
    text = text_clean(note).strip()
    if accepted:
        current.status = HazardStatus.CLOSED
        current.verified_by = verifier
        current.verified_on = timezone.localdate()
        current.verify_note = text
        kind = HazardEventKind.CLOSED
    else:
        current.status = HazardStatus.OPEN
        current.verify_note = _required(note, "verify_note")
        kind = HazardEventKind.REJECTED
    current.save(update_fields=["status", "verified_by", "verified_on", "verify_note"])
    HazardEvent.objects.create(hazard=current, kind=kind, by=verifier, note=text)
    return current
