"""Reads of the teachers' register: who may see personal fields, each school's teachers
with their credits, and who is behind by district and school (one query for a city)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max, Sum
from django.utils import timezone

from eduplan.org.access import Action, User, can
from eduplan.org.models import PATH_SEPARATOR, OrgUnit, UnitType
from eduplan.teachers.credits import (
    ZERO,
    CreditRules,
    Standing,
    cycle_of,
    cycle_required,
    judged_year,
    standing,
)
from eduplan.teachers.models import Completion, MasterTerm, Teacher, TeacherRoll


def teachers_department() -> OrgUnit | None:
    """The department that keeps the register (EDUPLAN_TEACHERS_DEPARTMENT_CODE)."""
    return OrgUnit.objects.filter(
        code=settings.EDUPLAN_TEACHERS_DEPARTMENT_CODE, type=UnitType.DEPARTMENT
    ).first()


def teacher_roll(school: OrgUnit) -> TeacherRoll:
    """The school's teachers as the target of TEACHER_PERSONAL."""
    department = teachers_department()
    return TeacherRoll(school, department.pk if department is not None else None)


def personal_allowed(user: User, school: OrgUnit) -> bool:
    """Whether the user may see the personal fields of the school's teachers."""
    return can(user, Action.TEACHER_PERSONAL, teacher_roll(school))


def year_default(*, today: datetime.date | None = None) -> int:
    """The year pages judge unless told: the last year ended, or the latest year the
    register holds completions for if that is earlier (a year not yet loaded is not
    judged: everyone would be behind)."""
    year = judged_year(today or timezone.localdate())
    latest = Completion.objects.aggregate(latest=Max("year"))["latest"]
    return min(year, latest) if latest is not None else year


def years_held() -> bool:
    return Completion.objects.filter(year__isnull=False).exists()


@dataclass
class BehindRow:
    """Teachers behind in one unit (a district, or a school) for a judged year."""

    unit_code: str
    unit_name: str
    teachers: int = 0
    year_behind: int = 0
    cycle_behind: int = 0
    behind: int = 0

    @property
    def share(self) -> float | None:
        return 100.0 * self.behind / self.teachers if self.teachers else None


@dataclass
class BehindTable:
    unit: OrgUnit
    year: int
    cycle_label: str
    required: Decimal
    annual: int
    rows: list[BehindRow] = field(default_factory=list)
    total: BehindRow | None = None


def _like_prefix(path: str) -> str:
    escaped = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def behind_by_school(
    *, unit: OrgUnit, year: int, rules: CreditRules
) -> list[tuple[str, int, int, int, int]]:
    """(school path, teachers, behind on the year, behind on the cycle, behind on either)
    for every school under `unit` with teachers on the roll, judged at the end of `year`:
    one query, the sums made in the database."""
    cycle = cycle_of(year, rules)
    required = cycle_required(cycle=cycle, through=year, rules=rules)
    teacher, unit_table = Teacher._meta.db_table, OrgUnit._meta.db_table
    completion = Completion._meta.db_table
    sql = f"""
        SELECT u.path, COUNT(*),
          SUM(CASE WHEN COALESCE(s.y, 0) < %s THEN 1 ELSE 0 END),
          SUM(CASE WHEN COALESCE(s.c, 0) < %s THEN 1 ELSE 0 END),
          SUM(CASE WHEN COALESCE(s.y, 0) < %s OR COALESCE(s.c, 0) < %s THEN 1 ELSE 0 END)
        FROM {teacher} t
        JOIN {unit_table} u ON u.id = t.school_id
        LEFT JOIN (
          SELECT c.teacher_id,
                 SUM(CASE WHEN c.year = %s THEN c.hours ELSE 0 END) AS y,
                 SUM(c.hours) AS c
          FROM {completion} c
          WHERE c.year >= %s AND c.year <= %s
          GROUP BY c.teacher_id
        ) s ON s.teacher_id = t.id
        WHERE t.active = %s AND u.path LIKE %s ESCAPE '\\'
        GROUP BY u.path
        ORDER BY u.path
    """
    # Numbers, not Decimals: SQLite would compare a Decimal parameter as text.
    annual, needed = float(rules.annual_min_hours), float(required)
    params: list[Any] = [annual, needed, annual, needed, year, cycle.first, year, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, _like_prefix(unit.path)])
        return [(p, int(n), int(a), int(b), int(e)) for p, n, a, b, e in cursor.fetchall()]


def _child_code(path: str, unit: OrgUnit) -> str:
    codes = [c for c in path.split(PATH_SEPARATOR) if c]
    return codes[min(unit.depth + 1, len(codes) - 1)]


