"""The demo city's ledgers for 2016–2018: seeded, deterministic, read off the demo world.

Every record goes through the same check as an entered one (`record_place`), so the demo
holds nothing a keeper could not have typed. The school projects are the districts'
building programmes that the construction reports count (`demo.history.building_programmes`),
plus the bureau's relocations of inner-ring high schools; kindergarten upgrades start from
each kindergarten's grade in the organisation; the re-check sample is drawn from a recorded
seed. The mix is a realistic one: some targets met, some missed, some lagging.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from eduplan.construction.selectors import class_census_by_school
from eduplan.core.figures_cache import figures_changed
from eduplan.demo.disclosures import REVIEW, directory_rows, fee_rows
from eduplan.demo.history import building_programmes
from eduplan.demo.world import NEW_SCHOOL_YEARS, BuildProject
from eduplan.ledgers.models import (
    EventKind,
    Ledger,
    LedgerRecord,
    LedgerRecordEvent,
    ReviewState,
)
from eduplan.ledgers.services import definition_of, ledgers_load, masked, record_new, record_place
from eduplan.ledgers.values import field_relevant
from eduplan.org.access import User
from eduplan.org.models import OrgUnit, UnitType

YEARS = (2016, 2017, 2018)
UNTIL = datetime.date(2018, 12, 31)
SCHOOL_TYPES = [UnitType.PRIMARY, UnitType.JUNIOR, UnitType.SENIOR, UnitType.NINE_YEAR]
LEVELS: dict[str, str] = {
    UnitType.PRIMARY: "小学",
    UnitType.JUNIOR: "初中",
    UnitType.NINE_YEAR: "九年一贯制",
    UnitType.SENIOR: "普通高中",
    UnitType.COMPLETE: "完全中学",
    UnitType.VOCATIONAL: "中等职业学校",
    UnitType.KINDERGARTEN: "幼儿园",
}
GRADES = [
    "郑州市合格幼儿园",
    "郑州市二级幼儿园",
    "郑州市一级幼儿园",
    "郑州市示范性幼儿园",
    "河南省示范性幼儿园",
]
# Records per year: 美育示范学校 met in 2016 and one short over three years; 示范学校 behind
# in the first year; 社团展示活动 one short in 2016.
AESTHETIC_SCHOOLS = {2016: 21, 2017: 16, 2018: 12}
FOOTBALL_SCHOOLS = {2016: 5, 2017: 7, 2018: 8}
SHOWCASES = {2016: 11, 2017: 12, 2018: 12}
BROADCASTS = {2016: 24, 2017: 24, 2018: 22}
UPGRADES = {2016: 126, 2017: 118, 2018: 95}
RECHECKS = {2016: 100, 2017: 100, 2018: 100}
Row = dict[str, Any]


def _day(rng: random.Random, year: int, first: int = 1, last: int = 12) -> datetime.date:
    start = datetime.date(year, first, 1)
    end = datetime.date(year, last, 28)
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _open(units: list[OrgUnit], day: datetime.date) -> list[OrgUnit]:
    return [u for u in units if u.is_open_on(day)]


def _person(rng: random.Random) -> Row:
    number = rng.randint(1000, 9999)
    return {"contact": f"演示联系人{number}", "phone": f"0371-6{rng.randint(100000, 999999)}"}


def _aesthetic(rng: random.Random, units: dict[str, list[OrgUnit]]) -> list[Row]:
    rows: list[Row] = []
    counties = {2016: "410105", 2017: "410103"}
    for year, code in counties.items():
        rows.append(
            {
                "unit": code,
                "category": "美育示范县（市、区）",
                "level": "市级",
                "designated_on": f"{year}-09-20",
                "document": f"演示文号〔{year}〕{21}号",
            }
        )
    chosen: set[int] = set()
    for year, n in AESTHETIC_SCHOOLS.items():
        day = datetime.date(year, 9, 10)
        pool = [u for u in _open(units["schools"], day) if u.pk not in chosen]
        for unit in rng.sample(pool, min(n, len(pool))):
            chosen.add(unit.pk)
            features = rng.sample(["合唱", "器乐", "舞蹈", "戏剧", "书法", "美术", "剪纸"], 2)
            level = "省级" if rng.random() < 0.15 else "市级"
            rows.append(
                {
                    "unit": unit.code,
                    "category": "美育示范学校",
                    "level": level,
                    "designated_on": day.isoformat(),
                    "document": f"演示文号〔{year}〕{35}号",
                    "features": features,
                    **_person(rng),
                }
            )
    return rows


def _football(rng: random.Random, units: dict[str, list[OrgUnit]]) -> list[Row]:
    rows: list[Row] = []
    chosen: set[int] = set()
    for year, n in FOOTBALL_SCHOOLS.items():
        day = datetime.date(year, 11, 15)
        pool = [u for u in _open(units["schools"], day) if u.pk not in chosen]
        for unit in rng.sample(pool, min(n, len(pool))):
            chosen.add(unit.pk)
            rows.append(
                {
                    "unit": unit.code,
                    "category": "校园足球示范学校",
                    "level": "市级",
                    "designated_on": day.isoformat(),
                    "pitches": rng.randint(1, 3),
                    "coaches": rng.randint(1, 6),
                }
            )
    day = datetime.date(2016, 10, 8)
    for unit in rng.sample(_open(units["kindergartens"], day), 5):
        rows.append(
            {
                "unit": unit.code,
                "category": "幼儿足球试点园",
                "level": "市级",
                "designated_on": day.isoformat(),
                "pitches": 1,
                "coaches": 1,
            }
        )
    return rows


def _clubs(rng: random.Random, units: dict[str, list[OrgUnit]]) -> list[Row]:
    rows: list[Row] = []
    hosts = [u.code for u in units["districts"]] + [units["bureau"][0].code]
    for year in YEARS:
        months = sorted(rng.sample(range(1, 13), SHOWCASES[year]))
        for i, month in enumerate(months, start=1):
            rows.append(
                {
                    "kind": "展示活动",
                    "title": f"{year}年学生社团展示活动第{i}场",
                    "organiser": rng.choice(hosts),
                    "held_on": f"{year}-{month:02d}-{rng.randint(10, 25)}",
                    "venue": "演示场馆",
                    "clubs": rng.randint(8, 40),
                    "pupils": rng.randint(200, 1500),
                }
            )
        for i in range(1, BROADCASTS[year] + 1):
            month, day = (i + 1) // 2, 8 if i % 2 else 22
            rows.append(
                {
                    "kind": "主题宣传报道",
                    "title": f"学生社团风采（{year}年第{i}期）",
                    "organiser": units["bureau"][0].code,
                    "held_on": f"{year}-{month:02d}-{day:02d}",
                    "channel": "郑州教育电视台·学生社团专栏",
                    "episode": i,
                }
            )
    return rows


def _kindergartens(rng: random.Random, units: dict[str, list[OrgUnit]]) -> list[Row]:
    rows: list[Row] = []
    upgraded: set[int] = set()
    for year in YEARS:
        day = datetime.date(year, 12, 5)
        pool = [
            u
            for u in _open(units["kindergartens"], day)
            if u.pk not in upgraded and u.attributes.get("grade") in GRADES[:-1]
        ]
        for unit in rng.sample(pool, min(UPGRADES[year], len(pool))):
            upgraded.add(unit.pk)
            before = unit.attributes["grade"]
            after = GRADES[GRADES.index(before) + 1]
            rows.append(
                {
                    "kindergarten": unit.code,
                    "kind": "达标升级",
                    "grade_before": before,
                    "grade_after": after,
                    "decided_on": day.isoformat(),
                    "subsidy": rng.choice([5, 8, 10, 15]),
                }
            )
        seed = f"抽验:{year}"
        graded = [
            u for u in _open(units["kindergartens"], day) if u.attributes.get("grade") in GRADES[1:]
        ]
        drawn = random.Random(seed).sample(graded, min(RECHECKS[year], len(graded)))
        for order, unit in enumerate(drawn, start=1):
            result = rng.choices(["保持等级", "限期整改", "降低等级"], weights=(90, 7, 3))[0]
            rows.append(
                {
                    "kindergarten": unit.code,
                    "kind": "等级复评抽验",
                    "grade_before": unit.attributes["grade"],
                    "result": result,
                    "draw_seed": seed,
                    "draw_order": order,
                    "decided_on": f"{year}-11-20",
                }
            )
    return rows


def _apprenticeships(rng: random.Random, units: dict[str, list[OrgUnit]]) -> list[Row]:
    schools = rng.sample(_open(units["vocational"], datetime.date(2016, 9, 1)), 2)
    pilots = [
        (schools[0], "演示智能制造有限公司", "数控技术应用", "2016-09-01"),
        (schools[0], "演示汽车服务有限公司", "汽车运用与维修", "2016-09-01"),
        (schools[1], "演示电子商务有限公司", "电子商务", "2017-09-01"),
    ]
    return [
        {
            "school": s.code,
            "enterprise": e,
            "majors": m,
            "level": "市级",
            "started_on": d,
            "apprentices": rng.randint(30, 80),
            "mentors": rng.randint(5, 15),
        }
        for s, e, m, d in pilots
    ]


def _stage_dates(p: BuildProject, opened_on: datetime.date) -> list[tuple[str, str, datetime.date]]:
    land = p.planned_on + (p.started_on - p.planned_on) / 2
    return [
        ("立项", "approved_on", p.planned_on),
        ("用地", "land_on", land),
        ("开工", "started_on", p.started_on),
        ("主体完工", "topped_on", p.topped_on),
        ("竣工验收", "accepted_on", p.completed_on),
        ("投用", "opened_on", opened_on),
    ]


def _project(
    name: str,
    unit: str,
    kind: str,
    level: str,
    inner: bool,
    p: BuildProject,
    opened_on: datetime.date,
    school: str = "",
) -> Row | None:
    """The project as of the end of 2018: the stages reached by then, with their dates."""
    reached = [
        (stage, code, day) for stage, code, day in _stage_dates(p, opened_on) if day <= UNTIL
    ]
    if not reached:
        return None
    row: Row = {
        "name": name,
        "district": unit,
        "kind": kind,
        "level": level,
        "inner_ring": inner,
        "stage": reached[-1][0],
        "seats": p.places,
        "investment": round(p.cost, 1),
    }
    row.update({code: day.isoformat() for _stage, code, day in reached})
    if reached[-1][0] == "投用" and school:
        row["school"] = school
    return row


def _projects(
    rng: random.Random, units: dict[str, list[OrgUnit]], scale: float, seed: int
) -> list[Row]:
    census = class_census_by_school()
    rows: list[Row] = []
    programmes = building_programmes(scale=scale, seed=seed)
    years = range(min(NEW_SCHOOL_YEARS), max(NEW_SCHOOL_YEARS) + 1)
    for district in units["districts"]:
        opening = sorted(
            (
                (u.opened_on, u.type, census[(u.pk, u.opened_on.year)]["classes"], u)
                for u in units["schools_all"]
                if u.path.startswith(district.path)
                and u.opened_on
                and u.opened_on.year in years
                and (u.pk, u.opened_on.year) in census
            ),
            key=lambda t: (t[0], t[1], t[2]),
        )
        new = iter(opening)
        inner = district.attributes.get("kind") == "urban"
        for n, p in enumerate(programmes.get(district.pk, [])):
            if p.kind == "new":
                opened_on, kind, _classes, school = next(new)
                row = _project(
                    f"{school.name}新建工程",
                    district.code,
                    "新建",
                    LEVELS[kind],
                    inner and rng.random() < 0.5,
                    p,
                    opened_on,
                    school.code,
                )
            else:
                opened_on = datetime.date(p.completed_on.year, 9, 1)
                if opened_on < p.completed_on:
                    opened_on = datetime.date(p.completed_on.year + 1, 3, 1)
                row = _project(
                    f"{district.name}中小学改扩建项目{n + 1}号",
                    district.code,
                    "改扩建",
                    "小学",
                    inner and rng.random() < 0.5,
                    p,
                    opened_on,
                )
            if row is not None:
                rows.append(row)
    return rows + _relocations(rng, units)


def _relocations(rng: random.Random, units: dict[str, list[OrgUnit]]) -> list[Row]:
    """The bureau's inner-ring high schools: four started in 2016, a fifth in 2017."""
    root = units["bureau"][0]
    seniors = [
        u for u in units["schools_all"] if u.type == UnitType.SENIOR and u.parent_id == root.pk
    ]
    starts = ["2016-04-18", "2016-06-06", "2016-09-12", "2016-11-21", "2017-03-20"]
    rows = []
    for i, (school, start) in enumerate(zip(seniors[:5], starts, strict=False)):
        started = datetime.date.fromisoformat(start)
        topped = started + datetime.timedelta(days=420 + 30 * i)
        p = BuildProject(
            "relocation",
            started - datetime.timedelta(days=150),
            started,
            topped,
            topped + datetime.timedelta(days=240),
            2400,
            2400 * rng.uniform(7, 9),
        )
        kind = "新建" if i == 3 else "迁建"
        row = _project(
            f"{school.name}{kind}工程（三环外新校区）",
            root.code,
            kind,
            "普通高中",
            True,
            p,
            datetime.date(2019, 9, 1),
        )
        if row is not None:
            rows.append(row)
    return rows


