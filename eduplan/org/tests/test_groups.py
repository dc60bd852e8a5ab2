"""Unit groups (市区, 县（市）, 直属学校): declared in the organisation file, loaded with it,
refused whole when wrong, kept true as schools are added, and editable in the admin."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_stamp
from eduplan.demo.services import org_load_file
from eduplan.org.models import OrgGroup, OrgGroupMember, OrgUnit, UnitType
from eduplan.org.selectors import rows_in_group
from eduplan.org.services import UnitSpec, org_file_load, org_units_create

SMALL_ORG: dict[str, Any] = {
    "root": {"code": "410100", "name": "郑州市教育局"},
    "districts": [
        {"code": "410105", "name": "金水区", "kind": "urban"},
        {"code": "410181", "name": "巩义市", "kind": "county"},
    ],
    "groups": [
        {"code": "urban", "name": "市区", "members": ["410105"]},
        {"code": "direct", "name": "直属学校", "members": [{"schools_under": "410100"}]},
    ],
}


def units_in(group_code: str) -> set[str]:
    rows = OrgUnit.objects.annotate(unit_path=F("path"))
    return set(rows_in_group(rows, group_code=group_code).values_list("code", flat=True))


@pytest.mark.django_db
def test_the_organisation_file_ships_the_groups_the_plan_names():
    org_load_file()
    groups = {g.name: g for g in OrgGroup.objects.prefetch_related("members__unit")}
    assert set(groups) == {"市区", "县（市）", "直属学校", "局属学校"}
    urban = {m.unit.name for m in groups["市区"].members.all()}
    assert {"金水区", "郑东新区", "航空港区"} <= urban and len(urban) == 9
    assert "上街区" not in urban  # apart from the city; see the file's comment
    counties = {m.unit.attributes["kind"] for m in groups["县（市）"].members.all()}
    assert counties == {"county"} and groups["县（市）"].members.count() == 6
    direct = groups["直属学校"].members.get()
    assert (direct.unit.code, direct.reach) == ("410100", OrgGroupMember.Reach.SCHOOLS_UNDER)


@pytest.mark.django_db
def test_direct_schools_are_those_under_the_bureau_including_ones_added_later():
    org_file_load(data=SMALL_ORG, source="t.yaml")
    assert units_in("direct") == set()
    org_units_create(
        specs=[
            UnitSpec("410100-S0001", "郑州市第一中学", UnitType.SENIOR, "410100"),
            UnitSpec("410100-S0001-K", "一中附属幼儿园", UnitType.KINDERGARTEN, "410100-S0001"),
            UnitSpec("DEPT-JC", "基础教育处", UnitType.DEPARTMENT, "410100"),
            UnitSpec("410105-P0001", "金水一小", UnitType.PRIMARY, "410105"),
        ]
    )
    # A school under the bureau with everything beneath it; not the bureau itself, its
    # departments, or the districts' schools.
    assert units_in("direct") == {"410100-S0001", "410100-S0001-K"}
    assert units_in("urban") == {"410105", "410105-P0001"}


def _with(change: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(SMALL_ORG)
    data.update(change)
    return data


def _groups(*groups: Any) -> dict[str, Any]:
    return _with({"groups": list(groups)})


URBAN = {"code": "urban", "name": "市区", "members": ["410105"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "where"),
    [
        (_with({"groups": {"urban": ["410105"]}}), "groups"),
        (_groups("市区"), "groups[0]"),
        (_groups({"name": "市区", "members": ["410105"]}), "groups[0].code"),
        (_groups({**URBAN, "code": "urban@1"}), "groups[0].code"),
        (_groups({**URBAN, "code": "urban area"}), "groups[0].code"),
        (_groups({**URBAN, "name": ""}), "groups[0].name"),
        (_groups({**URBAN, "description": ["市内九区"]}), "groups[0].description"),
        (_groups({"code": "urban", "name": "市区"}), "groups[0].members"),
        (_groups({**URBAN, "members": []}), "groups[0].members"),
        (_groups({**URBAN, "members": [{"children_of": "410100"}]}), "groups[0].members[0]"),
        (_groups({**URBAN, "members": [True]}), "groups[0].members[0]"),
        (_groups({**URBAN, "members": ["410105", "410105"]}), "groups[0].members[1]"),
        (_groups({**URBAN, "members": ["410105", "999999"]}), "groups[0].members[1]"),
        (
            _groups({**URBAN, "members": [{"schools_under": "999999"}]}),
            "groups[0].members[0]",
        ),
        (_groups(URBAN, {**URBAN, "name": "城区"}), "groups[1].code"),
        (_groups(URBAN, {**URBAN, "code": "city"}), "groups[1].name"),
        (_groups(URBAN, {**URBAN, "code": "city", "name": "urban"}), "groups[1].name"),
    ],
)
def test_bad_group_data_is_refused_with_its_place_and_changes_nothing(data, where):
    with pytest.raises(InputError, match=f"^t\\.yaml: {re.escape(where)}: ") as refused:
        org_file_load(data=data, source="t.yaml")
    assert refused.value.where == f"t.yaml: {where}"
    assert not OrgUnit.objects.exists() and not OrgGroup.objects.exists()


@pytest.mark.django_db
def test_a_group_already_stored_is_not_loaded_twice():
    org_file_load(data=SMALL_ORG, source="t.yaml")
    again = _with({"root": {"code": "420100", "name": "另一局"}, "districts": []})
    again["groups"] = [{"code": "urban", "name": "城区", "members": ["410105"]}]
    with pytest.raises(InputError, match="已有此代码或名称的单位组：urban") as refused:
        org_file_load(data=again, source="u.yaml")
    assert refused.value.where == "u.yaml: groups[0].code"
    assert not OrgUnit.objects.filter(code="420100").exists()


@pytest.mark.django_db
def test_a_group_edited_in_the_admin_moves_the_figures_and_keeps_its_code(client):
    org_file_load(data=SMALL_ORG, source="t.yaml")
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    urban = OrgGroup.objects.get(code="urban")
    page = client.get(f"/admin/org/orggroup/{urban.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="name"' in body and 'name="code"' not in body  # the code is read-only
    assert client.get("/admin/org/orggroup/").status_code == 200
    before = figures_stamp()
    county = OrgUnit.objects.get(code="410181")
    urban.members.create(unit=county)
    assert figures_stamp() > before
    assert "410181" in units_in("urban")


@pytest.mark.django_db
def test_a_group_added_in_the_admin_needs_a_plain_code(client):
    org_file_load(data=SMALL_ORG, source="t.yaml")
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    county = OrgUnit.objects.get(code="410181")
    form = {
        "name": "县（市）",
        "description": "",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-unit": str(county.pk),
        "members-0-reach": "subtree",
    }
    refused = client.post("/admin/org/orggroup/add/", {**form, "code": "county@1"})
    assert refused.status_code == 200 and "单位组代码不能含空格" in refused.content.decode()
    assert not OrgGroup.objects.filter(name="县（市）").exists()
    client.post("/admin/org/orggroup/add/", {**form, "code": "counties"})
    assert units_in("counties") == {"410181"}
