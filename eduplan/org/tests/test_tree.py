from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.core.errors import InputError
from eduplan.org.models import OrgUnit, UnitType
from eduplan.org.selectors import (
    unit_ancestors,
    unit_children_with_school_counts,
    unit_subtree,
    units_open_between,
)
from eduplan.org.services import UnitSpec, org_unit_close, org_unit_move, org_units_create


def test_subtree_is_one_query_and_holds_the_whole_district(city, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = sorted(u.code for u in unit_subtree(unit=city.jinshui))
    assert codes == ["410105", "410105-P1", "410105-P2"]


def test_subtree_of_the_root_holds_every_unit(city):
    assert unit_subtree(unit=city.root).count() == OrgUnit.objects.count()


def test_a_code_that_prefixes_another_does_not_leak_into_its_subtree(city):
    # "410105" must not match a sibling "4101050": paths end with a separator.
    OrgUnitFactory = __import__("eduplan.org.tests.factories", fromlist=["x"]).OrgUnitFactory
    OrgUnitFactory(code="4101050", name="假区", type=UnitType.DISTRICT, parent=city.root)
    assert "4101050" not in {u.code for u in unit_subtree(unit=city.jinshui)}


def test_ancestors_come_from_the_path_in_one_query(city, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [u.name for u in unit_ancestors(unit=city.jinshui_one)]
    assert names == ["郑州市教育局", "金水区"]


def test_children_carry_their_open_school_count(city, django_assert_num_queries):
    org_unit_close(unit=city.jinshui_two, on=datetime.date(2017, 7, 31))
    with django_assert_num_queries(1):
        counts = {u.code: u.open_schools for u in unit_children_with_school_counts(unit=city.root)}
    assert counts["410105"] == 1
    assert counts["410103"] == 1
    assert counts["D-JC"] == 0


def test_a_closed_school_stays_in_the_figures_of_the_periods_it_was_open(city):
    city.jinshui_two.opened_on = datetime.date(2010, 9, 1)
    city.jinshui_two.save(update_fields=["opened_on"])
    org_unit_close(unit=city.jinshui_two, on=datetime.date(2017, 7, 31))
    district = unit_subtree(unit=city.jinshui)
    open_2016 = units_open_between(
        district, start=datetime.date(2016, 1, 1), end=datetime.date(2016, 12, 31)
    )
    open_2018 = units_open_between(
        district, start=datetime.date(2018, 1, 1), end=datetime.date(2018, 12, 31)
    )
    assert city.jinshui_two in open_2016
    assert city.jinshui_two not in open_2018
    assert OrgUnit.objects.filter(pk=city.jinshui_two.pk).exists()


def test_a_school_opened_later_is_not_counted_before_it_opened(city):
    new = org_units_create(
        specs=[
            UnitSpec(
                "410105-P9",
                "金水新小",
                UnitType.PRIMARY,
                "410105",
                opened_on=datetime.date(2017, 9, 1),
            )
        ]
    )[0]
    district = unit_subtree(unit=city.jinshui)
    assert new not in units_open_between(
        district, start=datetime.date(2016, 1, 1), end=datetime.date(2016, 12, 31)
    )
    assert new in units_open_between(
        district, start=datetime.date(2017, 1, 1), end=datetime.date(2017, 12, 31)
    )


def test_a_unit_cannot_close_before_it_opens(city):
    city.jinshui_two.opened_on = datetime.date(2016, 9, 1)
    with pytest.raises(InputError, match="单位撤销日期不能早于开办日期"):
        org_unit_close(unit=city.jinshui_two, on=datetime.date(2015, 1, 1))


def test_moving_a_district_school_rewrites_its_subtree_paths(city):
    org_unit_move(unit=city.jinshui_two, new_parent=city.erqi)
    assert city.jinshui_two.path == "/410100/410103/410105-P2/"
    assert set(unit_subtree(unit=city.erqi).values_list("code", flat=True)) == {
        "410103",
        "410103-P1",
        "410105-P2",
    }


def test_a_unit_cannot_move_under_itself(city):
    with pytest.raises(InputError, match="单位不能移到自身之下"):
        org_unit_move(unit=city.jinshui, new_parent=city.jinshui_one)


def test_a_batch_with_an_unknown_parent_is_refused_whole_and_names_the_unit(city):
    before = OrgUnit.objects.count()
    specs = [
        UnitSpec("410105-P7", "好学校", UnitType.PRIMARY, "410105"),
        UnitSpec("999999-P1", "孤儿学校", UnitType.PRIMARY, "999999"),
    ]
    with pytest.raises(
        InputError, match=r"^schools\.yaml#2 999999-P1: 未知上级单位：999999$"
    ) as excinfo:
        org_units_create(specs=specs, source="schools.yaml")
    assert "999999" in str(excinfo.value)
    assert "schools.yaml#2" in str(excinfo.value)
    assert OrgUnit.objects.count() == before


def test_a_batch_repeating_a_code_is_refused_whole(city):
    before = OrgUnit.objects.count()
    specs = [
        UnitSpec("410105-P7", "好学校", UnitType.PRIMARY, "410105"),
        UnitSpec("410105-P7", "好学校", UnitType.PRIMARY, "410105"),
    ]
    with pytest.raises(InputError, match="410105-P7"):
        org_units_create(specs=specs)
    assert OrgUnit.objects.count() == before


def test_a_batch_reusing_a_stored_code_is_refused(city):
    with pytest.raises(InputError, match="410105-P1"):
        org_units_create(specs=[UnitSpec("410105-P1", "重复", UnitType.PRIMARY, "410105")])


_runs = itertools.count()


@st.composite
def random_trees(draw: st.DrawFn) -> list[int]:
    """Parent index for each node; node 0 is the root."""
    size = draw(st.integers(min_value=1, max_value=40))
    return [-1] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, size)]


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parents=random_trees(), pick=st.integers(min_value=0, max_value=39))
def test_subtree_by_path_equals_subtree_by_walking_parents(parents, pick):
    # Each example adds its own tree under a fresh root code; the test's transaction
    # rolls all of them back at the end.
    run = next(_runs)
    specs = [
        UnitSpec(f"R{run}N{i}", f"节点{i}", UnitType.DISTRICT, None if p < 0 else f"R{run}N{p}")
        for i, p in enumerate(parents)
    ]
    org_units_create(specs=specs)
    chosen = pick % len(parents)
    expected = {chosen}
    for i in range(len(parents)):  # parents precede children, so one pass suffices
        if parents[i] in expected:
            expected.add(i)
    unit = OrgUnit.objects.get(code=f"R{run}N{chosen}")
    got = {
        int(code.split("N")[1]) for code in unit_subtree(unit=unit).values_list("code", flat=True)
    }
    assert got == expected
