"""The demo city's kindergarten register, read off the one simulated world: ownership and
grade from each kindergarten's unit, children from the same growth the term reports
use, 普惠 certifications on the days the reports' history certified them, the gradings
and re-evaluation rounds of the ledger kindergarten_grading, and a few applications in
flight (one on public notice from the day the demo is set up). Seeded, bulk-written."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from eduplan.core.figures_cache import figures_changed
from eduplan.core.periods import period_from_code
from eduplan.demo.history import certified_dates, kindergarten_children
from eduplan.kindergartens.models import (
    GRADE_LEDGER_NAMES,
    GRADE_ORDER,
    Application,
    ApplicationEvent,
    Certification,
    Enrolment,
    Grade,
    Grading,
    Kindergarten,
    Ownership,
    RecheckItem,
    RecheckRound,
)
from eduplan.kindergartens.workflow import working_days_after
from eduplan.ledgers.models import LedgerRecord, RecordStatus
from eduplan.org.models import OrgUnit, UnitType
from eduplan.org.models import Ownership as UnitOwnership

YEARS = (2015, 2016, 2017, 2018)
GRADE_OF = {name: grade for grade, name in GRADE_LEDGER_NAMES.items()}
RECHECK_RESULTS = {
    "保持等级": "kept",
    "限期整改": "kept",
    "降低等级": "lowered",
    "撤销等级": "revoked",
}
S = Application.Status


def _document(rng: random.Random, year: int) -> str:
    return f"郑教基〔{year}〕{rng.randint(10, 199)}号（演示）"


def _entries(
    rng: random.Random, units: list[OrgUnit], certified: dict[int, datetime.date | None]
) -> list[Kindergarten]:
    entries = []
    for unit in units:
        if unit.ownership == UnitOwnership.PRIVATE:
            ownership = Ownership.PRIVATE
            fee = (
                rng.randrange(600, 1300, 50)
                if certified.get(unit.pk)
                else rng.randrange(800, 3800, 100)
            )
        else:
            ownership = Ownership.COLLECTIVE if rng.random() < 0.12 else Ownership.PUBLIC
            fee = rng.randrange(210, 460, 10)
        grade = GRADE_OF.get(str(unit.attributes.get("grade", "")), "")
        opened = unit.opened_on or datetime.date(2008, 9, 1)
        entries.append(
            Kindergarten(
                unit=unit,
                unit_path=unit.path,
                ownership=ownership,
                licence_number=f"教幼许字〔{opened.year}〕{unit.code[-4:]}号（演示）",
                licence_issued_on=opened,
                fee_monthly=Decimal(fee),
                fee_basis="郑州市发展和改革委员会 郑发改价管〔2015〕号（演示）",
                hotline=f"0371-6{rng.randint(1000000, 9999999)}",
                grade=grade,
                graded_on=datetime.date(rng.randint(2011, 2015), rng.randint(3, 11), 15)
                if grade
                else None,
            )
        )
    return Kindergarten.objects.bulk_create(entries, batch_size=2000)


def _enrolments(kgs: list[Kindergarten]) -> list[Enrolment]:
    rows = []
    for year in YEARS:
        period = period_from_code(f"{year}T2")
        for kg in kgs:
            unit = kg.unit
            if (unit.opened_on and unit.opened_on > period.end) or (
                unit.closed_on and unit.closed_on < period.start
            ):
                continue
            children = kindergarten_children(unit, period)
            three, four = children * 30 // 100, children * 33 // 100
            rows.append(
                Enrolment(
                    kindergarten=kg,
                    unit_path=kg.unit_path,
                    year=year,
                    counted_on=datetime.date(year, 9, 1),
                    classes=max(3, children // 30),
                    children_3=three,
                    children_4=four,
                    children_5=children - three - four,
                )
            )
    return Enrolment.objects.bulk_create(rows, batch_size=5000)


def _gradings(rng: random.Random, kgs: list[Kindergarten]) -> int:
    """The first grading of each graded kindergarten, then the ledger's upgrades and
    re-evaluations in date order (the register's grade follows them), and a round per
    year drawn from what the ledger's draw drew from."""
    by_code = {kg.unit.code: kg for kg in kgs}
    gradings = [
        Grading(
            kindergarten=kg,
            grade=kg.grade,
            graded_on=kg.graded_on,
            document=_document(rng, kg.graded_on.year),
            source=Grading.Source.INITIAL,
        )
        for kg in kgs
        if kg.grade and kg.graded_on
    ]
    first_grade = {kg.pk: kg.grade for kg in kgs}
    records = (
        LedgerRecord.objects.filter(ledger__code="kindergarten_grading", status=RecordStatus.ACTIVE)
        .select_related("org_unit")
        .order_by("on", "pk")
    )
    draws: dict[int, list[LedgerRecord]] = defaultdict(list)
    before: dict[int, str] = {}
    for record in records:
        kg = by_code.get(record.org_unit.code) if record.org_unit_id else None
        if kg is None:
            continue
        if record.data.get("kind") == "达标升级":
            new = GRADE_OF.get(record.data.get("grade_after", ""), "")
        else:
            draws[record.on.year].append(record)
            before[record.pk] = kg.grade
            result = RECHECK_RESULTS.get(record.data.get("result", ""), "kept")
            rank = GRADE_ORDER.index(kg.grade) if kg.grade else 0
            new = {"kept": kg.grade, "lowered": GRADE_ORDER[max(0, rank - 1)], "revoked": ""}[
                result
            ]
            if new == kg.grade:
                continue
        gradings.append(
            Grading(
                kindergarten=kg,
                grade=new,
                graded_on=record.on,
                document=_document(rng, record.on.year),
                source=Grading.Source.UPGRADE
                if record.data.get("kind") == "达标升级"
                else Grading.Source.RECHECK,
                ledger_record=record,
            )
        )
        kg.grade, kg.graded_on = new, record.on
    Grading.objects.bulk_create(gradings, batch_size=5000)
    Kindergarten.objects.bulk_update(kgs, ["grade", "graded_on"], batch_size=2000)
    _rounds(draws, before, by_code, first_grade)
    return len(gradings)


def _rounds(
    draws: dict[int, list[LedgerRecord]],
    before: dict[int, str],
    by_code: dict[str, Kindergarten],
    first_grade: dict[int, str],
) -> None:
    items = []
    for year, records in sorted(draws.items()):
        records.sort(key=lambda r: int(r.data.get("draw_order") or 0))
        # The ledger's draw: kindergartens graded above 合格 (by their first grade) open on
        # 5 December, in code order.
        day = datetime.date(year, 12, 5)
        drawn_from = [
            code
            for code, kg in sorted(by_code.items())
            if first_grade[kg.pk] not in ("", Grade.QUALIFIED) and kg.unit.is_open_on(day)
        ]
        round_ = RecheckRound.objects.create(
            year=year,
            seed=str(records[0].data.get("draw_seed", "")),
            size=len(records),
            population=len(drawn_from),
            drawn_from=drawn_from,
            drawn_on=datetime.date(year, 11, 1),
        )
        for record in records:
            kg = by_code[record.org_unit.code]
            result = RECHECK_RESULTS.get(record.data.get("result", ""), "kept")
            grade_before = before[record.pk]
            rank = GRADE_ORDER.index(grade_before) if grade_before else 0
            after = {"kept": grade_before, "lowered": GRADE_ORDER[max(0, rank - 1)], "revoked": ""}
            items.append(
                RecheckItem(
                    round=round_,
                    kindergarten=kg,
                    order=int(record.data.get("draw_order") or 0),
                    grade_before=grade_before,
                    result=result,
                    grade_after=after[result],
                    decided_on=record.on,
                    note=record.data.get("result", ""),
                    ledger_record=record,
                )
            )
    RecheckItem.objects.bulk_create(items, batch_size=2000)


def _certifications(
    rng: random.Random, kgs: list[Kindergarten], certified: dict[int, datetime.date | None]
) -> int:
    rows = [
        Certification(kindergarten=kg, certified_on=day, document=_document(rng, day.year))
        for kg in kgs
        if (day := certified.get(kg.unit_id)) is not None
    ]
    return len(Certification.objects.bulk_create(rows, batch_size=2000))


def _application_plan(kgs: list[Kindergarten]) -> list[tuple[Kindergarten, str, str]]:
    """Applications in flight: one at each step, Jinshui's first (the first Jinshui
    kindergarten's own, for its reporter to follow), one refused, and in Erqi upgrades at
    the district."""
    certified = set(Certification.objects.values_list("kindergarten_id", flat=True))
    jinshui = [k for k in kgs if "/410105/" in k.unit_path and k.unit.closed_on is None]
    erqi = [k for k in kgs if "/410103/" in k.unit_path and k.unit.closed_on is None]
    # Jinshui's first, then the rest of the city's (a small demo city has few).
    private = sorted(
        (
            k
            for k in kgs
            if k.ownership == Ownership.PRIVATE
            and k.pk not in certified
            and k.unit.closed_on is None
        ),
        key=lambda k: ("/410105/" not in k.unit_path, k.unit_path),
    )
    plan: list[tuple[Kindergarten, str, str]] = []
    if jinshui:
        first = jinshui[0]
        if first.ownership == Ownership.PRIVATE and first.pk not in certified:
            plan.append((first, Application.Kind.INCLUSIVE, S.APPLIED))
        elif first.grade != Grade.MODEL_PROVINCE:
            plan.append((first, Application.Kind.UPGRADE, S.APPLIED))
    steps = [S.DISTRICT_PASSED, S.CITY_PASSED, S.NOTICE, S.REFUSED, S.APPLIED]
    others = [k for k in private if not jinshui or k.pk != jinshui[0].pk]
    plan += [
        (k, Application.Kind.INCLUSIVE, status) for k, status in zip(others, steps, strict=False)
    ]
    upgradable = [k for k in erqi if k.grade and k.grade != Grade.MODEL_PROVINCE]
    plan += [(k, Application.Kind.UPGRADE, S.DISTRICT_PASSED) for k in upgradable[:2]]
    return plan


ORDER: list[str] = [S.APPLIED, S.DISTRICT_PASSED, S.CITY_PASSED, S.NOTICE]
STEP_OF: dict[str, str] = {
    S.DISTRICT_PASSED: "district_pass",
    S.CITY_PASSED: "city_pass",
    S.NOTICE: "notice_start",
}


def _events(application: Application) -> list[ApplicationEvent]:
    """The steps an application went through to reach its status."""
    status = application.status
    events = [ApplicationEvent(application=application, step="apply", status_after=S.APPLIED)]
    reached = ORDER.index(status) if status in ORDER else 0
    previous: str = S.APPLIED
    for done in ORDER[1 : reached + 1]:
        events.append(
            ApplicationEvent(
                application=application,
                step=STEP_OF[done],
                status_before=previous,
                status_after=done,
            )
        )
        previous = done
    if status == S.REFUSED:
        events.append(
            ApplicationEvent(
                application=application,
                step="district_refuse",
                status_before=S.APPLIED,
                status_after=S.REFUSED,
                note=application.refusal_reason,
            )
        )
    return events


def _applications(rng: random.Random, kgs: list[Kindergarten]) -> int:
    today = timezone.localdate()
    plan = _application_plan(kgs)
    events: list[ApplicationEvent] = []
    for kg, kind, status in plan:
        sought = ""
        if kind == Application.Kind.UPGRADE:
            sought = GRADE_ORDER[GRADE_ORDER.index(kg.grade) + 1] if kg.grade else Grade.QUALIFIED
        application = Application.objects.create(
            kindergarten=kg,
            kind=kind,
            status=status,
            grade_before=kg.grade,
            grade_sought=sought,
            fee_monthly=Decimal(rng.randrange(600, 1200, 50)),
            evidence="收费标准批复、办园条件自评报告、近三年财务审计报告（演示材料）",
            applied_on=today - datetime.timedelta(days=20),
            notice_starts=today if status == S.NOTICE else None,
            notice_ends=working_days_after(today, settings.EDUPLAN_PRESCHOOL_NOTICE_WORKING_DAYS)
            if status == S.NOTICE
            else None,
            refusal_reason="现场评估：保教费高于普惠性幼儿园收费限价（演示）"
            if status == S.REFUSED
            else "",
            decided_on=today if status == S.REFUSED else None,
        )
        events += _events(application)
    ApplicationEvent.objects.bulk_create(events)
    return len(plan)


@transaction.atomic
def kindergartens_demo_seed(*, scale: float, seed: int) -> dict[str, int]:
    """The register of every kindergarten in the demo city (after the ledgers)."""
    rng = random.Random(seed * 13 + 5)
    units = list(OrgUnit.objects.filter(type=UnitType.KINDERGARTEN).order_by("code"))
    certified = certified_dates(scale=scale, seed=seed)
    kgs = _entries(rng, units, certified)
    done = {
        "kindergartens": len(kgs),
        "kindergarten_enrolments": len(_enrolments(kgs)),
        "kindergarten_certifications": _certifications(rng, kgs, certified),
        "kindergarten_gradings": _gradings(rng, kgs),
    }
    done["kindergarten_applications"] = _applications(rng, kgs)
    figures_changed()
    return done
