"""Loading the demo: the bureau's organisation, the plan, a synthetic city and accounts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from eduplan.appraisal.loading import weights_load
from eduplan.appraisal.models import WeightSet
from eduplan.construction.models import SchoolClass
from eduplan.core.db import statistics_refresh
from eduplan.core.figure_store import store_warm
from eduplan.core.figures_cache import figures_changed
from eduplan.core.periods import PeriodType, period_from_code, periods_in_year
from eduplan.demo.generator import DemoCity, generate
from eduplan.demo.history import history_load
from eduplan.demo.kindergartens import kindergartens_demo_seed
from eduplan.demo.ledgers import ledgers_demo_seed
from eduplan.football.demo import football_demo_seed
from eduplan.football.models import Competition
from eduplan.indicators.loading import bindings_load
from eduplan.indicators.models import TargetBinding
from eduplan.indicators.selectors import bound_metric_keys
from eduplan.kindergartens.models import Kindergarten
from eduplan.ledgers.models import Ledger
from eduplan.org.models import Membership, OrgUnit, Role, UnitType
from eduplan.org.services import org_path_load, org_units_create
from eduplan.petitions.demo import petitions_demo_seed
from eduplan.petitions.models import PetitionCase
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.models import Milestone, MilestoneEvidence, MilestoneKind, Plan
from eduplan.plans.services import plan_load
from eduplan.reporting.loading import forms_load
from eduplan.reporting.models import DataValue, ExpectedReport, Form, Status, Submission
from eduplan.reporting.services import expected_reports_open
from eduplan.safety.demo import safety_demo_seed
from eduplan.safety.models import InspectionRound
from eduplan.supervision.services import supervision_scan
from eduplan.teachers.demo import teachers_demo_seed
from eduplan.teachers.models import Teacher
from eduplan.valueadded.demo import valueadded_demo_seed
from eduplan.valueadded.models import Pupil

ORG_FILE = Path(settings.BASE_DIR) / "org" / "data" / "zhengzhou.yaml"
PLAN_FILE = Path(settings.BASE_DIR) / "plans" / "data" / "zhengzhou-2016.yaml"
DEMO_PASSWORD = "eduplan2016"
DEMO_SCAN_DAY = datetime.date(2017, 1, 10)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope_code: str
    department_code: str | None = None
    superuser: bool = False


def org_load_file(path: Path = ORG_FILE) -> list[OrgUnit]:
    """Load a bureau's organisation file (bureau, departments, districts, units, groups),
    Zhengzhou's by default, as `eduplan org load` does."""
    return org_path_load(path=path)


@transaction.atomic
def demo_city_load(*, scale: float, seed: int) -> DemoCity:
    """Add the synthetic city's schools and class census under the loaded districts."""
    root = OrgUnit.objects.get(type=UnitType.BUREAU, parent__isnull=True)
    districts = {
        u.code: (u.name, u.attributes.get("kind", "urban"))
        for u in OrgUnit.objects.filter(type=UnitType.DISTRICT)
    }
    city = generate(districts=districts, root_code=root.code, scale=scale, seed=seed)
    units = org_units_create(specs=city.units, source="demo")
    ids = {u.code: u.pk for u in units}
    SchoolClass.objects.bulk_create(
        (
            SchoolClass(
                school_id=ids[row.school_code],
                school_year=row.school_year,
                grade=row.grade,
                number=row.number,
                pupils=row.pupils,
            )
            for row in city.classes
        ),
        batch_size=2000,
    )
    figures_changed()
    statistics_refresh(SchoolClass)  # the units were analyzed by org_units_create
    return city


