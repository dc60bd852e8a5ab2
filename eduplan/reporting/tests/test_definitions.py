"""Form definitions: versioned by content, refused with the place when wrong."""

from __future__ import annotations

import copy
import re

import pytest

from eduplan.core.errors import InputError
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.loading import definitions_from_dir
from eduplan.reporting.rules import RuleSyntaxError, evaluate, holds
from eduplan.reporting.services import form_load
from eduplan.reporting.tests.conftest import CLASS_FORM


def test_the_shipped_forms_are_valid_and_cover_the_plan():
    codes = {d.code for d in definitions_from_dir()}
    assert {
        "construction-progress",
        "class-size",
        "football-activity",
        "ict-status",
        "kindergarten-status",
        "measure-progress",
    } <= codes


def test_same_definition_is_the_same_version_and_a_change_is_a_new_one(city):
    form, v1, created = form_load(definition=definition_from_data(CLASS_FORM, source="t"))
    assert created and v1.number == 1
    _, again, created = form_load(definition=definition_from_data(CLASS_FORM, source="t"))
    assert not created and again.pk == v1.pk
    changed = copy.deepcopy(CLASS_FORM)
    changed["elements"][0]["name"] = "教学班数"
    _, v2, created = form_load(definition=definition_from_data(changed, source="t"))
    assert created and v2.number == 2 and v2.digest != v1.digest
    form.refresh_from_db()
    assert form.current_version_id == v2.pk


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.update(period_type="weekly"), "t: period_type"),
        (lambda d: d["elements"][1].update(type="money"), "t: elements[1].type"),
        (lambda d: d["rules"][0].update(left="classes_large + nonsense"), "t: rules[0].left"),
        (lambda d: d["rules"][0].update(right="__import__('os')"), "t: rules[0].right"),
        (lambda d: d["rules"][1].update(operator="=<"), "t: rules[1].operator"),
        (lambda d: d.update(due_days=-1), "t: due_days"),
        (lambda d: d["elements"].append(dict(d["elements"][0])), "t: elements[6].code"),
    ],
)
def test_a_bad_definition_is_refused_with_its_place(mutate, where):
    data = copy.deepcopy(CLASS_FORM)
    mutate(data)
    with pytest.raises(InputError, match=f"^{re.escape(where)}: ") as excinfo:
        definition_from_data(data, source="t")
    assert excinfo.value.where == where


def test_a_form_owned_by_an_unknown_department_is_refused(city):
    data = dict(CLASS_FORM, owner="NOPE")
    with pytest.raises(InputError, match="NOPE"):
        form_load(definition=definition_from_data(data, source="t"))


def test_rule_expressions_are_arithmetic_only():
    from decimal import Decimal

    assert evaluate("a + b * 2", {"a": Decimal(1), "b": Decimal(3)}) == 7
    assert evaluate("a / b", {"a": Decimal(1), "b": Decimal(0)}) is None
    assert holds("a", "<=", "b", {"a": Decimal(1)}) is None  # cannot judge without b
    for bad in ["a.b", "f(a)", "a if b else c", "'x'", "a ** 2", "[a]"]:
        with pytest.raises(
            RuleSyntaxError,
            match=(
                r"^only (names, numbers and \+ - \* / are allowed"
                r"|numbers may appear as constants): "
            ),
        ):
            evaluate(bad, {})
