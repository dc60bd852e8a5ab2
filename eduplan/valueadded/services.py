"""Who the value-added figures are for (the access targets) and the records' import."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest

from eduplan.core.errors import InputError
from eduplan.core.sheet_import import SheetProblem
from eduplan.org.access import Action, User, require, scope_of
from eduplan.org.models import OrgUnit, UnitType
from eduplan.valueadded.models import HIGH_SCHOOL_TYPES
from eduplan.valueadded.records_xlsx import cohort_check, records_read, records_replace


@dataclass(frozen=True)
class ValueAddedArea:
    """The figures of one high school, or (the bureau) of every high school: within a
    user's scope, and for department staff only the departments the setting names."""

    unit: OrgUnit

    @property
    def scope_unit(self) -> OrgUnit | None:
        return self.unit

    @property
    def is_city(self) -> bool:
        return self.unit.type == UnitType.BUREAU

    def designated_department_codes(self) -> frozenset[str]:
        return frozenset(settings.EDUPLAN_VALUEADDED_DEPARTMENTS)


def city_area(request: HttpRequest | None = None, /) -> ValueAddedArea:
    """Loader: every high school of the city (the bureau at the root of the org tree)."""
    root = OrgUnit.objects.filter(type=UnitType.BUREAU, parent__isnull=True).first()
    if root is None:
        raise Http404
    return ValueAddedArea(root)


def school_area(code: str) -> ValueAddedArea:
    """Loader: one high school by code (404 for any other unit)."""
    school = OrgUnit.objects.filter(code=code, type__in=HIGH_SCHOOL_TYPES).first()
    if school is None:
        raise Http404
    return ValueAddedArea(school)


def entry_area(request: HttpRequest, /) -> ValueAddedArea:
    """Loader for the entry page: the user's own high school, else the city."""
    scope = scope_of(request.user)
    if scope is not None and scope.type in HIGH_SCHOOL_TYPES:
        return ValueAddedArea(scope)
    return city_area()


def cohort_records_import(
    *, user: User, cohort: int, data: bytes, name: str
) -> tuple[int, list[SheetProblem]]:
    """Replace a cohort's records with the workbook's (their count), or store nothing and
    give every problem with its place."""
    require(user, Action.VALUEADDED_IMPORT, city_area())
    why = cohort_check(cohort)
    if why:
        raise InputError(why, where="cohort")
    records, problems = records_read(data=data, name=name)
    if problems:
        return 0, problems
    return records_replace(user=user, cohort=cohort, records=records, file_name=name), []
