"""What the public pages read, with something that must never show beside each thing
that must: fees not approved, a retired entry, a closed school, reports not yet approved.
Fees and entries are records of the shipped ledgers `fee_items` and `private_schools`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest

from eduplan.core.loading import yaml_file_load
from eduplan.ledgers.models import Ledger, LedgerRecord, RecordStatus, ReviewState
from eduplan.ledgers.services import (
    LEDGERS_DIR,
    definition_of,
    ledger_data_load,
    record_new,
    record_place,
)
from eduplan.org.models import OrgUnit, Ownership, UnitType
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.reporting.loading import definitions_from_dir
from eduplan.reporting.models import DataElement, DataValue, Form, Status, Submission
from eduplan.reporting.services import form_load

INJECTION = '=HYPERLINK("http://x")'


def shipped_ledger(code: str) -> Ledger:
    """A shipped ledger file loaded into the test city (its review department: 基础教育处)."""
    path = LEDGERS_DIR / f"{code}.yaml"
    data = yaml_file_load(path=path)
    if data.get("review", {}).get("department"):
        data["review"]["department"] = "D-JC"
    found = Ledger.objects.filter(code=code).first()
    return found if found is not None else ledger_data_load(data=data, source=path.name)[0]


def entered(
    code: str, values: dict[str, object], *, review: str, retired: str = ""
) -> LedgerRecord:
    """A record as its keeper would have entered it, in the given review state."""
    ledger = shipped_ledger(code)
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    units = {values["school"]: OrgUnit.objects.get(code=values["school"])}
    # A formula is refused on entry; one may still come from before (a migrated row).
    formulas = {k: v for k, v in values.items() if isinstance(v, str) and v.startswith("=")}
    placed, problems = record_place(definition, {**values, **dict.fromkeys(formulas, "x")}, units)
    assert placed is not None, problems
    placed.data.update(formulas)
    record = record_new(
        ledger=ledger,
        definition=definition,
        version=ledger.current_version,
        placed=placed,
        user=None,
    )
    record.review = review
    if retired:
        record.status, record.retired_reason = RecordStatus.RETIRED, retired
    record.save()
    return record


def fee(school, item, *, year=2016, published=True, amount="20", **extra):
    values = {
        "school": school.code,
        "school_year": year,
        "item": item,
        "amount": amount,
        "billing_unit": extra.pop("unit", "元/生·学期"),
        "approving_body": extra.pop("approving_body", "河南省发展和改革委员会"),
        "document_number": extra.pop("document_number", "豫发改收费〔2013〕1543号"),
        "scope": extra.pop("scope", "全体在校生"),
        "waivers": extra.pop("waivers", "建档立卡贫困家庭学生免收"),
        "filed_on": f"{year}-08-25",
        **extra,
    }
    review = ReviewState.APPROVED if published else ReviewState.SUBMITTED
    return entered("fee_items", values, review=review)


def entry(school, *, published=True, **values):
    values = {"school": school.code, "listed_on": "2016-03-01", **values}
    return entered(
        "private_schools", values, review=ReviewState.APPROVED, retired="" if published else "撤销"
    )


@dataclass
class Disclosures:
    private_school: object
    private_kindergarten: object
    closed_school: object


@pytest.fixture
def disclosures(city) -> Disclosures:
    closed = OrgUnitFactory(
        code="410105-P9",
        name="金水已撤并小学",
        parent=city.jinshui,
        opened_on=datetime.date(2000, 9, 1),
        closed_on=datetime.date(2015, 7, 31),
    )
    private_school = OrgUnitFactory(
        code="410105-P8", name="金水民办育才小学", parent=city.jinshui, ownership=Ownership.PRIVATE
    )
    private_kg = OrgUnitFactory(
        code="410103-K1",
        name="二七民办晨光幼儿园",
        type=UnitType.KINDERGARTEN,
        parent=city.erqi,
        ownership=Ownership.PRIVATE,
    )
    fee(city.jinshui_one, "作业本费（代收）", amount="25.50", waivers="低保家庭学生免收作业本费")
    fee(city.jinshui_one, "秘密收费项目", published=False)
    fee(city.jinshui_one, INJECTION)
    fee(city.jinshui_one, "旧学年收费", year=2015)
    fee(city.erqi_one, "住宿费", amount="300", scope="自愿住宿学生")
    fee(city.jinshui_two, "未公示的收费", published=False)
    fee(closed, "已撤并学校收费")
    fee(private_school, "学费", amount="6000", approving_body="郑州市发展和改革委员会")
    entry(
        private_school,
        licence_number="教民141010520000001号",
        sponsor="郑州市育才教育科技有限公司",
        address="金水区文化路88号",
        phone="0371-63330001",
        levels="小学",
        approved_by="金水区教育局",
    )
    entry(
        private_kg,
        licence_number="教民141010310000002号",
        sponsor="郑州市秘密教育咨询有限公司",
        address="二七区大学路1号",
        phone="0371-68880002",
        levels="学前教育",
        approved_by="二七区教育局",
        published=False,
    )
    return Disclosures(private_school, private_kg, closed)


def construction_form(city) -> Form:
    """The shipped construction-progress form, owned here by a department the test
    city has."""
    definition = next(d for d in definitions_from_dir() if d.code == "construction-progress")
    form, _version, _created = form_load(definition=replace(definition, owner="D-JC"))
    return form


def report(form: Form, unit, period: str, status: str, values: dict[str, object]) -> Submission:
    elements = dict(DataElement.objects.values_list("code", "pk"))
    submission = Submission.objects.create(
        form=form, form_version=form.current_version, org_unit=unit, period=period, status=status
    )
    DataValue.objects.bulk_create(
        DataValue(
            submission=submission,
            element_id=elements[code],
            org_unit=unit,
            period=period,
            number=None if isinstance(value, str) else Decimal(str(value)),
            text=value if isinstance(value, str) else "",
        )
        for code, value in values.items()
    )
    return submission


def figures(base: int, narrative: str) -> dict[str, object]:
    return {
        "build_planned": base,
        "build_started": base - 1,
        "build_topped": base - 2,
        "build_completed": base - 3,
        "build_investment": Decimal("12345.5"),
        "build_places": base * 100 + 7,
        "build_narrative": narrative,
    }


@pytest.fixture
def construction(city) -> Form:
    """金水区: 2016B5 approved (41…), 2016B6 submitted (91…); 二七区: 2016B5 draft (61…),
    2016B6 returned (71…), so nothing approved."""
    form = construction_form(city)
    report(form, city.jinshui, "2016B5", Status.APPROVED, figures(41, "审核通过的内部说明"))
    report(form, city.jinshui, "2016B6", Status.SUBMITTED, figures(91, "待审说明"))
    report(form, city.erqi, "2016B5", Status.DRAFT, figures(61, "草稿说明"))
    report(form, city.erqi, "2016B6", Status.RETURNED, figures(71, "退回说明"))
    return form
