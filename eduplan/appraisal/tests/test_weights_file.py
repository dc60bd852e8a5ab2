"""A weights file that is not right is refused whole, naming file, line, column and
path, and no version is stored; the shipped file loads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eduplan.appraisal.loading import WEIGHTS_FILE, weights_file_read, weights_load
from eduplan.appraisal.models import Weight, WeightSet
from eduplan.appraisal.tests.conftest import weights_file
from eduplan.core.errors import InputError

WEIGHTS = """\
year: 2016
kinds:
  department:
    - {part: reports_on_time, weight: 25, formula: share_x_weight}
    - {part: orders_closed_on_time, weight: 25, formula: share_x_weight}
    - {part: milestones_met, weight: 25, formula: share_x_weight}
    - {part: targets_reached, weight: 25, formula: share_x_weight}
  district:
    - {part: reports_on_time, weight: 40, formula: share_x_weight}
    - {part: orders_closed_on_time, weight: 30, formula: share_x_weight}
    - {part: targets_reached, weight: 30, formula: share_x_weight}
"""


def _with(old: str, new: str) -> str:
    assert WEIGHTS.count(old) == 1, old
    return WEIGHTS.replace(old, new)


@pytest.mark.django_db
def test_the_shipped_weights_and_the_file_the_refusals_start_from_load(tmp_path):
    shipped = weights_file_read(path=WEIGHTS_FILE)
    assert shipped.year == 2016
    weights, new = weights_load(path=weights_file(tmp_path, WEIGHTS))
    assert new and (weights.year, weights.version) == (2016, 1)
    district = Weight.objects.filter(weight_set=weights, unit_kind="district")
    assert list(district.values_list("part", "weight")) == [
        ("reports_on_time", Decimal(40)),
        ("orders_closed_on_time", Decimal(30)),
        ("targets_reached", Decimal(30)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (_with("kinds:\n", "kinds: [\n"), "weights.yaml:", "YAML"),
        ("- 2016\n", "weights.yaml:1:1", "键值结构"),
        (_with("year: 2016\n", ""), "weights.yaml:1:1", "缺少必填的键 year"),
        (_with("year: 2016\n", "year: 2016\nleague: a\n"), "weights.yaml:2:1 league", "未知的键"),
        (_with("year: 2016", 'year: "2016"'), "weights.yaml:1:7 year", "整数"),
        (_with("year: 2016", "year: 1999"), "weights.yaml:1:7 year", "2000"),
        (
            _with("part: targets_reached, weight: 30", "part: targets, weight: 30"),
            "weights.yaml:11:14 kinds.district[2].part",
            "reports_on_time",
        ),
        (
            _with("weight: 40", "weight: 140"),
            "weights.yaml:9:39 kinds.district[0].weight",
            "100",
        ),
        (
            _with("weight: 40, formula: share_x_weight", "weight: 40, formula: sum"),
            "weights.yaml:9:52 kinds.district[0].formula",
            "share_x_weight",
        ),
        (
            _with("weight: 40, formula: share_x_weight}", "weight: 40}"),
            "weights.yaml:9:7 kinds.district[0]",
            "缺少必填的键 formula",
        ),
        (
            _with("district:\n", "district:\n    - 12\n"),
            "weights.yaml:9:7 kinds.district[0]",
            "键值结构",
        ),
        (
            _with("part: orders_closed_on_time, weight: 30", "part: reports_on_time, weight: 30"),
            "weights.yaml:10:14 kinds.district[1].part",
            "重复",
        ),
        (
            _with("weight: 40", "weight: 45"),
            "weights.yaml:9:5 kinds.district",
            "合计为 105",
        ),
    ],
)
def test_a_bad_weights_file_is_refused_saying_where_and_nothing_is_stored(
    tmp_path, text, where, fragment
):
    with pytest.raises(InputError, match=fragment) as refused:
        weights_load(path=weights_file(tmp_path, text))
    assert str(refused.value).startswith(where), str(refused.value)
    assert not WeightSet.objects.exists() and not Weight.objects.exists()
