"""The bimonthly bulletin: its figures, its .docx, who may read it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.core.periods import period_from_code
from eduplan.indicators.tests.factories import OPENED_ONLY, provisional_and_real
from eduplan.org.models import Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.plans.tests.factories import make_plan
from eduplan.supervision.bulletin import bulletin_build, bulletin_docx

AT = {"at": "2016B6"}


@pytest.fixture
def plan(city):
    return make_plan(
        code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )


def test_the_bulletin_lists_every_project_and_the_districts(city, plan):
    bulletin = bulletin_build(plan=plan, period=period_from_code("2016B6"))
    assert [p.number for p in bulletin.projects] == [1, 2]
    assert bulletin.number == "郑教督〔2016〕6号"
    assert bulletin.orders == {"total": 0, "answered": 0, "open": 0}


def test_the_docx_is_laid_out_like_an_official_document(city, plan):
    document = docx.Document(
        io.BytesIO(bulletin_docx(bulletin_build(plan=plan, period=period_from_code("2016B6"))))
    )
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "郑州市教育局督查室" and texts[1] == "郑教督〔2016〕6号"
    assert "督查通报" in texts[2]
    assert {
        "一、重点工程推进情况",
        "二、滞后和未完成目标",
        "三、报表报送情况（按县市区）",
        "四、督办事项办理情况",
    } <= set(texts)
    assert document.tables[0].rows[1].cells[0].text == "1. 第1项工程"
    assert round(document.sections[0].page_width.mm) == 210  # A4


def test_the_cli_writes_the_docx_and_refuses_a_non_bimonthly_period(city, plan, tmp_path: Path):
    out = tmp_path / "b.docx"
    call_command("bulletin", "--at", "2016B6", "--out", str(out), stdout=io.StringIO())
    assert docx.Document(str(out)).paragraphs[1].text == "郑教督〔2016〕6号"
    with pytest.raises(CommandError, match="双月"):
        call_command("bulletin", "--at", "2016T1", "--out", str(out), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("who", "status"),
    [("lee", 200), ("sue", 200), ("dan", 200), ("bob", 403), ("alice", 403), ("nobody", 403)],
)
def test_only_those_who_see_the_whole_plan_area_read_the_bulletin(client, city, plan, who, status):
    client.force_login(city.users[who])
    assert client.get("/supervision/bulletin/", {"at": "2016B6"}).status_code == status
    response = client.get("/supervision/bulletin.docx", {"at": "2016B6"})
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_period_that_is_not_bimonthly_is_refused_in_a_red_chinese_alert(client, city, plan):
    client.force_login(city.users["lee"])
    response = client.get("/supervision/bulletin/", {"at": "2016T1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="alert alert-danger" role="status">不是双月周期：2016T1</div>' in html


def test_the_bulletin_says_which_off_track_figures_are_provisional_and_why(client, city, plan):
    provisional, real = provisional_and_real(plan)  # no school opens: both off track
    client.force_login(city.users["lee"])
    html = client.get("/supervision/bulletin/", {"at": "2016B6"}).content.decode()
    rows = dict(re.findall(r'<tr data-target="(\d+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {str(provisional.pk), str(real.pk)}
    marked = rows[str(provisional.pk)]
    assert f'title="临时口径：{OPENED_ONLY}"' in marked and f">{OPENED_ONLY}</td>" in marked
    assert "临时口径" not in rows[str(real.pk)] and OPENED_ONLY not in rows[str(real.pk)]
    notes = re.findall(r'<li data-target="(\d+)">', html)
    assert notes == [str(provisional.pk)]
    document = docx.Document(io.BytesIO(client.get("/supervision/bulletin.docx", AT).content))
    off_track = next(t for t in document.tables if t.rows[0].cells[-1].text == "口径")
    assert [r.cells[-1].text for r in off_track.rows[1:]] == [f"临时口径：{OPENED_ONLY}", "—"]
    note = next(p.text for p in document.paragraphs if p.text.startswith("注："))
    assert OPENED_ONLY in note and "第1项工程" in note and "第2项工程" not in note


def test_a_plan_of_another_bureau_is_issued_by_that_bureaus_supervision_office(client, city, plan):
    kaifeng = OrgUnitFactory(code="410200", name="开封市教育局", type=UnitType.BUREAU)
    basic = OrgUnitFactory(
        code="KF-JC", name="基础教育科", type=UnitType.DEPARTMENT, parent=kaifeng
    )
    make_plan(code="kaifeng", organisation=kaifeng, owners={1: basic})
    client.force_login(user_with_role("kai", Role.SUPERVISION, kaifeng))
    asked = {"plan": "kaifeng", **AT}
    html = client.get("/supervision/bulletin/", asked).content.decode()
    assert ">开封市教育局督查室</p>" in html and "郑州市教育局" not in html
    assert "关于2016年第6双月（11—12月）重点工作推进情况的督查通报" in html
    # The page's download and period picker keep the plan asked for.
    assert 'href="/supervision/bulletin.docx?plan=kaifeng&amp;at=2016B6"' in html
    assert '<input type="hidden" name="plan" value="kaifeng">' in html
    document = docx.Document(io.BytesIO(client.get("/supervision/bulletin.docx", asked).content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "开封市教育局督查室"
    assert texts[-1].startswith("开封市教育局督查室\n") and texts[-1].endswith("日")
    assert not any("郑州" in text for text in texts)


def test_the_bulletin_speaks_the_readers_language(client, city, plan):
    client.force_login(city.users["lee"])
    html = client.get("/supervision/bulletin/", AT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "郑州市教育局 supervision office" in html
    assert "1. Progress of the key projects" in html and "一、" not in html
