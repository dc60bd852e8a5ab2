"""Writing disclosures: only schools have fees, only private schools are listed, and a
form element is public only when its definition says so."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest

from eduplan.core.errors import InputError
from eduplan.org.models import Ownership
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.public.models import DirectoryEntry, FeeItem
from eduplan.public.services import (
    ERR_NOT_PRIVATE,
    ERR_NOT_SCHOOL,
    directory_entry_save,
    fee_item_save,
)
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.loading import definitions_from_dir
from eduplan.reporting.tests.conftest import CLASS_FORM

FEE = {
    "school_year": 2016,
    "item": "住宿费",
    "amount": "300",
    "unit": "元/生·学期",
    "approving_body": "河南省发展和改革委员会",
    "document_number": "豫发改收费〔2015〕1058号",
    "scope": "自愿住宿学生",
}
ENTRY = {
    "licence_number": "教民141010520000009号",
    "sponsor": "郑州市博雅教育科技有限公司",
    "address": "金水区花园路1号",
    "phone": "0371-60000000",
    "levels": "小学",
    "approved_by": "金水区教育局",
}


def test_a_fee_item_is_saved_once_per_item_with_the_default_hotline(city):
    first = fee_item_save(school=city.jinshui_one, **FEE)
    again = fee_item_save(school=city.jinshui_one, **{**FEE, "amount": 250}, published=True)
    assert first.pk == again.pk and again.amount == Decimal("250.00") and again.published
    assert again.hotline == "12358"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"approving_body": " "}, "approving_body"),
        ({"document_number": ""}, "document_number"),
        ({"item": ""}, "item"),
    ],
)
def test_a_fee_without_a_valid_standard_or_legal_basis_is_refused(city, change, where):
    with pytest.raises(InputError, match=f"^{re.escape(where)}: ") as excinfo:
        fee_item_save(school=city.jinshui_one, **{**FEE, **change})
    assert excinfo.value.where == where
    assert not FeeItem.objects.exists()


def test_only_schools_have_fees(city):
    with pytest.raises(
        InputError, match=re.escape(str(ERR_NOT_SCHOOL % {"unit": "金水区"}))
    ) as excinfo:
        fee_item_save(school=city.jinshui, **FEE)
    assert excinfo.value.message == str(ERR_NOT_SCHOOL % {"unit": "金水区"})


def test_only_private_schools_are_listed_in_the_directory(city):
    with pytest.raises(
        InputError, match=re.escape(str(ERR_NOT_PRIVATE % {"unit": "金水一小"}))
    ) as excinfo:
        directory_entry_save(school=city.jinshui_one, **ENTRY)
    assert excinfo.value.message == str(ERR_NOT_PRIVATE % {"unit": "金水一小"})
    assert not DirectoryEntry.objects.exists()
    private = OrgUnitFactory(
        name="金水民办博雅小学", parent=city.jinshui, ownership=Ownership.PRIVATE
    )
    entry = directory_entry_save(school=private, **ENTRY, published=True)
    assert entry.published and entry.licence_number == ENTRY["licence_number"]
    other = OrgUnitFactory(name="另一所民办学校", parent=city.jinshui, ownership=Ownership.PRIVATE)
    with pytest.raises(InputError, match="已属于另一所学校") as excinfo:
        directory_entry_save(school=other, **ENTRY)
    assert excinfo.value.where == "licence_number"


def test_construction_progress_marks_its_figures_public_but_not_its_narrative():
    form = next(d for d in definitions_from_dir() if d.code == "construction-progress")
    assert {e.code for e in form.elements if e.public} == {
        "build_planned",
        "build_started",
        "build_topped",
        "build_completed",
        "build_investment",
        "build_places",
    }


def test_a_form_that_marks_nothing_public_keeps_its_definition_and_hash():
    definition = definition_from_data(CLASS_FORM, source="t")
    assert all("public" not in e for e in definition.as_json()["elements"])
    marked = copy.deepcopy(CLASS_FORM)
    marked["elements"][0]["public"] = True
    changed = definition_from_data(marked, source="t")
    assert changed.elements[0].public and changed.digest != definition.digest


def test_public_must_be_true_or_false():
    data = copy.deepcopy(CLASS_FORM)
    data["elements"][1]["public"] = "yes"
    with pytest.raises(InputError, match="须为 true 或 false") as excinfo:
        definition_from_data(data, source="t")
    assert excinfo.value.where == "t: elements[1].public"
