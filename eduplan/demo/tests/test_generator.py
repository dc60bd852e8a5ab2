"""The synthetic city: deterministic, Zhengzhou-sized at scale 1, with crowded classes."""

from __future__ import annotations

import io
from collections import Counter

from django.core.management import call_command

from eduplan.construction.models import SchoolClass
from eduplan.demo.generator import generate
from eduplan.demo.services import demo_accounts, demo_setup
from eduplan.org.models import Membership, OrgUnit, Role, UnitType

DISTRICTS = {
    "410105": ("金水区", "urban"),
    "410103": ("二七区", "urban"),
    "410181": ("巩义市", "county"),
    "410174": ("郑东新区", "zone"),
}


def test_the_same_seed_gives_the_same_city():
    a = generate(districts=DISTRICTS, root_code="410100", scale=0.05, seed=7)
    b = generate(districts=DISTRICTS, root_code="410100", scale=0.05, seed=7)
    c = generate(districts=DISTRICTS, root_code="410100", scale=0.05, seed=8)
    assert a.units == b.units and a.classes == b.classes
    assert a.classes != c.classes


def test_scale_one_is_about_zhengzhous_size():
    import yaml

    from eduplan.demo.services import ORG_FILE

    data = yaml.safe_load(ORG_FILE.read_text(encoding="utf-8"))
    districts = {d["code"]: (d["name"], d["kind"]) for d in data["districts"]}
    city = generate(districts=districts, root_code="410100", scale=1, seed=2016)
    types = Counter(u.type for u in city.units)
    assert 950 <= types[UnitType.PRIMARY] <= 1060
    assert 240 <= types[UnitType.JUNIOR] <= 300
    assert 85 <= types[UnitType.SENIOR] <= 120
    assert 110 <= types[UnitType.VOCATIONAL] <= 150
    assert 1400 <= types[UnitType.KINDERGARTEN] <= 1600
    assert 1_200_000 <= city.pupils <= 1_600_000
    sizes = [c.pupils for c in city.classes if c.school_year == 2016]
    large = sum(56 <= s <= 65 for s in sizes) / len(sizes)
    huge = sum(s >= 66 for s in sizes) / len(sizes)
    assert 0.05 < large < 0.40, large
    assert 0.002 < huge < large, huge
    # The plan opens about 90 new schools in 2016–2018, and some schools have closed.
    new = [u for u in city.units if u.opened_on and u.opened_on.year >= 2016]
    assert 70 <= len(new) <= 110
    assert any(u.closed_on for u in city.units)


def test_demo_setup_loads_once_and_creates_an_account_per_role(db):
    done = demo_setup(scale=0.02, seed=3)
    assert {"org", "plan", "schools", "classes"} <= set(done)
    assert SchoolClass.objects.exists()
    assert {m.role for m in Membership.objects.all()} == set(Role)
    again = demo_setup(scale=0.02, seed=3)
    assert again == {}
    assert OrgUnit.objects.filter(type=UnitType.BUREAU).count() == 1


def test_demo_accounts_are_scoped_as_printed(db):
    demo_setup(scale=0.02, seed=3)
    by_name = {a.username: a for a in demo_accounts()}
    alice = Membership.objects.get(user__username="jinshui-school1")
    assert alice.scope.code == by_name["jinshui-school1"].scope_code
    assert alice.scope.path.startswith(OrgUnit.objects.get(code="410105").path)


def test_demo_command_sets_up_without_serving(db):
    out = io.StringIO()
    call_command("demo", "--scale", "0.02", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert "jinshui-school1" in text
    assert OrgUnit.objects.filter(type=UnitType.DISTRICT).count() == 16
