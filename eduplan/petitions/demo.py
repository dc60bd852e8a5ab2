"""Demo petitions: a seeded, reproducible history of the city's cases.

Two parts from one random stream: the 2016 history (cases received January–October,
each carried through its clock to its end: answered, some late, some extended, a few
reviewed), with risk screening per district and quarter and a backlog campaign; and a
live tail of cases received in the weeks before today, at every step of their clock
(some due soon, some overdue), so the petitions office has work on its pages.

Petitioners are invented (names from common syllables, made-up ID numbers and phones).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from eduplan.org.models import SCHOOL_TYPES, OrgUnit, UnitType
from eduplan.petitions.clock import CaseDates
from eduplan.petitions.models import (
    BacklogCase,
    CaseEvent,
    CaseLink,
    Category,
    Channel,
    LinkKind,
    PetitionCase,
    Petitioner,
    RiskEntry,
    RiskLevel,
)
from eduplan.petitions.services import case_dates_replace, identity_digest

CASES_PER_DISTRICT = 40  # a year, at scale 1
LIVE_DAYS = 75
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
MATTERS = {
    Category.ENROLMENT: "反映子女入学划片及招生政策问题",
    Category.FEES: "反映学校收取费用不规范",
    Category.TEACHERS: "反映教师工资待遇及职称评聘问题",
    Category.ETHICS: "反映教师有偿补课等师德问题",
    Category.SAFETY: "反映校园周边交通及校舍安全隐患",
    Category.BUILDINGS: "反映学校建设及搬迁安置问题",
    Category.RECORDS: "反映学籍转接及考试相关问题",
    Category.OTHER: "咨询教育政策及其他事项",
}
OFFICIALS = ["李副局长", "王副局长", "张副局长", "信访办主任", "督查室主任"]
RISKS = [
    "学区划分调整引发家长集中反映的风险",
    "民办学校停办引发学生安置问题的风险",
    "教师工资待遇落实不到位引发集体访的风险",
    "校舍改造期间临时过渡引发家长不满的风险",
]


@dataclass
class _Person:
    name: str
    id_number: str
    phone: str


def _person(rng: random.Random, district_code: str) -> _Person:
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(12000))
    area = district_code[:6] if district_code[:6].isdigit() else "410100"
    return _Person(
        name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
        id_number=f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}",
        phone=f"13{rng.randrange(10)}{rng.randrange(10**8):08d}",
    )


def _later(rng: random.Random, day: datetime.date, low: int, high: int) -> datetime.date:
    return day + datetime.timedelta(days=rng.randint(low, high))


def history_dates(rng: random.Random, received: datetime.date) -> CaseDates:
    """A 2016 case carried through to its end."""
    decided = _later(rng, received, 1, 17)  # now and then past the 15 days
    if rng.random() < 0.08:
        return CaseDates(received_on=received, decided_on=decided, accepted=False)
    extension = 30 if rng.random() < 0.06 else 0
    replied = _later(rng, decided, 15, 58 + extension + (6 if rng.random() < 0.1 else 0))
    dates = CaseDates(
        received_on=received,
        decided_on=decided,
        accepted=True,
        extension_days=extension,
        replied_on=replied,
    )
    if rng.random() < 0.08:
        requested = _later(rng, replied, 3, 28)
        reviewed = _later(rng, requested, 10, 30)
        dates = CaseDates(
            **{**dates.__dict__, "review_requested_on": requested, "reviewed_on": reviewed}
        )
    return dates


def live_dates(rng: random.Random, received: datetime.date, today: datetime.date) -> CaseDates:
    """A recent case, as far along its clock as `today` allows (some steps late)."""
    decided = _later(rng, received, 2, 18)
    if decided > today or rng.random() < 0.1:
        return CaseDates(received_on=received)
    replied = _later(rng, decided, 20, 75)
    extension = 30 if rng.random() < 0.1 else 0
    if replied > today or rng.random() < 0.3:
        return CaseDates(
            received_on=received, decided_on=decided, accepted=True, extension_days=extension
        )
    return CaseDates(
        received_on=received,
        decided_on=decided,
        accepted=True,
        extension_days=extension,
        replied_on=replied,
    )


def _units(district: OrgUnit) -> list[OrgUnit]:
    schools = list(
        OrgUnit.objects.filter(path__startswith=district.path, type__in=SCHOOL_TYPES).order_by(
            "code"
        )[:60]
    )
    return schools or [district]


@transaction.atomic
def petitions_demo_seed(*, scale: float, seed: int) -> dict[str, int]:
    """Seed the city's petitions (see the module's docstring); returns what was created."""
    rng = random.Random(seed * 31 + 9)
    today = timezone.localdate()
    root = OrgUnit.objects.get(type=UnitType.BUREAU, parent__isnull=True)
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    per_district = max(5, round(CASES_PER_DISTRICT * scale))
    live_per_district = max(3, per_district // 4)
    cases: list[PetitionCase] = []
    people: list[list[_Person]] = []
    links: list[tuple[int, int]] = []  # (case index, earlier index)
    history_start = datetime.date(2016, 1, 1)
    for district in districts:
        units = _units(district)
        mine: list[int] = []
        for i in range(per_district + live_per_district):
            live = i >= per_district
            if live:
                received = today - datetime.timedelta(days=rng.randrange(LIVE_DAYS))
            else:
                received = history_start + datetime.timedelta(days=rng.randrange(300))
            dates = live_dates(rng, received, today) if live else history_dates(rng, received)
            bureau = rng.random() < 0.2
            category = rng.choice(list(Category))
            case = PetitionCase(
                received_on=received,
                channel=rng.choice(list(Channel)),
                category=category,
                summary=MATTERS[category],
                received_by=root if bureau else district,
                concerned_unit=rng.choice(units),
                district=district,
                people_count=rng.choice((1,) * 30 + (2, 3, 5, 8)),
            )
            if dates.decided_on is not None:
                case.responsible_unit, case.routed_on = district, dates.decided_on
            case_dates_replace(case, dates)
            if dates.replied_on is not None and dates.decided_on is not None:
                due = dates.decided_on + datetime.timedelta(days=60 + dates.extension_days)
                case.replied_in_time = dates.replied_on <= due
            if dates.extension_days:
                case.extension_reason = "案情复杂，需调取多年档案并组织听证"
            earlier = [j for j in mine if cases[j].received_on < received]
            person = [_person(rng, district.code)]
            before = None
            if earlier and rng.random() < 0.12:
                before = rng.choice(earlier)
                links.append((len(cases), before))
                person = people[before][:1]  # the same petitioner again
            case.skipped_level = bureau and (
                before is None or cases[before].received_by_id != district.pk
            )
            mine.append(len(cases))
            cases.append(case)
            others = [_person(rng, district.code) for _ in range(min(case.people_count, 3) - 1)]
            people.append(person + others)
    return _store(rng, cases=cases, people=people, links=links)


def _store(
    rng: random.Random,
    *,
    cases: list[PetitionCase],
    people: list[list[_Person]],
    links: list[tuple[int, int]],
) -> dict[str, int]:
    """Number the cases in the order received, then write everything in bulk."""
    seq: dict[int, int] = {}
    for k in sorted(range(len(cases)), key=lambda k: (cases[k].received_on, k)):
        year = cases[k].received_on.year
        seq[year] = seq.get(year, 0) + 1
        cases[k].number = f"XF{year}-{seq[year]:06d}"
    PetitionCase.objects.bulk_create(cases, batch_size=2000)
    Petitioner.objects.bulk_create(
        (
            Petitioner(
                case=case,
                name=p.name,
                id_number=p.id_number,
                phone=p.phone,
                identity_digest=identity_digest(p.id_number),
            )
            for case, persons in zip(cases, people, strict=True)
            for p in persons
        ),
        batch_size=2000,
    )
    CaseLink.objects.bulk_create(
        CaseLink(case=cases[a], earlier=cases[b], kind=LinkKind.SAME_PETITIONER) for a, b in links
    )
    CaseEvent.objects.bulk_create(
        (CaseEvent(case=c, kind="registered", day=c.received_on) for c in cases), batch_size=2000
    )
    backlog = _backlog(rng, cases=cases, links=links)
    risks = _risks(rng)
    return {"petition_cases": len(cases), "backlog_cases": backlog, "risk_entries": risks}


def _backlog(rng: random.Random, *, cases: list[PetitionCase], links: list[tuple[int, int]]) -> int:
    """The 积案化解 campaign: the repeated 2016 cases, each with a lead official."""
    listed = datetime.date(2016, 11, 1)
    rows = []
    for a, _b in links:
        case = cases[a]
        if case.received_on >= listed:
            continue
        resolved = rng.random() < 0.6
        rows.append(
            BacklogCase(
                case=case,
                lead_official=rng.choice(OFFICIALS),
                listed_on=listed,
                progress="已包案化解，签订息访协议"
                if resolved
                else "已约见信访人，正在协调相关单位",
                resolved_on=_later(rng, listed, 10, 50) if resolved else None,
            )
        )
    BacklogCase.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _risks(rng: random.Random) -> int:
    """Risk screening: each district, each quarter of 2016, one to three entries."""
    rows = []
    for district in OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"):
        for quarter in range(1, 5):
            for _ in range(rng.randint(1, 3)):
                rows.append(
                    RiskEntry(
                        unit=district,
                        period=f"2016Q{quarter}",
                        category=rng.choice(list(Category)),
                        level=rng.choice(list(RiskLevel)),
                        description=rng.choice(RISKS),
                        measures="建立台账，明确责任人，定期回访",
                        resolved_on=datetime.date(2016, quarter * 3, 28)
                        if rng.random() < 0.7
                        else None,
                    )
                )
    RiskEntry.objects.bulk_create(rows)
    return len(rows)
