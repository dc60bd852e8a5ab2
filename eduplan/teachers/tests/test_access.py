"""Who sees teachers' personal fields and who keeps the credits register: every role,
on the pages, their downloads and the import, inside and outside its scope."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from eduplan.org.access import Action, can
from eduplan.supervision.models import InboxMessage
from eduplan.teachers.models import Completion, CompletionImport, Course, CreditReminder
from eduplan.teachers.selectors import teacher_roll
from eduplan.teachers.tests.conftest import workbook

WANG_ID = "410105198001011234"
WANG_PHONE = "13800000001"
USERS = ["lee", "sue", "dan", "jia", "bob", "dora", "alice", "charlie", "nobody"]
# School -> who may see its teachers' personal fields: the school and 教师工作处.
PERSONAL = {
    "jinshui_one": {"alice", "jia"},
    "jinshui_two": {"jia"},
    "erqi_one": {"charlie", "jia"},
}


@pytest.mark.parametrize("school", list(PERSONAL))
@pytest.mark.parametrize("who", USERS)
def test_personal_fields_belong_to_the_school_and_the_teachers_department(register, school, who):
    city = register.city
    roll = teacher_roll(getattr(city, school))
    assert can(city.users[who], Action.TEACHER_PERSONAL, roll) is (who in PERSONAL[school])


@pytest.mark.parametrize("who", USERS)
def test_only_the_teachers_department_keeps_the_credits_register(register, who):
    assert can(register.city.users[who], Action.TEACHER_CREDITS, register.dept) is (who == "jia")


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


# Who may open 金水一小's teachers page at all: whoever reads the school.
READERS = {"lee", "sue", "dan", "jia", "bob", "alice"}


@pytest.mark.parametrize("who", USERS)
def test_the_school_page_and_its_download_show_personal_fields_only_to_those_allowed(
    client, register, who
):
    city = register.city
    url = reverse("teachers:school", args=[city.jinshui_one.code])
    page = _get(client, city.users[who], url)
    if who not in READERS:
        assert page.status_code == 403
        return
    assert page.status_code == 200
    body = page.content.decode()
    assert "王老师" in body
    assert (WANG_ID in body) is (who in PERSONAL["jinshui_one"])
    assert (WANG_PHONE in body) is (who in PERSONAL["jinshui_one"])
    assert ("1980-01-01" in body) is (who in PERSONAL["jinshui_one"])
    download = client.get(url + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    assert "T0001" in cells
    assert (WANG_ID in cells) is (who in PERSONAL["jinshui_one"])
    assert (WANG_PHONE in cells) is (who in PERSONAL["jinshui_one"])


@pytest.mark.parametrize("who", USERS)
def test_a_teachers_page_shows_personal_fields_only_to_those_allowed(client, register, who):
    city = register.city
    url = reverse("teachers:teacher", args=[register.teachers["wang"].pk])
    page = _get(client, city.users[who], url)
    if who not in READERS:
        assert page.status_code == 403
        return
    assert page.status_code == 200
    assert (WANG_ID in page.content.decode()) is (who in PERSONAL["jinshui_one"])


@pytest.mark.parametrize("who", USERS)
def test_who_is_behind_never_shows_personal_fields(client, register, who):
    city = register.city
    page = _get(client, city.users[who], reverse("teachers:behind") + "?year=2016")
    if who == "nobody":
        assert page.status_code == 403
        return
    if who in {"alice", "charlie"}:
        assert page.status_code == 302  # a school goes to its own teachers' page
        return
    assert page.status_code == 200
    body = page.content.decode()
    assert WANG_ID not in body and WANG_PHONE not in body


def test_a_district_sees_its_schools_and_not_another_districts(client, register):
    city = register.city
    mine = _get(client, city.users["bob"], reverse("teachers:behind") + "?year=2016")
    body = mine.content.decode()
    assert "金水一小" in body and "金水二小" in body and "二七一小" not in body
    other = client.get(reverse("teachers:behind") + f"?org={city.erqi.code}")
    assert other.status_code == 403
    school = client.get(reverse("teachers:school", args=[city.erqi_one.code]))
    assert school.status_code == 403


@pytest.mark.parametrize("who", USERS)
def test_only_the_teachers_department_may_import_and_remind(client, register, who):
    user = register.city.users[who]
    client.force_login(user)
    allowed = who == "jia"
    for name in ("teachers:import", "teachers:template"):
        assert client.get(reverse(name)).status_code == (200 if allowed else 403)
    data = workbook(completions=[["T0001", "C2016-01", None, datetime.date(2016, 5, 1), None]])
    upload = io.BytesIO(data)
    upload.name = "provider.xlsx"
    answer = client.post(reverse("teachers:import"), {"file": upload})
    assert answer.status_code == (302 if allowed else 403)
    assert Completion.objects.count() == (1 if allowed else 0)
    reminded = client.post(reverse("teachers:remind"), {"year": "2016"})
    assert reminded.status_code == (302 if allowed else 403)
    assert CreditReminder.objects.exists() is allowed


def test_a_retried_import_post_is_stored_once(client, register):
    client.force_login(register.city.users["jia"])
    data = workbook(completions=[["T0001", "C2016-01", None, datetime.date(2016, 5, 1), None]])
    for _attempt in range(2):
        upload = io.BytesIO(data)
        upload.name = "provider.xlsx"
        assert client.post(reverse("teachers:import"), {"file": upload}).status_code == 302
    assert CompletionImport.objects.count() == 1 and Completion.objects.count() == 1
    assert Course.objects.count() == 2


def test_a_refused_import_page_lists_each_cell(client, register):
    client.force_login(register.city.users["jia"])
    upload = io.BytesIO(workbook(completions=[["T9999", "C2016-01", None, None, -1]]))
    upload.name = "provider.xlsx"
    page = client.post(reverse("teachers:import"), {"file": upload})
    assert page.status_code == 400
    body = page.content.decode()
    assert "T9999" in body and Completion.objects.count() == 0


def test_reminders_reach_the_schools_behind_once_a_year(client, register):
    city = register.city
    client.force_login(city.users["jia"])
    rows = [["T0003", "C2016-02", None, datetime.date(2016, 5, 1), None]]  # Zhao: 80 hours
    upload = io.BytesIO(workbook(completions=rows))
    upload.name = "provider.xlsx"
    client.post(reverse("teachers:import"), {"file": upload})
    for _attempt in range(2):
        assert client.post(reverse("teachers:remind"), {"year": "2016"}).status_code == 302
    # 金水一小 (Wang and Li, no hours) and 二七一小 (Sun) are behind; 金水二小 is not.
    reminded = set(CreditReminder.objects.values_list("school__code", flat=True))
    assert reminded == {city.jinshui_one.code, city.erqi_one.code}
    assert InboxMessage.objects.filter(user=city.users["alice"]).count() == 1
    assert InboxMessage.objects.filter(user=city.users["charlie"]).count() == 1
    message = InboxMessage.objects.get(user=city.users["alice"])
    assert "2" in message.subject and city.jinshui_one.name in message.subject