def _generic_value(rng: random.Random, field: Row, year: int, units: list[OrgUnit], n: int) -> Any:
    """A plausible value for a field of any ledger, within its constraints."""
    kind, low, high = field["type"], field.get("min"), field.get("max")
    if kind == "unit":
        wanted = field.get("unit_types") or SCHOOL_TYPES
        day = datetime.date(year, 6, 30)
        return rng.choice([u for u in units if u.type in wanted and u.is_open_on(day)]).code
    if kind == "date":
        return _day(rng, year).isoformat()
    if kind == "choice":
        return rng.choice(field["choices"])
    if kind == "multi_choice":
        return rng.sample(field["choices"], min(2, len(field["choices"])))
    if kind == "yes_no":
        return rng.random() < 0.8
    if kind in {"integer", "number"}:
        bottom = int(low or 0)
        top = int(min(high if high is not None else bottom + 200, bottom + 200))
        return rng.randint(bottom, max(bottom, top))
    if kind == "person":
        return f"演示人员{rng.randint(100, 999)}"
    if kind == "file":
        return f"演示文件{n}.pdf"
    return f"演示{field['label']}{year}-{n}"


def _generic(rng: random.Random, definition: Any, units: list[OrgUnit]) -> list[Row]:
    """Records for a ledger shipped without a seed of its own: a dozen or so a year,
    every value drawn within the definition's constraints (relevance, keys)."""
    rows: list[Row] = []
    keys: set[str] = set()
    for year in YEARS:
        for n in range(rng.randint(8, 16)):
            row: Row = {}
            for field in definition.fields:
                if not field_relevant(field, row) or field.get("pattern"):
                    continue
                if field.get("required") or rng.random() < 0.8:
                    row[field["code"]] = _generic_value(rng, field, year, units, n)
            row[definition.date_field] = _day(rng, year).isoformat()
            key = "|".join(str(row.get(c, year)) for c in definition.unique)
            if definition.unique and key in keys:
                continue
            keys.add(key)
            rows.append(row)
    return rows


