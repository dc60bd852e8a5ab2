"""The demo city's campus safety in 2016: the bureau's two 校舍 and two 校车 rounds and a
winter fire-safety campaign, every school's buildings and the buses of some, what each
inspection found, and how each hazard's rectification went, as of the demo's "now" for
supervision (the day the scan runs): most fixed in time and verified, some late, some
still open. Seeded and reproducible; written in bulk.

Fixes are reported by each district's safety officer (a named account that cannot log
in) and verified by 安全稳定工作处's inspector (the `anquan` demo account), so the
hazard-closing rule holds for every row. Licence numbers read 演示许可证….
"""

from __future__ import annotations

import datetime
import random
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from eduplan.core.db import statistics_refresh
from eduplan.core.figures_cache import figures_changed
from eduplan.org.models import PATH_SEPARATOR, OrgUnit, UnitType
from eduplan.safety.checklists import ChecklistItem, checklists
from eduplan.safety.models import (
    Building,
    BuildingUse,
    Hazard,
    HazardEvent,
    HazardEventKind,
    HazardStatus,
    Inspection,
    InspectionRound,
    ObjectType,
    Rating,
    RoundKind,
    SchoolBus,
    Severity,
    Structure,
)

SAFETY_DEPARTMENT_CODE = "DEPT-AQ"
INSPECTOR = "anquan"
YEAR = 2016
SCHOOLS = [
    UnitType.PRIMARY,
    UnitType.JUNIOR,
    UnitType.SENIOR,
    UnitType.NINE_YEAR,
    UnitType.COMPLETE,
    UnitType.VOCATIONAL,
    UnitType.SPECIAL,
]
DAYS_TO_FIX = {Severity.GRAVE: 15, Severity.MAJOR: 30, Severity.GENERAL: 60}
RATINGS = [(Rating.A, 55), (Rating.B, 36), (Rating.C, 7), (Rating.D, 2)]
DRIVERS = ["王建国", "李志强", "张卫东", "刘明", "陈海涛", "杨军", "赵永刚", "黄德胜"]
EVIDENCE = "safety/demo/整改佐证（演示）.png"
HAZARD_RATE = 0.12  # inspections that find a hazard


@dataclass(frozen=True)
class RoundSpec:
    name: str
    kind: RoundKind
    half: int | None
    starts_on: datetime.date
    ends_on: datetime.date


ROUNDS = [
    RoundSpec(
        "2016年春季校舍安全排查",
        RoundKind.BUILDING,
        1,
        datetime.date(2016, 3, 1),
        datetime.date(2016, 5, 31),
    ),
    RoundSpec(
        "2016年春季校车安全排查",
        RoundKind.BUS,
        1,
        datetime.date(2016, 3, 1),
        datetime.date(2016, 4, 30),
    ),
    RoundSpec(
        "2016年秋季校舍安全排查",
        RoundKind.BUILDING,
        2,
        datetime.date(2016, 9, 1),
        datetime.date(2016, 11, 30),
    ),
    RoundSpec(
        "2016年秋季校车安全排查",
        RoundKind.BUS,
        2,
        datetime.date(2016, 9, 1),
        datetime.date(2016, 10, 31),
    ),
    RoundSpec(
        "2016年冬季校园消防安全专项检查",
        RoundKind.CAMPAIGN,
        None,
        datetime.date(2016, 12, 1),
        datetime.date(2016, 12, 31),
    ),
]


