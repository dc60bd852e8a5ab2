"""The safety cast on top of the named city (eduplan/conftest.py): Ann inspects for
安全稳定工作处, which runs the city's rounds; Bob administers 金水区 and runs its own
round; Alice reports for 金水一小, which has a teaching building, a dormitory and a bus."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eduplan.org.models import Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.safety.models import (
    Building,
    BuildingUse,
    Inspection,
    InspectionRound,
    ObjectType,
    Rating,
    RoundKind,
    SchoolBus,
    Structure,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
FOUND = datetime.date(2016, 4, 12)


def png(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@dataclass
class Safety:
    city: Any
    dept: Any
    ann: Any
    city_round: InspectionRound
    district_round: InspectionRound
    teaching: Building
    dorm: Building
    bus: SchoolBus
    erqi_building: Building
    inspection: Inspection


@pytest.fixture
def safety(city, settings, tmp_path) -> Safety:
    settings.MEDIA_ROOT = tmp_path
    dept = OrgUnitFactory(
        code="DEPT-AQ", name="安全稳定工作处", type=UnitType.DEPARTMENT, parent=city.root
    )
    ann = user_with_role("ann", Role.DEPARTMENT, city.root, department=dept)
    city.users["ann"] = ann
    city_round = InspectionRound.objects.create(
        name="2016年春季校舍安全排查",
        kind=RoundKind.BUILDING,
        year=2016,
        half=1,
        organiser=dept,
        starts_on=datetime.date(2016, 3, 1),
        ends_on=datetime.date(2016, 5, 31),
    )
    district_round = InspectionRound.objects.create(
        name="2016年金水区校车专项检查",
        kind=RoundKind.CAMPAIGN,
        year=2016,
        organiser=city.jinshui,
        starts_on=datetime.date(2016, 3, 1),
        ends_on=datetime.date(2016, 4, 30),
    )
    teaching = Building.objects.create(
        school=city.jinshui_one,
        name="1号教学楼",
        use=BuildingUse.TEACHING,
        structure=Structure.FRAME,
        floors=4,
        rating=Rating.B,
    )
    dorm = Building.objects.create(
        school=city.jinshui_one,
        name="学生宿舍",
        use=BuildingUse.DORMITORY,
        structure=Structure.BRICK_WOOD,
        floors=2,
        rating=Rating.C,
    )
    erqi_building = Building.objects.create(
        school=city.erqi_one,
        name="综合楼",
        use=BuildingUse.TEACHING,
        structure=Structure.BRICK_CONCRETE,
        rating=Rating.A,
    )
    bus = SchoolBus.objects.create(
        school=city.jinshui_one,
        plate="豫A12345",
        seats=35,
        licence_number="演示许可证0001",
        licence_expires_on=datetime.date(2017, 1, 31),
        driver="王师傅",
        driver_licence_expires_on=datetime.date(2018, 6, 30),
        inspection_expires_on=datetime.date(2016, 12, 20),
    )
    inspection = Inspection.objects.create(
        round=city_round,
        school=city.jinshui_one,
        object_type=ObjectType.BUILDING,
        building=teaching,
        inspected_on=FOUND,
        inspector=ann,
        results={"B03": False},
    )
    return Safety(
        city, dept, ann, city_round, district_round, teaching, dorm, bus, erqi_building, inspection
    )
