"""The demo city is one world: its census, reports and pages agree, and `demo_check`
names any figure that does not (the unit, the period and the two figures)."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from eduplan.construction.models import SchoolClass
from eduplan.construction.selectors import class_census_by_school
from eduplan.dashboards.selectors.school import school_page_build
from eduplan.demo.checks import Problem, demo_check, demo_check_report
from eduplan.ledgers.models import LedgerRecord
from eduplan.org.models import OrgUnit, UnitType
from eduplan.plans.models import Milestone
from eduplan.reporting.models import DataValue, Status

pytestmark = pytest.mark.django_db


def approved(form: str, element: str):
    return DataValue.objects.filter(
        submission__form__code=form, element__code=element, submission__status=Status.APPROVED
    ).select_related("org_unit", "submission")


def named(problems: list[Problem]) -> set[tuple[str, str, str]]:
    return {(p.unit, p.period, p.figure) for p in problems}


def test_the_demo_city_contradicts_itself_nowhere(demo):
    report = demo_check_report()
    assert report.problems == []
    # Every kind of source was there to be checked.
    assert all(n > 0 for n in report.checked.values()), report.checked


def test_the_demo_check_command_says_ok_with_what_it_checked(demo):
    out = io.StringIO()
    call_command("demo", "check", stdout=out)
    text = out.getvalue()
    assert text.startswith("OK") and "班额报表" in text and len(text.strip().splitlines()) == 1


def test_the_demo_check_command_prints_each_contradiction_and_fails(demo):
    value = approved("class-size", "classes_total").order_by("pk").first()
    value.number += 1
    value.save()
    out = io.StringIO()
    with pytest.raises(CommandError, match="演示数据有 1 处矛盾"):
        call_command("demo", "check", stdout=out)
    assert f"{value.org_unit.code} {value.period}：classes_total" in out.getvalue()


def test_the_school_page_shows_the_census_its_class_size_report_repeats(demo):
    value = approved("class-size", "classes_total").filter(period="2016T2").order_by("pk").first()
    school = value.org_unit
    page = school_page_build(unit=school)
    census = {row["school_year"]: row for row in page.census}
    assert census[2016] == {
        k: v
        for k, v in class_census_by_school()[(school.pk, 2016)].items()
        if k not in {"school_id", "large_band"}
    }
    table = next(t for t in page.figures if t.id == "form-class-size")
    autumn = next(row for row in table.rows if row[0] == "2016年秋季学期")
    spring = next(row for row in table.rows if row[0] == "2017年春季学期")
    # Autumn 2016 and the next spring are both school year 2016: its census, twice.
    expected = [census[2016]["classes"], census[2016]["pupil_total"]]
    assert autumn[1:3] == spring[1:3] == expected
    ict = next(t for t in page.figures if t.id == "form-ict-status")
    assert next(row for row in ict.rows if row[0] == "2016年秋季学期")[1] == census[2016]["classes"]


def test_a_class_size_report_that_disagrees_with_the_census_is_named(demo):
    value = approved("class-size", "classes_large").order_by("pk")[3]
    value.number += 1
    value.save()
    assert named(demo_check()) == {(value.org_unit.code, value.period, "classes_large")}


def test_a_census_class_that_grows_into_a_large_class_is_named_in_every_report_of_its_year(demo):
    reported = approved("class-size", "classes_total").filter(period="2016T2")
    crowded = (
        SchoolClass.objects.filter(
            school_year=2016,
            pupils__lt=settings.EDUPLAN_LARGE_CLASS_MIN,
            school__in=reported.values("org_unit"),
        )
        .select_related("school")
        .order_by("pk")
        .first()
    )
    crowded.pupils = settings.EDUPLAN_LARGE_CLASS_MIN
    crowded.save()
    school = crowded.school.code
    # School year 2016 is reported in its autumn term and again in the next spring.
    periods = set(
        approved("class-size", "classes_total")
        .filter(org_unit=crowded.school, period__in=["2016T2", "2017T1"])
        .values_list("period", flat=True)
    )
    assert "2016T2" in periods
    assert named(demo_check()) == {
        (school, period, figure)
        for period in periods
        for figure in ("pupils_total", "classes_large")
    }


def test_an_ict_class_count_that_disagrees_with_the_census_is_named(demo):
    value = (
        approved("ict-status", "ict_classes")
        .exclude(org_unit__type=UnitType.VOCATIONAL)
        .order_by("pk")[5]
    )
    value.number -= 1
    value.save()
    [problem] = demo_check()
    assert (problem.unit, problem.period, problem.figure) == (
        value.org_unit.code,
        value.period,
        "ict_classes",
    )
    assert problem.against_value == value.number + 1


def test_a_vocational_school_whose_class_count_changes_is_named(demo):
    value = (
        approved("ict-status", "ict_classes")
        .filter(org_unit__type=UnitType.VOCATIONAL)
        .order_by("org_unit__code", "-period")
        .first()
    )
    value.number += 3
    value.save()
    assert named(demo_check()) == {(value.org_unit.code, value.period, "ict_classes")}


def build(period_filter: dict[str, object], element: str, **number: object):
    """A district's approved construction figure, the first matching the filters."""
    return (
        approved("construction-progress", element)
        .filter(**period_filter, **number)
        .order_by("org_unit__code", "period")
        .first()
    )