def _png() -> bytes:
    """A 1×1 white PNG: the demo's stand-in for a photo of a fix."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _buildings(rng: random.Random, schools: list[OrgUnit]) -> list[Building]:
    rows = []
    for school in schools:
        uses = [BuildingUse.TEACHING, BuildingUse.TEACHING, BuildingUse.CANTEEN, BuildingUse.TOILET]
        if (
            school.type in (UnitType.SENIOR, UnitType.COMPLETE, UnitType.VOCATIONAL)
            or rng.random() < 0.2
        ):
            uses.append(BuildingUse.DORMITORY)
        for i, use in enumerate(uses[: rng.randint(3, len(uses))], start=1):
            rating = rng.choices([r for r, _w in RATINGS], [w for _r, w in RATINGS])[0]
            rows.append(
                Building(
                    school=school,
                    name=f"{i}号{BuildingUse(use).label}",
                    use=use,
                    structure=rng.choice(
                        [
                            Structure.FRAME,
                            Structure.FRAME,
                            Structure.BRICK_CONCRETE,
                            Structure.BRICK_WOOD,
                        ]
                    ),
                    built_year=rng.randint(1975, 2014),
                    floors=rng.randint(1, 6),
                    rating=rating,
                    rated_on=datetime.date(2015, 11, 20),
                    in_use=rating != Rating.D,
                )
            )
    return Building.objects.bulk_create(rows, batch_size=2000)


def _buses(rng: random.Random, schools: list[OrgUnit], counties: set[int]) -> list[SchoolBus]:
    rows: list[SchoolBus] = []
    for school in schools:
        # Buses run mostly in the counties, for primary and nine-year schools.
        rural = school.parent_id in counties
        if school.type not in (UnitType.PRIMARY, UnitType.NINE_YEAR):
            continue
        if rng.random() > (0.35 if rural else 0.04):
            continue
        for _ in range(rng.randint(1, 2)):
            n = len(rows) + 1
            rows.append(
                SchoolBus(
                    school=school,
                    plate=f"豫A{n:05d}",
                    seats=rng.choice([19, 35, 41, 56]),
                    licence_number=f"演示许可证{n:05d}",
                    licence_expires_on=_day(
                        rng, datetime.date(2016, 12, 15), datetime.date(2019, 6, 30)
                    ),
                    driver=rng.choice(DRIVERS),
                    driver_licence_expires_on=_day(
                        rng, datetime.date(2017, 1, 1), datetime.date(2020, 12, 31)
                    ),
                    inspection_expires_on=_day(
                        rng, datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)
                    ),
                )
            )
    return SchoolBus.objects.bulk_create(rows, batch_size=2000)


def _rectify(
    rng: random.Random, hazard: Hazard, *, now: datetime.date, fixer: int, inspector: int
) -> None:
    """How the hazard's rectification went by `now`: most fixed in time and verified,
    some late, some still open (more of those found late in the year)."""
    roll = rng.random()
    if roll < 0.72:
        fixed = hazard.found_on + datetime.timedelta(
            days=rng.randint(2, (hazard.deadline - hazard.found_on).days)
        )
    elif roll < 0.85:
        fixed = hazard.deadline + datetime.timedelta(days=rng.randint(5, 45))
    else:
        return
    if fixed >= now:
        return
    hazard.status = HazardStatus.FIXED
    hazard.fix_note = "已按整改要求完成整改（演示）"
    hazard.fix_evidence = EVIDENCE
    hazard.fixed_by_id = fixer
    hazard.fixed_on = fixed
    verified = fixed + datetime.timedelta(days=rng.randint(1, 12))
    if verified < now:
        hazard.status = HazardStatus.CLOSED
        hazard.verified_by_id = inspector
        hazard.verified_on = verified
        hazard.verify_note = "复查合格"


def _inspections(
    rng: random.Random,
    rounds: list[InspectionRound],
    buildings: list[Building],
    buses: list[SchoolBus],
    inspector: Any,
) -> tuple[list[Inspection], list[tuple[Inspection, ChecklistItem]]]:
    """Every object inspected in each round it belongs to, and the item each failed."""
    inspections: list[Inspection] = []
    found: list[tuple[Inspection, ChecklistItem]] = []
    lists = checklists()
    fire = [i for i in lists[ObjectType.BUILDING] if i.code in ("B05", "B06", "B04")]
    for rnd in rounds:
        if rnd.kind == RoundKind.BUS:
            objects: list[Building | SchoolBus] = list(buses)
        elif rnd.kind == RoundKind.BUILDING:
            objects = list(buildings)
        else:
            objects = [
                b for b in buildings if b.use in (BuildingUse.DORMITORY, BuildingUse.CANTEEN)
            ]
        items = (
            fire
            if rnd.kind == RoundKind.CAMPAIGN
            else lists[ObjectType.BUS if rnd.kind == RoundKind.BUS else ObjectType.BUILDING]
        )
        for obj in objects:
            if isinstance(obj, Building) and not obj.in_use:
                continue  # a closed building is not inspected for use
            failed = rng.choice(items) if rng.random() < HAZARD_RATE else None
            inspection = Inspection(
                round=rnd,
                school=obj.school,
                object_type=ObjectType.BUS if isinstance(obj, SchoolBus) else ObjectType.BUILDING,
                building=obj if isinstance(obj, Building) else None,
                bus=obj if isinstance(obj, SchoolBus) else None,
                inspected_on=_day(rng, rnd.starts_on, rnd.ends_on),
                inspector=inspector,
                results={i.code: i is not failed for i in items},
            )
            inspections.append(inspection)
            if failed is not None:
                found.append((inspection, failed))
    return inspections, found


def _fixers(districts: list[OrgUnit]) -> dict[int | None, int]:
    """Each district's safety officer, who reports its schools' fixes (no login)."""
    User = get_user_model()
    found: dict[int | None, int] = {}
    for unit in [*districts, None]:
        code = unit.code if unit is not None else "bureau"
        user, created = User.objects.get_or_create(
            username=f"safety-{code}",
            defaults={
                "first_name": f"{unit.name if unit else '局属学校'}校园安全员",
                "is_active": False,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        found[unit.pk if unit is not None else None] = user.pk
    return found


def _district_ids(schools: list[OrgUnit], districts: list[OrgUnit]) -> dict[int, int | None]:
    by_code = {d.code: d.pk for d in districts}
    return {s.pk: by_code.get([c for c in s.path.split(PATH_SEPARATOR) if c][1]) for s in schools}


@transaction.atomic
def safety_demo_seed(*, seed: int, now: datetime.date) -> dict[str, int]:
    """The 2016 rounds, buildings, buses, inspections and hazards (as of `now`)."""
    department = OrgUnit.objects.filter(
        code=SAFETY_DEPARTMENT_CODE, type=UnitType.DEPARTMENT
    ).first()
    inspector = get_user_model().objects.filter(username=INSPECTOR).first()
    if department is None or inspector is None:
        return {}
    rng = random.Random(f"{seed}:safety")
    if not default_storage.exists(EVIDENCE):
        default_storage.save(EVIDENCE, ContentFile(_png()))
    rounds = [
        InspectionRound.objects.create(
            name=r.name,
            kind=r.kind,
            year=YEAR,
            half=r.half,
            organiser=department,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
        )
        for r in ROUNDS
    ]
    schools = list(
        OrgUnit.objects.filter(type__in=SCHOOLS, closed_on__isnull=True).order_by("code")
    )
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    counties = {d.pk for d in districts if d.attributes.get("kind") == "county"}
    buildings = _buildings(rng, schools)
    buses = _buses(rng, schools, counties)
    inspections, found = _inspections(rng, rounds, buildings, buses, inspector)
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    district_of = _district_ids(schools, districts)
    fixers = _fixers(districts)
    hazards = []
    for inspection, item in found:
        days = DAYS_TO_FIX[item.severity]
        hazard = Hazard(
            inspection=inspection,
            school=inspection.school,
            district_id=district_of[inspection.school_id],
            rule_code=item.code,
            rule_text=item.text,
            severity=item.severity,
            description=f"{inspection.object_label}：{item.text}，不符合要求",
            found_on=inspection.inspected_on,
            deadline=inspection.inspected_on + datetime.timedelta(days=days),
            responsible_person="校长",
        )
        _rectify(
            rng,
            hazard,
            now=now,
            fixer=fixers[district_of[inspection.school_id]],
            inspector=inspector.pk,
        )
        hazards.append(hazard)
    Hazard.objects.bulk_create(hazards, batch_size=2000)
    HazardEvent.objects.bulk_create(_events(hazards, inspector.pk), batch_size=2000)
    statistics_refresh(Hazard)
    figures_changed()
    return {
        "safety_buildings": len(buildings),
        "safety_buses": len(buses),
        "safety_inspections": len(inspections),
        "safety_hazards": len(hazards),
    }


def _at(day: datetime.date) -> datetime.datetime:
    """Ten in the morning of the day, Beijing time, in UTC."""
    return datetime.datetime.combine(day, datetime.time(2, 0), tzinfo=datetime.UTC)


def _events(hazards: list[Hazard], inspector: int) -> list[HazardEvent]:
    events = []
    for h in hazards:
        events.append(
            HazardEvent(hazard=h, kind=HazardEventKind.FOUND, by_id=inspector, at=_at(h.found_on))
        )
        if h.fixed_on is not None:
            events.append(
                HazardEvent(
                    hazard=h,
                    kind=HazardEventKind.FIXED,
                    by_id=h.fixed_by_id,
                    note=h.fix_note,
                    at=_at(h.fixed_on),
                )
            )
        if h.status == HazardStatus.CLOSED and h.verified_on is not None:
            events.append(
                HazardEvent(
                    hazard=h,
                    kind=HazardEventKind.CLOSED,
                    by_id=inspector,
                    note=h.verify_note,
                    at=_at(h.verified_on),
                )
            )
    return events
