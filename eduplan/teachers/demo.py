"""Demo register: the teachers of the demo city's schools, the 2016 course catalogue and
who completed what in 2016 (the first year of the 2016–2020 cycle), with 2017's
enrolments not yet completed: the demo's "now" is January 2017.

One truth per school: most schools see that their teachers train (a few of their
teachers fall short), some lag (many do); a teacher's hours follow from that. The hosts
of the studios ledger's 名班主任 studios hold a 名班主任 term linked to their studio.
Seeded: the same seed gives the same register.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from eduplan.core.figures_cache import figures_changed
from eduplan.ledgers.models import LedgerRecord, RecordStatus
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import open_on
from eduplan.teachers.models import (
    TEACHER_SCHOOL_TYPES,
    Completion,
    Course,
    CourseLevel,
    MasterTerm,
    Teacher,
)

YEAR = 2016
TEACHERS_PER_SCHOOL = {
    "primary": 18,
    "junior": 24,
    "senior": 36,
    "nine_year": 28,
    "complete": 40,
    "vocational": 24,
    "special": 8,
}
LAGGING_SHARE = 0.08  # schools where training lags
BEHIND_CHANCE = {False: 0.03, True: 0.4}  # a teacher short of the minimum, by lagging
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅雪琳晨辉鹏宇浩婷颖"
SUBJECTS = [
    "语文",
    "数学",
    "英语",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "政治",
    "音乐",
    "体育",
    "美术",
]
# (code, name, provider, level, hours, backbone)
CATALOGUE = [
    ("GP2016-01", "国培计划·学科教学能力提升", "教育部国培项目办", CourseLevel.NATIONAL, 60, False),
    ("GP2016-02", "国培计划·信息技术应用能力", "教育部国培项目办", CourseLevel.NATIONAL, 50, False),
    ("HN2016-01", "河南省骨干教师高级研修", "河南省教师教育中心", CourseLevel.PROVINCIAL, 80, True),
    ("HN2016-02", "师德师风专题培训", "河南省教师教育中心", CourseLevel.PROVINCIAL, 24, False),
    ("HN2016-03", "新课程标准解读", "河南省教师教育中心", CourseLevel.PROVINCIAL, 36, False),
    ("ZZ2016-01", "郑州市骨干教师培训", "郑州市教师教育网", CourseLevel.CITY, 60, True),
    ("ZZ2016-02", "班主任工作专题研修", "郑州市教师教育网", CourseLevel.CITY, 30, False),
    ("ZZ2016-03", "课堂教学评价与诊断", "郑州市教师教育网", CourseLevel.CITY, 40, False),
    ("ZZ2016-04", "心理健康教育", "郑州市教师教育网", CourseLevel.CITY, 20, False),
    ("QX2016-01", "区域教研专题", "区县教师进修学校", CourseLevel.DISTRICT, 24, False),
    ("QX2016-02", "校园安全与应急", "区县教师进修学校", CourseLevel.DISTRICT, 12, False),
    ("XB2016-01", "校本研修·教学反思", "学校", CourseLevel.SCHOOL, 16, False),
    ("XB2016-02", "校本研修·听课评课", "学校", CourseLevel.SCHOOL, 12, False),
]
ENROLMENT_2017 = ("ZZ2017-01", "郑州市2017年教师全员培训", "郑州市教师教育网", CourseLevel.CITY, 40)
HOURS_PER_CREDIT = 10


def _id_number(rng: random.Random, area: str, born: datetime.date) -> str:
    """A well-formed (check digit included) but invented ID number."""
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def _teachers(rng: random.Random, schools: list[OrgUnit]) -> list[Teacher]:
    teachers = []
    for school in schools:
        area = school.code[:6] if school.code[:6].isdigit() else "410100"
        count = max(3, round(TEACHERS_PER_SCHOOL.get(school.type, 12) * rng.uniform(0.7, 1.3)))
        for n in range(1, count + 1):
            born = datetime.date(rng.randint(1960, 1994), rng.randint(1, 12), rng.randint(1, 28))
            teachers.append(
                Teacher(
                    school=school,
                    code=f"{school.code}-{n:03d}",
                    name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
                    subject=rng.choice(SUBJECTS),
                    backbone=rng.random() < 0.1,
                    id_number=_id_number(rng, area, born),
                    phone=f"13{rng.randrange(10**9):09d}",
                    birth_date=born,
                )
            )
    return teachers


def _courses() -> dict[str, Course]:
    rows = [
        Course(
            code=code,
            name=name,
            provider=provider,
            level=level,
            hours=Decimal(hours),
            credits=Decimal(hours) / HOURS_PER_CREDIT,
            year=YEAR,
            backbone=backbone,
        )
        for code, name, provider, level, hours, backbone in CATALOGUE
    ]
    code, name, provider, level, hours = ENROLMENT_2017
    rows.append(
        Course(
            code=code,
            name=name,
            provider=provider,
            level=level,
            hours=Decimal(hours),
            credits=Decimal(hours) / HOURS_PER_CREDIT,
            year=YEAR + 1,
        )
    )
    Course.objects.bulk_create(rows)
    return {c.code: c for c in Course.objects.all()}


def _completions(
    rng: random.Random, teachers: list[Teacher], courses: dict[str, Course], lagging: set[int]
) -> list[Completion]:
    ordinary = [c for c in courses.values() if c.year == YEAR and not c.backbone]
    backbone = [c for c in courses.values() if c.backbone]
    rows = []
    for teacher in teachers:
        short = rng.random() < BEHIND_CHANCE[teacher.school_id in lagging]
        goal = rng.randint(10, 60) if short else rng.randint(72, 130)
        chosen: list[Course] = []
        if teacher.backbone and not short and rng.random() < 0.4:
            chosen.append(rng.choice(backbone))
        pool = rng.sample(ordinary, len(ordinary))
        while pool and sum(c.hours for c in chosen) < goal:
            course = pool.pop()
            if short and sum(c.hours for c in chosen) + course.hours >= 72:
                continue
            chosen.append(course)
        for course in chosen:
            start = datetime.date(YEAR, rng.randint(2, 10), rng.randint(1, 28))
            done = start + datetime.timedelta(days=rng.randint(7, 60))
            rows.append(
                Completion(
                    teacher=teacher,
                    course=course,
                    enrolled_on=start,
                    completed_on=done,
                    year=done.year,
                    hours=course.hours,
                )
            )
        if rng.random() < 0.5:
            rows.append(
                Completion(
                    teacher=teacher,
                    course=courses[ENROLMENT_2017[0]],
                    enrolled_on=datetime.date(YEAR + 1, 1, rng.randint(3, 9)),
                    hours=Decimal(0),
                )
            )
    return rows


def _master_terms(rng: random.Random, teachers: list[Teacher]) -> list[MasterTerm]:
    """名班主任 terms for the hosts of the studios ledger's 名班主任 studios (linked), and
    a few 郑州市名师 terms."""
    by_school: dict[int, list[Teacher]] = {}
    for t in teachers:
        by_school.setdefault(t.school_id, []).append(t)
    terms = []
    studios = LedgerRecord.objects.filter(
        ledger__code="studios", status=RecordStatus.ACTIVE, data__category="名班主任工作室"
    ).order_by("pk")
    for record in studios:
        staff = by_school.get(record.org_unit_id)
        if not staff:
            continue
        host = staff[0]
        if record.data.get("host"):
            host.name = str(record.data["host"])[:50]
            host.save(update_fields=["name"])
        terms.append(
            MasterTerm(
                teacher=host,
                title="郑州市名班主任",
                level=CourseLevel.CITY,
                first_year=YEAR,
                last_year=YEAR + 4,
                studio=record,
            )
        )
    for teacher in rng.sample(teachers, min(len(teachers), max(1, len(teachers) // 400))):
        terms.append(
            MasterTerm(
                teacher=teacher,
                title="郑州市名师",
                level=CourseLevel.CITY,
                first_year=YEAR,
                last_year=YEAR + 4,
            )
        )
    return terms


@transaction.atomic
def teachers_demo_seed(*, seed: int) -> dict[str, int]:
    """The demo city's teachers, courses and 2016 completions; returns what was created."""
    rng = random.Random(seed * 31 + 17)
    schools = list(
        OrgUnit.objects.filter(type__in=TEACHER_SCHOOL_TYPES)
        .filter(open_on(datetime.date(YEAR, 1, 1)))
        .order_by("code")
    )
    lagging = {s.pk for s in schools if rng.random() < LAGGING_SHARE}
    teachers = Teacher.objects.bulk_create(_teachers(rng, schools), batch_size=2000)
    courses = _courses()
    completions = _completions(rng, teachers, courses, lagging)
    Completion.objects.bulk_create(completions, batch_size=2000)
    terms = MasterTerm.objects.bulk_create(_master_terms(rng, teachers))
    figures_changed()
    return {
        "teachers": len(teachers),
        "courses": len(courses),
        "completions": len(completions),
        "master_terms": len(terms),
    }