def demo_accounts() -> list[DemoAccount]:
    """One account per role, with two schools in one district and one in another, so
    that scope can be tried by hand."""
    root = OrgUnit.objects.get(type=UnitType.BUREAU, parent__isnull=True)
    jinshui = OrgUnit.objects.get(code="410105")
    erqi = OrgUnit.objects.get(code="410103")
    schools = OrgUnit.objects.filter(type=UnitType.PRIMARY, closed_on__isnull=True).order_by("code")
    jinshui_schools = list(schools.filter(path__startswith=jinshui.path)[:2])
    erqi_school = schools.filter(path__startswith=erqi.path).first()
    high_school = (
        OrgUnit.objects.filter(type=UnitType.SENIOR, closed_on__isnull=True)
        .order_by("code")
        .first()
    )
    accounts = [
        DemoAccount("admin", Role.SUPERVISION, root.code, "DEPT-DCS", superuser=True),
        DemoAccount("leader", Role.LEADER, root.code),
        DemoAccount("duchashi", Role.SUPERVISION, root.code, "DEPT-DCS"),
        DemoAccount("jichu", Role.DEPARTMENT, root.code, "DEPT-JCJY"),
        DemoAccount("tiweiyi", Role.DEPARTMENT, root.code, "DEPT-TWY"),
        # 计划财务处 reviews the fee items (收费公示) of the schools the bureau runs itself.
        DemoAccount("caiwu", Role.DEPARTMENT, root.code, "DEPT-JJC"),
        # 教师工作处 keeps the teachers' continuing-education credits.
        DemoAccount("jiaoshi", Role.DEPARTMENT, root.code, "DEPT-JSC"),
        # 信访办公室 registers and routes petition cases, and alone reads petitioners.
        DemoAccount("xinfang", Role.DEPARTMENT, root.code, "DEPT-XF"),
        # 安全稳定工作处 runs the city's safety rounds and verifies the schools' fixes.
        DemoAccount("anquan", Role.DEPARTMENT, root.code, "DEPT-AQ"),
        DemoAccount("jinshui", Role.DISTRICT_ADMIN, jinshui.code),
        DemoAccount("erqi", Role.DISTRICT_ADMIN, erqi.code),
    ]
    for i, school in enumerate(jinshui_schools, start=1):
        accounts.append(DemoAccount(f"jinshui-school{i}", Role.SCHOOL_REPORTER, school.code))
    if erqi_school is not None:
        accounts.append(DemoAccount("erqi-school1", Role.SCHOOL_REPORTER, erqi_school.code))
    if high_school is not None:
        # A high school's own account: its leaders read its value-added figures.
        accounts.append(DemoAccount("gaozhong-school1", Role.SCHOOL_REPORTER, high_school.code))
    # 学前教育处 runs the city's steps of 普惠认定, 达标升级 and 复评抽验; a Jinshui
    # kindergarten's reporter follows its own application.
    accounts.append(DemoAccount("xueqian", Role.DEPARTMENT, root.code, "DEPT-XQJY"))
    kindergarten = (
        OrgUnit.objects.filter(
            type=UnitType.KINDERGARTEN, closed_on__isnull=True, path__startswith=jinshui.path
        )
        .order_by("code")
        .first()
    )
    if kindergarten is not None:
        accounts.append(DemoAccount("jinshui-kg1", Role.SCHOOL_REPORTER, kindergarten.code))
    return accounts


