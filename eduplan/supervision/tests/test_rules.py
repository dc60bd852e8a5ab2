"""Warning rules raise one order per thing found, for the unit that must answer, once."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine

from eduplan.core.errors import InputError
from eduplan.indicators.models import TargetAssessment
from eduplan.org.models import Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.plans.models import Milestone, PlanStatus, Target, Task
from eduplan.plans.tests.factories import make_plan
from eduplan.reporting.services import submission_save, submission_submit
from eduplan.reporting.tests.conftest import GOOD
from eduplan.supervision.models import OrderEvent, OrderStatus, Rule, SupervisionOrder
from eduplan.supervision.rules import last_period_ended, rule_specs
from eduplan.supervision.services import (
    order_close,
    order_feedback,
    order_sign,
    supervision_scan,
)

IN_TIME = datetime.datetime(2016, 7, 20, 9, 0, tzinfo=datetime.UTC)


def _submit(user, form, unit):
    with time_machine.travel(IN_TIME):
        draft = submission_save(
            user=user, form=form, org_unit=unit, period_code="2016T1", values=GOOD
        )
        return submission_submit(user=user, submission=draft, revision=draft.revision)


def _orders(rule):
    return {
        o.responsible_unit.name: o
        for o in SupervisionOrder.objects.filter(rule=rule).select_related("responsible_unit")
    }


def test_the_rules_table_names_every_rule_once_with_its_settings(settings):
    specs = rule_specs()
    assert [s.rule for s in specs] == [
        Rule.TARGET_OFF_TRACK,
        Rule.TARGET_NOT_ASSESSED,
        Rule.REPORT_MISSING,
        Rule.MILESTONE_OVERDUE,
        Rule.APPROVAL_PENDING,
        Rule.REPORT_MISSING_TWICE,
        Rule.TASK_BEHIND_TWICE,
        *REGISTER_RULES,
    ]
    settings.EDUPLAN_SUPERVISION_REPORT_MISSING_DAYS = 9
    missing = next(s for s in specs if s.rule == Rule.REPORT_MISSING)
    assert missing.days == 9 and missing.respond_days == 7
    assert next(s for s in specs if s.rule == Rule.TARGET_OFF_TRACK).days == 0


REGISTER_RULES = [
    Rule.PETITION_DEADLINE,
    Rule.PETITION_REPEATED,
    Rule.PETITION_GROUP,
    Rule.PETITION_SKIPPED_LEVEL,
    Rule.HAZARD_OVERDUE,
    Rule.LICENCE_EXPIRING,
    Rule.CREDITS_BEHIND,
]
RULES = """\
- rule: target_off_track
  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS
- rule: target_not_assessed
  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS
- rule: report_missing
  days: EDUPLAN_SUPERVISION_REPORT_MISSING_DAYS
  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS
  enabled: true
- rule: milestone_overdue
  days: EDUPLAN_SUPERVISION_MILESTONE_GRACE_DAYS
  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS
- rule: approval_pending
  days: EDUPLAN_SUPERVISION_APPROVAL_PENDING_DAYS
  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS
  finds: a submission waiting for approval
- rule: report_missing_twice
  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS
- rule: task_behind_twice
  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS
