"""The teachers' register of the small test city (eduplan/conftest.py).

教师工作处 (DEPT-JSC) joins the city, with Jia on its staff; 金水一小 has two teachers
(Wang, Li), 金水二小 one (Zhao), 二七一小 one (Sun). Alice (金水一小's reporter) and Jia
may see her school's personal fields; Bob, Dan, Lee and Sue may not.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.org.models import Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.teachers.importing import COMPLETION_COLUMNS, COMPLETIONS, COURSE_COLUMNS, COURSES
from eduplan.teachers.models import Teacher


@dataclass
class Register:
    city: Any
    dept: Any
    teachers: dict[str, Teacher]


@pytest.fixture
def register(city) -> Register:
    dept = OrgUnitFactory(
        code="DEPT-JSC", name="教师工作处", type=UnitType.DEPARTMENT, parent=city.root
    )
    city.users["jia"] = user_with_role("jia", Role.DEPARTMENT, city.root, department=dept)
    teachers = {
        "wang": Teacher.objects.create(
            school=city.jinshui_one,
            code="T0001",
            name="王老师",
            id_number="410105198001011234",
            phone="13800000001",
            birth_date=datetime.date(1980, 1, 1),
        ),
        "li": Teacher.objects.create(
            school=city.jinshui_one,
            code="T0002",
            name="李老师",
            id_number="410105198502025678",
            phone="13800000002",
            birth_date=datetime.date(1985, 2, 2),
        ),
        "zhao": Teacher.objects.create(
            school=city.jinshui_two, code="T0003", name="赵老师", id_number="410105199003039999"
        ),
        "sun": Teacher.objects.create(
            school=city.erqi_one, code="T0004", name="孙老师", id_number="410103199104048888"
        ),
    }
    return Register(city, dept, teachers)


COURSE = ["C2016-01", "新课程标准解读", "郑州市教师教育网", "市级", 40, None, 2016, "否"]
BACKBONE = ["C2016-02", "骨干教师高级研修", "河南省教师教育中心", "省级", 80, 8, 2016, "是"]


def workbook(
    courses: list[list[Any]] | None = None,
    completions: list[list[Any]] | None = None,
    *,
    course_header: tuple[str, ...] = COURSE_COLUMNS,
) -> bytes:
    """A provider's workbook with these rows under the template's headings."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    first.title = COURSES
    first.append(list(course_header))
    for row in courses if courses is not None else [COURSE, BACKBONE]:
        first.append(row)
    second = wb.create_sheet(COMPLETIONS)
    second.append(list(COMPLETION_COLUMNS))
    for row in completions or []:
        second.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
