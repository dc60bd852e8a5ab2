"""The class census: read a school's classes of a school year, and replace them all at
once with the revision read (a stale one is 409; the same list sent again is answered as
stored, changing nothing).

Reading needs UNIT_VIEW on the school (its reporter, its district, the bureau); writing
goes through `construction.census.census_replace`, which needs UNIT_DATA_CHANGE (the
school's reporter, its district's administrators).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from eduplan.api.routers.base import Detail, Problems, caller, load_unit
from eduplan.construction.census import (
    ClassRow,
    census_replace,
    census_revision,
    census_rows,
)
from eduplan.org.access import Action, require
from eduplan.org.models import OrgUnit

router = Router(tags=["census"])


class ClassIO(Schema):
    grade: int
    number: int
    pupils: int


class CensusOut(Schema):
    school: str
    school_year: int
    revision: str
    changed: bool = False
    classes: list[ClassIO]


class CensusIn(Schema):
    revision: str | None = None
    classes: list[ClassIO]


def _school(code: str) -> OrgUnit:
    unit = load_unit(code)
    if not unit.is_school:
        raise Http404(code)
    return unit


def _out(school: OrgUnit, year: int, changed: bool = False) -> dict[str, Any]:
    rows = census_rows(school=school, school_year=year)
    return {
        "school": school.code,
        "school_year": year,
        "revision": census_revision(rows),
        "changed": changed,
        "classes": [{"grade": r.grade, "number": r.number, "pupils": r.pupils} for r in rows],
    }


@router.get(
    "/{code}/{year}",
    response={200: CensusOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail},
)
def census_get(request: HttpRequest, code: str, year: int) -> dict[str, Any]:
    school = _school(code)
    require(caller(request), Action.UNIT_VIEW, school)
    return _out(school, year)


@router.put(
    "/{code}/{year}",
    response={200: CensusOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail, 409: Detail},
)
def census_put(request: HttpRequest, code: str, year: int, body: CensusIn) -> dict[str, Any]:
    school = _school(code)
    written = census_replace(
        user=caller(request),
        school=school,
        school_year=year,
        rows=[ClassRow(grade=c.grade, number=c.number, pupils=c.pupils) for c in body.classes],
        revision=body.revision,
    )
    return _out(school, year, changed=written.changed)