@transaction.atomic
def demo_accounts_create(*, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Create the demo accounts (skipping any that exist) and return them."""
    User = get_user_model()
    accounts = demo_accounts()
    units = {
        u.code: u
        for u in OrgUnit.objects.filter(
            code__in=[a.scope_code for a in accounts]
            + [a.department_code for a in accounts if a.department_code]
        )
    }
    for account in accounts:
        if User.objects.filter(username=account.username).exists():
            continue
        if account.superuser:
            user = User.objects.create_superuser(account.username, password=password)
        else:
            user = User.objects.create_user(account.username, password=password)
        Membership.objects.create(
            user=user,
            role=account.role,
            scope=units[account.scope_code],
            department=units.get(account.department_code or ""),
        )
    return accounts


def demo_milestones_done(*, before: datetime.date) -> int:
    """The plan's first-year project milestones were met on time in the demo (a fortnight
    before they fell due), so the supervision scan raises no order for them. A task's
    milestones were met when its progress reports first said 已完成 (at that period's
    end), with a link as evidence; the others are still open. Document numbers read as
    demo ones, never as a real 文号."""
    milestones = Milestone.objects.filter(
        task__isnull=True, due_on__lt=before, done_on__isnull=True
    )
    for m in milestones:
        m.done_on = m.due_on - datetime.timedelta(days=14)
        m.evidence = f"演示文号〔{m.due_on.year}〕{100 + m.pk}号（示例，非真实文件）"
        m.save(update_fields=["done_on", "evidence"])
    return len(milestones) + _task_milestones_done(before=before)


def _task_milestones_done(*, before: datetime.date) -> int:
    done_at: dict[str, datetime.date] = {}
    for subject, period in (
        DataValue.objects.filter(
            element__code="mp_status",
            text="已完成",
            submission__form__code="measure-progress",
            submission__status=Status.APPROVED,
            submission__subject__startswith="task:",
        )
        .order_by("period")
        .values_list("submission__subject", "period")
    ):
        end = period_from_code(period).end
        if end < before:
            done_at.setdefault(subject, end)
    milestones = list(
        Milestone.objects.filter(task__isnull=False, done_on__isnull=True).order_by("pk")
    )
    done = [m for m in milestones if f"task:{m.task_id}" in done_at]
    for m in done:
        m.done_on = min(done_at[f"task:{m.task_id}"], m.due_on)
        if m.kind == MilestoneKind.DOCUMENT:
            m.document_number = f"演示文号〔{m.year}〕{100 + m.pk}号"
    Milestone.objects.bulk_update(done, ["done_on", "document_number"])
    MilestoneEvidence.objects.bulk_create(
        MilestoneEvidence(
            milestone=m,
            url=f"https://demo.eduplan.invalid/milestones/{m.pk}",
            note="演示佐证材料（示例，非真实文件）",
        )
        for m in done
    )
    figures_changed()
    return len(done)


def demo_setup(*, scale: float = 1.0, seed: int = 2016) -> dict[str, object]:
    """Load whatever is missing (organisation, plan, city, accounts) and say what was done."""
    done: dict[str, object] = {}
    if not OrgUnit.objects.filter(type=UnitType.BUREAU).exists():
        done["org"] = len(org_load_file())
    if not Plan.objects.exists():
        done["plan"] = plan_load(spec=plan_spec_from_file(PLAN_FILE)).code
    if not OrgUnit.objects.exclude(
        type__in=[UnitType.BUREAU, UnitType.DEPARTMENT, UnitType.DISTRICT]
    ).exists():
        city = demo_city_load(scale=scale, seed=seed)
        done["schools"] = len(city.units)
        done["classes"] = len(city.classes)
        done["pupils"] = city.pupils
    if not Form.objects.exists():
        done["forms"] = len(forms_load())
        for form in Form.objects.all():
            for period in periods_in_year(2016, PeriodType(form.period_type)):
                expected_reports_open(form=form, period_code=period.code)
        done["expected_reports"] = ExpectedReport.objects.count()
    if not Ledger.objects.exists():
        done.update(ledgers_demo_seed(scale=scale, seed=seed))
    if not Kindergarten.objects.exists():
        done.update(kindergartens_demo_seed(scale=scale, seed=seed))
    if not TargetBinding.objects.exists():
        done["bindings"] = len(bindings_load())
    if not Teacher.objects.exists():
        # Before the scan, so that credits_behind finds the schools behind in 2016.
        done.update(teachers_demo_seed(seed=seed))
    if not PetitionCase.objects.exists():
        done.update(petitions_demo_seed(scale=scale, seed=seed))
    if not InspectionRound.objects.exists():
        # Its inspector (a demo account) verifies the 2016 fixes; the scan below sees them.
        demo_accounts_create()
        done.update(safety_demo_seed(seed=seed, now=DEMO_SCAN_DAY))
    if not Submission.objects.exists():
        done["history"] = history_load(scale=scale, seed=seed)
        done["milestones_done"] = demo_milestones_done(before=DEMO_SCAN_DAY)
        # The demo's "now" for supervision: just after the 2016 bimonthly round was due.
        done["orders"] = supervision_scan(at=DEMO_SCAN_DAY).total_created
    if not WeightSet.objects.exists():
        done["appraisal_weights"] = weights_load()[0].version
    if not Competition.objects.exists():
        done.update({k: v for k, v in football_demo_seed(seed=seed).items() if v})
    if not Pupil.objects.exists():
        done.update(valueadded_demo_seed(seed=seed))
    demo_accounts_create()
    if done:  # the first reader finds every bound figure built
        done["figures_stored"] = store_warm(bound_metric_keys())
    return done
