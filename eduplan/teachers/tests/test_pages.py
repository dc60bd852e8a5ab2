"""The pages' queries do not grow with the teachers, and the who-is-behind figures are
the per-teacher arithmetic summed (the SQL and credits.py agree)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.urls import reverse

from eduplan.teachers.credits import CreditRules
from eduplan.teachers.importing import completions_import
from eduplan.teachers.models import Teacher
from eduplan.teachers.selectors import behind_table, school_teachers
from eduplan.teachers.tests.conftest import workbook


def _more_teachers(register, n):
    city = register.city
    schools = [city.jinshui_one, city.jinshui_two, city.erqi_one, city.bureau_school]
    Teacher.objects.bulk_create(
        Teacher(school=schools[i % 4], code=f"X{i:04d}", name=f"教师{i}") for i in range(n)
    )


def _queries(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_page_queries_stay_the_same_however_many_teachers(
    client, register, django_assert_max_num_queries
):
    client.force_login(register.city.users["jia"])
    behind = reverse("teachers:behind") + "?year=2016"
    school = reverse("teachers:school", args=[register.city.jinshui_one.code]) + "?year=2016"
    _more_teachers(register, 200)
    for url in (behind, school):
        _queries(client, django_assert_max_num_queries, url, 14)


def test_the_city_table_is_the_sum_of_each_teachers_standing(register):
    _more_teachers(register, 40)
    rng = random.Random(7)
    codes = list(Teacher.objects.values_list("code", flat=True))
    courses = [
        [f"K{i}", f"课程{i}", "机构", "市级", rng.choice([8, 20, 40, 60]), None, 2016, "否"]
        for i in range(8)
    ]
    rows = []
    for code in codes:
        for course in rng.sample(courses, rng.randrange(0, 4)):
            year = rng.choice([2016, 2017, 2018])
            rows.append([code, course[0], None, datetime.date(year, 6, 1), None])
    result = completions_import(
        user=register.city.users["jia"],
        data=workbook(courses=courses, completions=rows),
        filename="p.xlsx",
    )
    assert result.ok
    rules = CreditRules.from_settings()
    for year in (2016, 2017, 2018):
        table = behind_table(unit=register.city.root, year=year, rules=rules)
        expected = {"teachers": 0, "year": 0, "cycle": 0, "behind": 0}
        for school in {t.school for t in Teacher.objects.select_related("school")}:
            lines = school_teachers(
                user=register.city.users["jia"],
                school=school,
                at=datetime.date(year + 1, 1, 1),
                rules=rules,
            )
            for line in lines:
                s = line.standing
                expected["teachers"] += 1
                expected["year"] += s.year_short > Decimal(0)
                expected["cycle"] += s.cycle_short > Decimal(0)
                expected["behind"] += s.behind
        total = table.total
        assert total is not None
        assert (total.teachers, total.year_behind, total.cycle_behind, total.behind) == (
            expected["teachers"],
            expected["year"],
            expected["cycle"],
            expected["behind"],
        )
