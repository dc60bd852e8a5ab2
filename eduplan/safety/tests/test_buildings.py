"""A building rated C is to be reinforced and stays in use; one rated D is closed, and
nothing (service, inspection, raw update) shows a D building as in use."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from eduplan.core.errors import InputError
from eduplan.safety.models import Building, BuildingUse, Rating, Structure
from eduplan.safety.services import building_use_set, inspection_record


def test_a_d_rating_from_an_inspection_closes_the_building(safety):
    inspection_record(
        user=safety.ann,
        round=safety.city_round,
        obj=safety.dorm,
        inspected_on=datetime.date(2016, 4, 20),
        results={"B01": False},
        rating="D",
    )
    safety.dorm.refresh_from_db()
    assert (safety.dorm.rating, safety.dorm.in_use) == (Rating.D, False)
    assert safety.dorm.rated_on == datetime.date(2016, 4, 20)


def test_a_c_rating_keeps_the_building_in_use_to_be_reinforced(safety):
    inspection_record(
        user=safety.ann,
        round=safety.city_round,
        obj=safety.erqi_building,
        inspected_on=datetime.date(2016, 4, 20),
        results={},
        rating="C",
    )
    safety.erqi_building.refresh_from_db()
    assert (safety.erqi_building.rating, safety.erqi_building.in_use) == (Rating.C, True)


def test_a_d_building_cannot_be_put_back_in_use(safety):
    safety.dorm.rating, safety.dorm.in_use = Rating.D, False
    safety.dorm.save()
    with pytest.raises(InputError, match="评定为 D 级"):
        building_use_set(user=safety.city.users["alice"], building=safety.dorm, in_use=True)
    safety.dorm.refresh_from_db()
    assert safety.dorm.in_use is False


def test_the_database_refuses_a_d_building_in_use(safety):
    with (
        pytest.raises(IntegrityError, match="safety_building_d_never_in_use"),
        transaction.atomic(),
    ):
        Building.objects.filter(pk=safety.dorm.pk).update(rating=Rating.D)
    with (
        pytest.raises(IntegrityError, match="safety_building_d_never_in_use"),
        transaction.atomic(),
    ):
        Building.objects.create(
            school=safety.city.jinshui_two,
            name="危房",
            use=BuildingUse.OTHER,
            structure=Structure.BRICK_WOOD,
            rating=Rating.D,
            in_use=True,
        )
    assert not Building.objects.filter(rating=Rating.D, in_use=True).exists()


def test_another_schools_building_cannot_be_marked_in_use(safety):
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        building_use_set(
            user=safety.city.users["alice"], building=safety.erqi_building, in_use=False
        )


def test_an_inspection_outside_the_rounds_area_is_refused(safety):
    with pytest.raises(InputError, match="不在检查轮次"):
        inspection_record(
            user=safety.city.users["bob"],
            round=safety.district_round,
            obj=safety.erqi_building,
            inspected_on=datetime.date(2016, 4, 1),
            results={},
        )


def test_an_object_is_inspected_once_a_round(safety):
    with pytest.raises(InputError, match="已在本轮检查过"):
        inspection_record(
            user=safety.ann,
            round=safety.city_round,
            obj=safety.teaching,
            inspected_on=datetime.date(2016, 4, 20),
            results={},
        )