def _units() -> dict[str, list[OrgUnit]]:
    every = list(OrgUnit.objects.order_by("code"))
    schools = [u for u in every if u.type in SCHOOL_TYPES]
    return {
        "bureau": [u for u in every if u.type == UnitType.BUREAU and u.parent_id is None],
        "districts": [u for u in every if u.type == UnitType.DISTRICT],
        "schools": schools,
        "schools_all": [u for u in every if u.type in LEVELS],
        "kindergartens": [u for u in every if u.type == UnitType.KINDERGARTEN],
        "vocational": [u for u in every if u.type == UnitType.VOCATIONAL],
    }


def _write(ledger: Ledger, rows: list[Row], user: User | None = None) -> int:
    """Check every row as an entry would be checked, then write them and their history
    (and, for a reviewed ledger, the decision a row carries under REVIEW)."""
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    units = {u.code: u for u in OrgUnit.objects.all()}
    records = []
    decisions: list[tuple[str, str] | None] = []
    for i, given in enumerate(rows):
        row = {k: v for k, v in given.items() if k != REVIEW}
        decision = given.get(REVIEW) if definition.review else None
        decisions.append(decision)
        placed, problems = record_place(definition, row, units)
        if placed is None:
            raise ValueError(f"demo {ledger.code} row {i}: {problems}")
        records.append(
            record_new(
                ledger=ledger,
                definition=definition,
                version=ledger.current_version,
                placed=placed,
                user=user,
            )
        )
    for record, decision in zip(records, decisions, strict=True):
        if decision is not None:
            record.review, record.review_reason = decision
    created = LedgerRecord.objects.bulk_create(records, batch_size=2000)
    events = [
        LedgerRecordEvent(record=r, kind=EventKind.CREATE, new=masked(definition, r.data))
        for r in created
    ]
    decided = {ReviewState.APPROVED: EventKind.APPROVE, ReviewState.RETURNED: EventKind.RETURN}
    events += [
        LedgerRecordEvent(
            record=r,
            kind=decided[ReviewState(r.review)],
            old={"review": ReviewState.SUBMITTED},
            new={"review": r.review},
            reason=r.review_reason,
        )
        for r, decision in zip(created, decisions, strict=True)
        if decision is not None and r.review in decided
    ]
    LedgerRecordEvent.objects.bulk_create(events, batch_size=2000)
    return len(created)


