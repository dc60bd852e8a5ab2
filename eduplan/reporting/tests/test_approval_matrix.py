"""Who may approve whose report: every role against a school's, a district's, a
bureau-run school's and a department's submission."""

from __future__ import annotations

import pytest

from eduplan.org.access import Action, can
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.models import Submission
from eduplan.reporting.services import form_load
from eduplan.reporting.tests.conftest import CLASS_FORM


@pytest.fixture
def submissions(city):
    data = dict(CLASS_FORM, assigned_types=["primary", "senior", "district", "department"])
    form, version, _ = form_load(definition=definition_from_data(data, source="t"))
    units = {
        "school": city.jinshui_one,
        "other_school": city.erqi_one,
        "district": city.jinshui,
        "bureau_school": city.bureau_school,
        "department": city.dept_basic,
    }
    return {
        name: Submission.objects.create(
            form=form, form_version=version, org_unit=unit, period="2016T1", status="submitted"
        )
        for name, unit in units.items()
    }


# who -> the submissions they may approve (the form is owned by 基础教育处, Dan's department)
MAY_APPROVE = {
    "bob": {"school"},
    "dora": {"other_school"},
    "dan": {"district", "bureau_school"},
    "sue": {"district", "bureau_school", "department"},
    "lee": set(),
    "alice": set(),
    "charlie": set(),
    "nobody": set(),
}


@pytest.mark.parametrize("who", list(MAY_APPROVE))
@pytest.mark.parametrize(
    "what", ["school", "other_school", "district", "bureau_school", "department"]
)
def test_approval_matrix(city, submissions, who, what):
    assert can(city.users[who], Action.REPORT_APPROVE, submissions[what]) is (
        what in MAY_APPROVE[who]
    )
