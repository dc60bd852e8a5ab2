"""The named test city with a petitions office: Xena works in 信访办 (she registers,
routes and alone reads petitioners); Dan in 基础教育处 sees only cases routed to his
department; Bob handles 金水区's cases, Dora 二七区's; Alice sees her school's; Lee and Sue
read every case but never a petitioner.

王小明 petitions about 金水一小 (received by the bureau: it skipped the district).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from eduplan.org.models import Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.petitions.models import Category, Channel, PetitionCase
from eduplan.petitions.services import PetitionerIn, case_register

NAME, ID_NUMBER, PHONE, ADDRESS = "王小明", "410105198001011234", "13800138000", "金水路88号"
PERSONAL = (NAME, ID_NUMBER, PHONE, ADDRESS)
RECEIVED = datetime.date(2016, 12, 20)


@pytest.fixture
def office(city):
    office = OrgUnitFactory(
        code="DEPT-XF", name="信访办公室", type=UnitType.DEPARTMENT, parent=city.root
    )
    city.users["xena"] = user_with_role("xena", Role.DEPARTMENT, city.root, department=office)
    return office


def register(city: Any, **overrides: Any) -> PetitionCase:
    values: dict[str, Any] = {
        "user": city.users["xena"],
        "received_by": city.root,
        "received_on": RECEIVED,
        "channel": Channel.VISIT,
        "category": Category.ENROLMENT,
        "summary": "反映学校招生划片不合理",
        "concerned_unit": city.jinshui_one,
        "petitioners": [PetitionerIn(NAME, ID_NUMBER, PHONE, ADDRESS)],
    }
    values.update(overrides)
    # Registered the day after it was received.
    day = values["received_on"] + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(2)), tick=False):
        return case_register(**values)


@pytest.fixture
def case(city, office) -> PetitionCase:
    return register(city)