""" + "".join(
    f"- rule: {rule}\n  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS\n" for rule in REGISTER_RULES
)
OFF_TRACK = "- rule: target_off_track\n  respond_days: EDUPLAN_SUPERVISION_RESPOND_DAYS\n"
RESPOND = "EDUPLAN_SUPERVISION_RESPOND_DAYS"


def _with(old: str, new: str) -> str:
    assert RULES.count(old) == 1, old
    return RULES.replace(old, new)


def test_the_rules_file_the_refusals_start_from_is_read_whole(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    specs = rule_specs(path=path)
    assert [s.rule for s in specs] == [
        Rule.TARGET_OFF_TRACK,
        Rule.TARGET_NOT_ASSESSED,
        Rule.REPORT_MISSING,
        Rule.MILESTONE_OVERDUE,
        Rule.APPROVAL_PENDING,
        Rule.REPORT_MISSING_TWICE,
        Rule.TASK_BEHIND_TWICE,
        *REGISTER_RULES,
    ]
    assert specs[4].finds == "a submission waiting for approval" and specs[0].days_setting is None


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (_with("  enabled: true", "  enabled: true: false"), "rules.yaml:8:16", "YAML 格式错误"),
        ("rule: report_missing\n", "rules.yaml:1:1", "列表"),
        (_with(OFF_TRACK, "- target_off_track\n"), "rules.yaml:1:3 [0]", "键值结构"),
        (
            _with(f"  respond_days: {RESPOND}\n  finds", "  finds"),
            "rules.yaml:12:3 [4].respond_days",
            "缺少必填的键 respond_days",
        ),
        (_with("  finds:", "  found:"), "rules.yaml:15:3 [4].found", "未知的键 found"),
        (_with("  enabled: true", "  enabled: 是"), "rules.yaml:8:12 [2].enabled", "true 或 false"),
        (
            _with("- rule: target_off_track", "- rule: nonsense"),
            "rules.yaml:1:9 [0].rule",
            "nonsense",
        ),
        (
            _with("days: EDUPLAN_SUPERVISION_REPORT_MISSING_DAYS", "days: 5"),
            "rules.yaml:6:9 [2].days",
            "EDUPLAN_",
        ),
        (
            f"- {{rule: report_missing, respond_days: SECRET_KEY}}\n{RULES}",
            "rules.yaml:1:40 [0].respond_days",
            "EDUPLAN_",
        ),
        (
            _with(
                "days: EDUPLAN_SUPERVISION_REPORT_MISSING_DAYS",
                "days: EDUPLAN_SUPERVISION_OFFICE_CODE",
            ),
            "rules.yaml:6:9 [2].days",
            "不是整数设置",
        ),
        (
            _with(
                "days: EDUPLAN_SUPERVISION_MILESTONE_GRACE_DAYS", "days: EDUPLAN_TEST_NEGATIVE_DAYS"
            ),
            "rules.yaml:10:9 [3].days",
            "不能为负",
        ),
        (
            _with("- rule: approval_pending", "- rule: report_missing"),
            "rules.yaml:12:9 [4].rule",
            "重复",
        ),
        (
            f"- {{rule: report_missing, respond_days: {RESPOND}}}",
            "rules.yaml:1:1",
            "approval_pending",
        ),
        (
            f"- {{rule: manual, respond_days: {RESPOND}}}\n{RULES}",
            "rules.yaml:1:10 [0].rule",
            "人工立项",
        ),
    ],
)
def test_a_bad_rules_file_is_refused_saying_where(settings, tmp_path, text, where, fragment):
    settings.EDUPLAN_TEST_NEGATIVE_DAYS = -3
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(fragment)) as refused:
        rule_specs(path=path)
    assert refused.value.where == where
    assert fragment in refused.value.message


def test_a_report_missing_days_after_its_due_date_raises_an_order_for_the_unit_that_must_report(
    city, class_form
):
    _submit(city.users["alice"], class_form, city.jinshui_one)
    # Due 2016-08-15; five days' grace.
    assert supervision_scan(at=datetime.date(2016, 8, 20)).created[Rule.REPORT_MISSING] == 0
    result = supervision_scan(at=datetime.date(2016, 8, 21))
    orders = _orders(Rule.REPORT_MISSING)
    assert set(orders) == {"金水二小", "二七一小", "局属一中"}
    assert result.created[Rule.REPORT_MISSING] == 3
    order = orders["金水二小"]
    assert order.status == OrderStatus.ASSIGNED
    assert (order.assigned_on, order.due_on) == (
        datetime.date(2016, 8, 21),
        datetime.date(2016, 8, 28),
    )
    assert "班额情况" in order.title and "2016-08-15" in order.detail
    assert list(order.events.values_list("action", "actor")) == [("assign", None)]


def test_running_the_rules_twice_creates_nothing_new(city, class_form):
    first = supervision_scan(at=datetime.date(2016, 8, 21))
    assert first.total_created == 4  # 金水一小, 金水二小, 二七一小, 局属一中
    again = supervision_scan(at=datetime.date(2016, 8, 21))
    later = supervision_scan(at=datetime.date(2016, 8, 30))
    assert again.total_created == later.total_created == 0
    assert again.already == 4
    assert SupervisionOrder.objects.count() == 4
    assert OrderEvent.objects.count() == 4


def test_a_rules_run_closes_nothing_even_when_the_report_arrives(city, class_form):
    supervision_scan(at=datetime.date(2016, 8, 21))
    _submit(city.users["charlie"], class_form, city.erqi_one)
    supervision_scan(at=datetime.date(2016, 8, 22))
    assert _orders(Rule.REPORT_MISSING)["二七一小"].status == OrderStatus.ASSIGNED
    assert not SupervisionOrder.objects.filter(status=OrderStatus.CLOSED).exists()


def test_a_closed_order_is_not_raised_again_for_the_same_occurrence(city, class_form):
    supervision_scan(at=datetime.date(2016, 8, 21))
    order = _orders(Rule.REPORT_MISSING)["二七一小"]
    charlie = city.users["charlie"]
    order_sign(user=charlie, order=order)
    order_feedback(user=charlie, order=order, response="已于8月22日补报")
    order_close(user=city.users["sue"], order=order)
    assert supervision_scan(at=datetime.date(2016, 8, 23)).total_created == 0
    assert SupervisionOrder.objects.filter(subject=order.subject).count() == 1


def test_an_approval_waiting_too_long_goes_to_the_schools_district_or_the_forms_owner(
    city, class_form
):
    stu = user_with_role("stu", Role.SCHOOL_REPORTER, city.bureau_school)
    _submit(city.users["alice"], class_form, city.jinshui_one)
    _submit(stu, class_form, city.bureau_school)
    # Submitted 2016-07-20; waiting more than five days on 07-26.
    assert supervision_scan(at=datetime.date(2016, 7, 25)).created[Rule.APPROVAL_PENDING] == 0
    supervision_scan(at=datetime.date(2016, 7, 26))
    orders = _orders(Rule.APPROVAL_PENDING)
    assert set(orders) == {"金水区", "基础教育处"}
    assert "金水一小" in orders["金水区"].title
    assert "局属一中" in orders["基础教育处"].title


@pytest.fixture
def active_plan(city):
    plan = make_plan(
        code="test-2016", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    return plan


def _assess(target, status, user, period="2016B3"):
    TargetAssessment.objects.create(
        target=target, period=period, status=status, comment="进度评估", assessed_by=user
    )


def test_an_off_track_target_goes_to_its_projects_lead_and_a_work_points_never_to_the_office(
    city, active_plan
):
    office = OrgUnitFactory(
        code="DEPT-DCS", name="督查室", type=UnitType.DEPARTMENT, parent=city.root
    )
    dan = city.users["dan"]
    first, second = Target.objects.filter(plan=active_plan, goal__isnull=False).order_by(
        "goal__project__number"
    )
    point = Target.objects.create(
        plan=active_plan,
        work_point=active_plan.work_points.get(),
        indicator="党建示范点",
        value=Decimal(10),
        unit="个",
        comparator=">=",
        source="建设10个党建示范点",
    )
    _assess(first, "on_track", dan)
    _assess(second, "off_track", dan)
    _assess(point, "off_track", dan)
    # On 2016-07-05 the last bimonthly period ended is 2016B3 (May–June).
    assert last_period_ended(datetime.date(2016, 7, 5), "bimonthly").code == "2016B3"
    supervision_scan(at=datetime.date(2016, 7, 5))
    orders = _orders(Rule.TARGET_OFF_TRACK)
    # The office supervises the work points; it never answers an order itself: a work
    # point without tasks or projects falls to the bureau above it.
    assert set(orders) == {city.dept_sports.name, city.root.name}
    assert office.name not in orders
    assert orders[city.dept_sports.name].occurrence == "2016B3"
    assert "第二项工程" in orders[city.dept_sports.name].title
    assert "工作要点 1" in orders[city.root.name].title
    # Still off track a period later: the open order stands, no second one.
    assert supervision_scan(at=datetime.date(2016, 9, 5)).created[Rule.TARGET_OFF_TRACK] == 0


def test_a_work_points_target_goes_to_the_unit_leading_its_work_not_the_office(city, active_plan):
    office = OrgUnitFactory(
        code="DEPT-DCS", name="督查室", type=UnitType.DEPARTMENT, parent=city.root
    )
    work_point = active_plan.work_points.get()
    for number, lead in ((1, office), (2, city.dept_basic)):  # a proposal still led by the office
        Task.objects.create(
            plan=active_plan,
            work_point=work_point,
            number=number,
            title=f"任务{number}",
            lead_unit=lead,
            deadline=datetime.date(2016, 12, 31),
            year=2016,
        )
    point = Target.objects.create(
        plan=active_plan,
        work_point=work_point,
        indicator="党建示范点",
        value=Decimal(10),
        unit="个",
        comparator=">=",
        source="建设10个党建示范点",
    )
    _assess(point, "off_track", city.users["dan"])
    supervision_scan(at=datetime.date(2016, 7, 5))
    assert set(_orders(Rule.TARGET_OFF_TRACK)) == {city.dept_basic.name}
    assert not SupervisionOrder.objects.filter(responsible_unit=office).exists()


def test_without_an_office_department_a_work_points_target_goes_to_the_bureau(city, active_plan):
    point = Target.objects.create(
        plan=active_plan,
        work_point=active_plan.work_points.get(),
        indicator="党建示范点",
        value=Decimal(10),
        unit="个",
        comparator=">=",
        source="建设10个党建示范点",
    )
    _assess(point, "off_track", city.users["dan"])
    supervision_scan(at=datetime.date(2016, 7, 5))
    assert set(_orders(Rule.TARGET_OFF_TRACK)) == {city.root.name}


def test_an_overdue_milestone_goes_to_its_projects_lead_department(city, active_plan):
    project = active_plan.projects.get(number=1)
    Milestone.objects.create(
        project=project, year=2016, title="开展试点", due_on=datetime.date(2016, 12, 31)
    )
    assert supervision_scan(at=datetime.date(2016, 12, 31)).created[Rule.MILESTONE_OVERDUE] == 0
    supervision_scan(at=datetime.date(2017, 1, 1))
    orders = _orders(Rule.MILESTONE_OVERDUE)
    assert set(orders) == {city.dept_basic.name}
    assert "开展试点" in orders[city.dept_basic.name].title


def test_draft_plans_raise_nothing(city, active_plan):
    active_plan.status = PlanStatus.DRAFT
    active_plan.save(update_fields=["status"])
    Milestone.objects.create(
        project=active_plan.projects.get(number=1),
        year=2016,
        title="开展试点",
        due_on=datetime.date(2016, 12, 31),
    )
    assert supervision_scan(at=datetime.date(2017, 1, 1)).total_created == 0