def figure(unit: OrgUnit, period: str, element: str) -> DataValue:
    return approved("construction-progress", element).get(org_unit=unit, period=period)


def test_a_cumulative_investment_that_goes_down_is_named(demo):
    # A report after one that had already spent something.
    values = list(
        approved("construction-progress", "build_investment").order_by("org_unit", "period")
    )
    value = next(
        v
        for before, v in itertools.pairwise(values)
        if v.org_unit_id == before.org_unit_id and before.number > 0
    )
    value.number = 0
    value.save()
    [problem] = demo_check()
    assert (problem.unit, problem.period, problem.figure, problem.relation) == (
        value.org_unit.code,
        value.period,
        "build_investment",
        "<",
    )


def test_new_places_with_no_project_started_are_named(demo):
    places = build({}, "build_places", number__gt=0)
    started = figure(places.org_unit, places.period, "build_started")
    started.number = 0
    started.save()
    problems = demo_check()
    assert (places.org_unit.code, places.period, "build_places") in named(problems)
    [bound] = [p for p in problems if p.figure == "build_places"]
    assert bound.value == places.number and bound.against_value == 0


def test_more_projects_completed_than_topped_out_are_named(demo):
    completed = build({}, "build_completed", number__gt=0)
    topped = figure(completed.org_unit, completed.period, "build_topped")
    topped.number = completed.number - 1
    topped.save()
    problems = demo_check()
    [order] = [p for p in problems if p.relation == ">"]
    assert (order.unit, order.period, order.figure, order.against) == (
        completed.org_unit.code,
        completed.period,
        "build_completed",
        "build_topped",
    )


def test_a_district_reporting_fewer_completions_than_new_schools_opened_is_named(demo):
    # The last report of a district in which the demo opened a new school.
    opened = OrgUnit.objects.filter(
        type__in=[UnitType.PRIMARY, UnitType.JUNIOR], opened_on__year__gte=2016
    ).order_by("code")[0]
    completed = (
        approved("construction-progress", "build_completed")
        .filter(org_unit=opened.parent, period__gte=f"{opened.opened_on.year + 1}B1")
        .order_by("-period")
        .first()
    )
    completed.number = 0
    completed.save()
    problems = [p for p in demo_check() if "新开办学校" in p.against]
    assert [(p.unit, p.period, p.figure) for p in problems] == [
        (completed.org_unit.code, completed.period, "build_completed")
    ]


def measure(element: str, **filters: object) -> DataValue:
    return approved("measure-progress", element).filter(**filters).order_by("pk").first()


def test_a_measure_percent_that_goes_down_is_named(demo):
    value = measure("mp_percent", number__gte=30, period__gte="2016B3")
    value.number = 0
    value.save()
    problems = [p for p in demo_check() if p.relation == "<"]
    assert [(p.unit, p.subject, p.period, p.figure) for p in problems] == [
        (value.org_unit.code, value.submission.subject, value.period, "mp_percent")
    ]


def test_a_measure_called_behind_while_on_schedule_is_named_twice(demo):
    status = measure("mp_status", text="正常推进")
    status.text = "滞后"
    status.save()
    problems = demo_check()
    # The percent means 正常推进, and the text says 按计划推进.
    assert {(p.unit, p.subject, p.period, p.against.split()[0]) for p in problems} == {
        (status.org_unit.code, status.submission.subject, status.period, "mp_percent"),
        (status.org_unit.code, status.submission.subject, status.period, "mp_narrative"),
    }


def test_a_measure_behind_with_an_on_schedule_text_is_named(demo):
    status = measure("mp_status", text="滞后")
    narrative = approved("measure-progress", "mp_narrative").get(submission=status.submission)
    narrative.text = "按计划推进"
    narrative.save()
    [problem] = demo_check()
    assert (problem.unit, problem.subject, problem.period, problem.against) == (
        status.org_unit.code,
        status.submission.subject,
        status.period,
        "mp_narrative",
    )


def test_the_demo_measures_show_every_status_with_percents_that_never_go_down(demo):
    statuses = set(approved("measure-progress", "mp_status").values_list("text", flat=True))
    assert statuses == {"未启动", "正常推进", "已完成", "滞后"}
    percents: dict[tuple[int, str], list[Decimal]] = {}
    for unit, subject, number in (
        approved("measure-progress", "mp_percent")
        .order_by("period")
        .values_list("org_unit_id", "submission__subject", "number")
    ):
        percents.setdefault((unit, subject), []).append(number)
    assert all(path == sorted(path) for path in percents.values())


def test_the_demo_document_numbers_read_as_demo_values(demo):
    fees = LedgerRecord.objects.filter(ledger__code="fee_items")
    entries = LedgerRecord.objects.filter(ledger__code="private_schools")
    numbers = [
        *(r.data["document_number"] for r in fees),
        *(r.data["licence_number"] for r in entries),
        *Milestone.objects.exclude(evidence="").values_list("evidence", flat=True),
        *Milestone.objects.exclude(document_number="").values_list("document_number", flat=True),
    ]
    assert numbers
    assert all(n.startswith("演示") for n in numbers), {n for n in numbers if "演示" not in n}
    waivers = [r.data["waivers"] for r in fees if "〔" in r.data.get("waivers", "")]
    assert waivers and all("演示" in w for w in waivers)
