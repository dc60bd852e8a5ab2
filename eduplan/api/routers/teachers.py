"""A school's teachers with their training hours, judged at the end of a year.

Reading needs UNIT_VIEW on the school (its reporter, its district, the bureau). The
personal fields (ID number, phone, birth date) are null unless the caller may see them
(TEACHER_PERSONAL: the school itself and the teachers' department), as on the pages.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from eduplan.api.routers.base import Detail, Problems, caller, load_unit
from eduplan.org.access import Action, require
from eduplan.teachers.models import TEACHER_SCHOOL_TYPES
from eduplan.teachers.selectors import school_teachers, year_default

router = Router(tags=["teachers"])


class TeacherOut(Schema):
    code: str
    name: str
    subject: str
    backbone: bool
    year_hours: Decimal
    cycle_hours: Decimal
    cycle_required: Decimal
    behind: bool
    id_number: str | None
    phone: str | None
    birth_date: datetime.date | None


class SchoolTeachersOut(Schema):
    school: str
    year: int
    cycle: str
    personal: bool
    teachers: list[TeacherOut]


@router.get(
    "/{code}",
    response={200: SchoolTeachersOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail},
)
def teachers_get(request: HttpRequest, code: str, year: int | None = None) -> dict[str, Any]:
    school = load_unit(code)
    if school.type not in TEACHER_SCHOOL_TYPES:
        raise Http404(code)
    user = caller(request)
    require(user, Action.UNIT_VIEW, school)
    judged = year if year is not None and 2000 <= year <= 2100 else year_default()
    at = min(timezone.localdate(), datetime.date(judged + 1, 1, 1))
    lines = school_teachers(user=user, school=school, at=at)
    personal = bool(lines) and lines[0].personal
    return {
        "school": school.code,
        "year": judged,
        "cycle": lines[0].standing.cycle.label if lines else "",
        "personal": personal,
        "teachers": [
            {
                "code": line.teacher.code,
                "name": line.teacher.name,
                "subject": line.teacher.subject,
                "backbone": line.teacher.backbone,
                "year_hours": line.standing.year_hours,
                "cycle_hours": line.standing.cycle_hours,
                "cycle_required": line.standing.cycle_required,
                "behind": line.standing.behind,
                "id_number": line.id_number if personal else None,
                "phone": line.phone if personal else None,
                "birth_date": line.birth_date if personal else None,
            }
            for line in lines
        ],
    }