@transaction.atomic
def ledgers_demo_seed(*, scale: float, seed: int) -> dict[str, int]:
    """Load the ledger files and write the demo city's records; returns the counts."""
    ledgers_load()
    units = _units()
    seeds: dict[str, Callable[[random.Random], list[Row]]] = {
        "aesthetic_models": lambda rng: _aesthetic(rng, units),
        "football_models": lambda rng: _football(rng, units),
        "club_showcases": lambda rng: _clubs(rng, units),
        "kindergarten_grading": lambda rng: _kindergartens(rng, units),
        "school_projects": lambda rng: _projects(rng, units, scale, seed),
        "apprenticeship_pilots": lambda rng: _apprenticeships(rng, units),
        "fee_items": fee_rows,
        "private_schools": directory_rows,
    }
    every = [u for group in ("bureau", "districts", "schools_all") for u in units[group]]
    done = {}
    for ledger in Ledger.objects.select_related("current_version").order_by("code"):
        rng = random.Random(f"{seed}:ledgers:{ledger.code}")
        if ledger.code in seeds:
            rows = seeds[ledger.code](rng)
        else:
            assert ledger.current_version is not None
            rows = _generic(rng, definition_of(ledger.current_version), every)
        done[f"ledger {ledger.code}"] = _write(ledger, rows)
    figures_changed()
    return done
