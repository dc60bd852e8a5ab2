"""GET /api/v1/teachers/{school}: the same teachers and hours as the page, personal fields
only for the school and 教师工作处."""

from __future__ import annotations

import datetime

import pytest

from eduplan.teachers.importing import completions_import
from eduplan.teachers.tests.conftest import workbook
from eduplan.teachers.tests.test_access import PERSONAL, READERS, USERS, WANG_ID


@pytest.mark.parametrize("who", USERS)
def test_the_api_gives_personal_fields_only_to_those_allowed(client, register, who):
    city = register.city
    rows = [["T0001", "C2016-01", None, datetime.date(2016, 5, 1), None]]
    completions_import(user=city.users["jia"], data=workbook(completions=rows), filename="p")
    client.force_login(city.users[who])
    answer = client.get(f"/api/v1/teachers/{city.jinshui_one.code}?year=2016")
    if who not in READERS:
        assert answer.status_code == 403
        return
    assert answer.status_code == 200
    body = answer.json()
    allowed = who in PERSONAL["jinshui_one"]
    assert body["personal"] is allowed and body["cycle"] == "2016–2020"
    wang = next(t for t in body["teachers"] if t["code"] == "T0001")
    assert float(wang["year_hours"]) == 40 and wang["behind"] is True
    assert (wang["id_number"] == WANG_ID) is allowed
    assert WANG_ID not in answer.content.decode() or allowed
    if not allowed:
        assert wang["phone"] is None and wang["birth_date"] is None