def behind_table(*, unit: OrgUnit, year: int, rules: CreditRules | None = None) -> BehindTable:
    """Who is behind under `unit`, one row per unit directly under it that has teachers
    (districts of a city, schools of a district; a school: itself), and the total.
    Two queries."""
    rules = rules or CreditRules.from_settings()
    cycle = cycle_of(year, rules)
    table = BehindTable(
        unit=unit,
        year=year,
        cycle_label=cycle.label,
        required=cycle_required(cycle=cycle, through=year, rules=rules),
        annual=rules.annual_min_hours,
    )
    by_child: dict[str, BehindRow] = {}
    total = BehindRow(unit.code, unit.name)
    for path, n, year_behind, cycle_behind, behind in behind_by_school(
        unit=unit, year=year, rules=rules
    ):
        code = _child_code(path, unit)
        row = by_child.setdefault(code, BehindRow(code, ""))
        for target in (row, total):
            target.teachers += n
            target.year_behind += year_behind
            target.cycle_behind += cycle_behind
            target.behind += behind
    names = dict(OrgUnit.objects.filter(code__in=by_child).values_list("code", "name"))
    for code, row in by_child.items():
        row.unit_name = names.get(code, code)
    table.rows = sorted(by_child.values(), key=lambda r: (-r.behind, r.unit_code))
    table.total = total
    return table


@dataclass
class TeacherLine:
    """One teacher of a school's page, with personal fields only when allowed."""

    teacher: Teacher
    standing: Standing
    personal: bool
    terms: list[MasterTerm]

    @property
    def id_number(self) -> str:
        return self.teacher.id_number if self.personal else ""

    @property
    def phone(self) -> str:
        return self.teacher.phone if self.personal else ""

    @property
    def birth_date(self) -> datetime.date | None:
        return self.teacher.birth_date if self.personal else None


def hours_by_teacher(*, teacher_ids: list[int], first_year: int) -> dict[int, dict[int, Decimal]]:
    """Hours completed by each teacher in each year from `first_year` on (one query)."""
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for teacher_id, year, hours in (
        Completion.objects.filter(teacher_id__in=teacher_ids, year__gte=first_year)
        .values("teacher_id", "year")
        .annotate(hours=Sum("hours"))
        .values_list("teacher_id", "year", "hours")
    ):
        if year is not None:
            out[teacher_id][year] = hours or ZERO
    return out


def school_teachers(
    *, user: User, school: OrgUnit, at: datetime.date, rules: CreditRules | None = None
) -> list[TeacherLine]:
    """The school's teachers on the roll with where each stands on `at`; personal fields
    only for those who may see them. Four queries."""
    rules = rules or CreditRules.from_settings()
    personal = personal_allowed(user, school)
    teachers = list(Teacher.objects.filter(school=school, active=True).order_by("name", "code"))
    first = cycle_of(judged_year(at), rules).first
    hours = hours_by_teacher(teacher_ids=[t.pk for t in teachers], first_year=first)
    terms: dict[int, list[MasterTerm]] = defaultdict(list)
    for term in MasterTerm.objects.filter(teacher__in=teachers).select_related("studio"):
        terms[term.teacher_id].append(term)
    return [
        TeacherLine(
            teacher=t,
            standing=standing(hours_by_year=hours.get(t.pk, {}), at=at, rules=rules),
            personal=personal,
            terms=terms.get(t.pk, []),
        )
        for t in teachers
    ]


def teacher_completions(*, teacher: Teacher) -> list[Completion]:
    """A teacher's courses, latest first (one query)."""
    return list(
        Completion.objects.filter(teacher=teacher)
        .select_related("course")
        .order_by("-completed_on", "course__code")
    )


@dataclass(frozen=True)
class SchoolBehind:
    school: OrgUnit
    teachers: int
    year_behind: int
    cycle_behind: int
    behind: int


def schools_behind(
    *, year: int, within: OrgUnit | None = None, rules: CreditRules | None = None
) -> list[SchoolBehind]:
    """Schools (under `within`, else under every root of the tree) with teachers behind
    at the end of `year`, in tree order. Nothing when the register holds no completion
    for that year: a year not loaded is not judged. Two or three queries."""
    rules = rules or CreditRules.from_settings()
    if not Completion.objects.filter(year=year).exists():
        return []
    roots = [within] if within is not None else list(OrgUnit.objects.filter(parent__isnull=True))
    rows = [r for root in roots for r in behind_by_school(unit=root, year=year, rules=rules)]
    wanted = [r for r in rows if r[4] > 0]
    schools = {u.path: u for u in OrgUnit.objects.filter(path__in=[r[0] for r in wanted])}
    return [
        SchoolBehind(schools[path], n, year_behind, cycle_behind, behind)
        for path, n, year_behind, cycle_behind, behind in wanted
        if path in schools
    ]
