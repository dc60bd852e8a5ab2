"""Review of ledger records, one level up the org tree: the rules.

A ledger whose definition has `review:` takes its records as submitted; the next level up
approves them or returns them with a reason (`review_services`), and only approved
records count in metrics and show on public pages. Who is the next level up follows the
org tree, as the report approval chain does: a school's records go to the district it
sits in (its district administrators); a unit outside any district (a bureau-run school,
a district itself) goes to the bureau, to the department the definition names, or to the
supervision office when it names none. A ledger without review takes each record as
approved the moment its keeper enters it.

A ledger each unit keeps may also say that the district keeps it for its units
(`keeper: {units: true, level: district}`): a school then reads its entry but does not
write it (a unit outside any district keeps its own).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.ledgers.models import Ledger, LedgerRecord, ReviewState
from eduplan.org.access import Action, User, can, scope_of
from eduplan.org.models import Membership, OrgUnit, Role, UnitType


def review_initial(definition: LedgerDefinition) -> str:
    """The state a record takes when entered or changed: submitted when the ledger is
    reviewed, approved (as kept) when it is not."""
    return ReviewState.SUBMITTED if definition.review else ReviewState.APPROVED


def review_department_check(definition: LedgerDefinition, *, where: str) -> None:
    """Refuse a review department the organisation does not have."""
    code = (definition.review or {}).get("department")
    if code and not OrgUnit.objects.filter(code=code, type=UnitType.DEPARTMENT).exists():
        raise InputError(_("unknown department: %(code)s") % {"code": code}, where=where)


def district_of(unit: OrgUnit) -> OrgUnit | None:
    """The district a unit is or sits in directly, or None (the bureau, its departments
    and the schools it runs itself)."""
    if unit.type == UnitType.DISTRICT:
        return unit
    parent = unit.parent
    return parent if parent is not None and parent.type == UnitType.DISTRICT else None


def keeper_level_allows(user: User, ledger: Ledger, unit: OrgUnit) -> bool:
    """Whether the ledger's keeping level lets the user write for the unit (on top of
    the right to enter for it): with `level: district`, a unit in a district is kept by
    the district, not by the unit."""
    version = ledger.current_version
    if version is None or version.definition.get("keeper", {}).get("level") != "district":
        return True
    if district_of(unit) is None or unit.type == UnitType.DISTRICT:
        return True
    scope = scope_of(user)
    return scope is not None and scope.type in {UnitType.DISTRICT, UnitType.BUREAU}


@dataclass(frozen=True)
class UnderReview:
    """A record as the target of REPORT_APPROVE (org/access.py): inside the reviewer's
    scope, and the reviewer at the next level up over the record's unit."""

    record: LedgerRecord
    review: dict[str, str]

    @property
    def scope_unit(self) -> OrgUnit:
        return self.record.org_unit

    def may_be_approved_by(self, membership: Membership) -> bool:
        unit, scope = self.record.org_unit, membership.scope
        if scope is None or scope.pk == unit.pk:
            return False
        district = district_of(unit)
        if district is not None and district.pk != unit.pk:
            return membership.role == Role.DISTRICT_ADMIN and scope.pk == district.pk
        department = self.review.get("department")
        if department:
            return (
                membership.role == Role.DEPARTMENT
                and membership.department is not None
                and membership.department.code == department
            )
        return membership.role == Role.SUPERVISION


def review_of(record: LedgerRecord) -> dict[str, str] | None:
    """The review the record's ledger declares now (None: kept without review)."""
    version = record.ledger.current_version
    if version is None:
        return None
    review: dict[str, str] | None = version.definition.get("review")
    return review


def may_review(user: User, record: LedgerRecord) -> bool:
    """Whether the user approves or returns this record (whatever its state)."""
    review = review_of(record)
    return review is not None and can(user, Action.REPORT_APPROVE, UnderReview(record, review))
