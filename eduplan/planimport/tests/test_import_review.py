"""The review page: upload a plan text, check and edit what was read, import it as a draft."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext

from eduplan.core.tests.bombs import docx_bomb
from eduplan.planimport.importing import ERR_CODE_TAKEN
from eduplan.planimport.parsing import MAX_BYTES
from eduplan.planimport.tests.test_import_cli import SMALL_PLAN, _seed
from eduplan.planimport.views import (
    ERR_FILE_TOO_LARGE,
    ERR_REVIEW_GONE,
    REVIEW_MAX_AGE,
    SESSION_KEY,
)
from eduplan.plans.models import Plan, PlanStatus, Target
from eduplan.plans.selectors import plan_as_json
from eduplan.plans.tests.factories import make_plan

UPLOAD = "/plans/import/"


def _upload(client: Any, text: str | bytes, name: str = "shifan-2016.txt") -> Any:
    data = text.encode() if isinstance(text, str) else text
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def _review_url(client: Any, text: str = SMALL_PLAN, name: str = "shifan-2016.txt") -> str:
    response = _upload(client, text, name)
    assert response.status_code == 302, response.content.decode()
    url: str = response["Location"]
    assert url.startswith(UPLOAD) and len(url) > len(UPLOAD) + 20
    return url


def _state(client: Any, url: str) -> dict[str, Any]:
    token = url.rstrip("/").rsplit("/", 1)[1]
    state: dict[str, Any] = client.session[SESSION_KEY][token]
    return state


def _row(client: Any, url: str, indicator: str) -> dict[str, Any]:
    return next(r for r in _state(client, url)["targets"] if r["indicator"] == indicator)


def _edit(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    fields = ["indicator", "value", "value_max", "unit", "comparator", "change"]
    fields += ["baseline_year", "year"]
    values = {name: row[name] for name in fields} | changes
    post = {f"t{row['id']}-{k}": "" if v is None else str(v) for k, v in values.items()}
    return {"action": "save_target", "target": str(row["id"]), **post}


@pytest.fixture
def sue(client, city):
    client.force_login(city.users["sue"])
    return client


def test_sue_reviews_edits_deletes_adds_renames_and_imports_a_draft(sue, city) -> None:
    existing = make_plan(code="zhengzhou-2016", organisation=city.root, owners={1: city.dept_basic})
    existing_before = plan_as_json(plan=existing)
    assert sue.get(UPLOAD).status_code == 200
    url = _review_url(sue)

    page = sue.get(url).content.decode()
    assert "<mark>新建中小学30所</mark>" in page  # every target highlighted in its sentence
    assert "工程三年总目标为：<mark>新建中小学30所</mark>，" in page
    assert page.count("<mark>") == 6
    assert "学校建设工程" in page and "一、狠抓党建" in page and "二、力推建校" in page
    assert "加快规划" in page  # measures

    schools = _row(sue, url, "新建中小学")
    assert sue.post(url, _edit(schools, value="35")).status_code == 302
    assert (
        sue.post(
            url, {"action": "delete_target", "target": _row(sue, url, "党建示范校")["id"]}
        ).status_code
        == 302
    )
    added = {
        "action": "add_target",
        "add-place": "w:1",
        "add-indicator": "廉政教育基地",
        "add-value": "3",
        "add-unit": "个",
        "add-comparator": ">=",
        "add-year": "2016",
        "add-source": "建成廉政教育基地3个以上",
    }
    assert sue.post(url, added).status_code == 302
    renamed = {"action": "rename_project", "project": "0", "p0-name": "学校建设攻坚工程"}
    assert sue.post(url, renamed).status_code == 302

    page = sue.get(url).content.decode()
    assert "学校建设攻坚工程" in page and "廉政教育基地" in page
    assert "<mark>建成党建示范校20所</mark>" not in page and page.count("<mark>") == 5

    done = sue.post(
        url, {"action": "import", "plan-code": "shifan-2016", "plan-name": "示范县规划"}
    )
    assert done.status_code == 302 and done["Location"] == "/plans/shifan-2016/"
    overview = sue.get(done["Location"]).content.decode()
    assert "学校建设攻坚工程" in overview

    plan = Plan.objects.get(code="shifan-2016")
    assert (plan.name, plan.status, plan.organisation) == (
        "示范县规划",
        PlanStatus.DRAFT,
        city.root,
    )
    assert plan.projects.get().name == "学校建设攻坚工程"
    found = {
        (
            t.indicator,
            t.value,
            t.unit,
            t.comparator,
            t.goal.horizon if t.goal else None,
            t.work_point.number if t.work_point else None,
        )
        for t in plan.targets.select_related("goal", "work_point")
    }
    assert found == {
        ("新建中小学", 35, "所", "=", "three_year", None),  # edited
        ("大班额", 60, "%", ">=", "three_year", None),
        ("新建中小学", 10, "所", "=", "annual", None),
        ("廉政教育基地", 3, "个", ">=", None, 2),  # added to work point 2
        ("新建幼儿园", 15, "所", "=", None, 3),
        ("新增学位", 5000, "个", "=", None, None),  # on the plan itself
    }  # 党建示范校 was deleted
    assert plan_as_json(plan=existing) == existing_before
    gone = sue.get(url)  # the review is over
    assert gone.status_code == 302 and gone["Location"] == UPLOAD


@pytest.mark.parametrize("who", ["bob", "alice", "nobody", "dan", "lee"])
def test_users_who_may_not_change_plans_of_their_scope_get_403(client, city, who) -> None:
    other = client.__class__()
    other.force_login(city.users["sue"])
    url = _review_url(other)
    client.force_login(city.users[who])
    assert client.get(UPLOAD).status_code == 403
    assert _upload(client, SMALL_PLAN).status_code == 403
    assert SESSION_KEY not in client.session
    assert client.get(url).status_code == 403
    imported = client.post(url, {"action": "import", "plan-code": "x", "plan-name": "x"})
    assert imported.status_code == 403
    assert not Plan.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, city) -> None:
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _refused(client: Any, url: str) -> None:
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(UPLOAD, 302)]
    assert str(ERR_REVIEW_GONE) in response.content.decode()
    imported = client.post(url, {"action": "import", "plan-code": "x", "plan-name": "x"})
    assert imported.status_code == 302 and imported["Location"] == UPLOAD
    assert not Plan.objects.exists()


def test_a_tampered_review_token_is_refused(sue, city) -> None:
    url = _review_url(sue)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    _refused(sue, f"{UPLOAD}{tampered}/")


def test_a_review_token_from_another_session_is_refused(client, sue, city) -> None:
    url = _review_url(sue)
    other = client.__class__()
    other.force_login(city.users["sue"])  # Sue again, in another browser
    _refused(other, url)


def test_an_expired_review_token_is_refused(settings, sue, city) -> None:
    # An idle session ends sooner than a review token: keep this one longer, so that
    # the token's own expiry is what refuses.
    settings.SESSION_COOKIE_AGE = REVIEW_MAX_AGE + 3600
    sue.force_login(city.users["sue"])
    url = _review_url(sue)
    with time_machine.travel(time.time() + REVIEW_MAX_AGE + 60, tick=False):
        _refused(sue, url)


def test_highlighting_escapes_html_in_the_source_text(sue, city) -> None:
    text = (
        "示范县教育局2016年工作要点\n一、狠抓党建\n"
        "1. 加强廉政建设<script>alert(1)</script>，培训纪检干部300人次。\n"
        "2. 新建<b>幼儿园</b>15所。\n"
    )
    page = sue.get(_review_url(sue, text)).content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>幼儿园</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    assert "<mark>培训纪检干部300人次</mark>" in page
    assert "<mark>新建&lt;b&gt;幼儿园&lt;/b&gt;15所</mark>" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "abc"}, "value"),
        ({"value": "1e400"}, "value"),
        ({"comparator": "between"}, "value_max"),  # a range needs its upper value
        ({"comparator": "between", "value_max": "10"}, "value_max"),  # below the value
        ({"value_max": "50"}, "value_max"),  # an upper value without a range
        ({"comparator": "~"}, "comparator"),
        ({"change": "double"}, "change"),
        ({"year": "3000"}, "year"),
        ({"baseline_year": "二〇一三"}, "baseline_year"),
        ({"indicator": "  "}, "indicator"),
        ({"unit": ""}, "unit"),
    ],
)
def test_a_bad_edit_is_shown_beside_its_field_and_changes_nothing(
    sue, city, changes: dict[str, str], field: str
) -> None:
    url = _review_url(sue)
    row = _row(sue, url, "新建中小学")
    before = _state(sue, url)
    response = sue.post(url, _edit(row, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_t{row["id"]}-{field}_error"' in page
    # The renderer (core.forms) marks the widget and ties it to its message.
    assert f'aria-describedby="id_t{row["id"]}-{field}_error"' in page
    assert "is-invalid" in page and "<details open>" in page
    assert 'class="form-select form-select-sm" id="id_add-comparator"' in page
    assert _state(sue, url) == before


def test_a_range_within_its_bounds_is_accepted(sue, city) -> None:
    url = _review_url(sue)
    row = _row(sue, url, "新建中小学")
    assert sue.post(url, _edit(row, comparator="between", value_max="40")).status_code == 302
    edited = _row(sue, url, "新建中小学")
    assert (edited["comparator"], edited["value"], edited["value_max"]) == ("between", "30", "40")
    assert edited["edited"] is True


def test_a_bad_new_target_is_refused_beside_its_fields(sue, city) -> None:
    url = _review_url(sue)
    before = _state(sue, url)
    bad = {"action": "add_target", "add-place": "g:9:9", "add-value": "x", "add-unit": "个"}
    response = sue.post(url, {**bad, "add-comparator": ">="})
    page = response.content.decode()
    assert response.status_code == 400
    for name in ("place", "indicator", "value"):
        assert f'id="id_add-{name}_error"' in page
    assert _state(sue, url) == before


def test_a_taken_code_is_refused_beside_the_field_and_nothing_is_stored(sue, city) -> None:
    existing = make_plan(code="shifan-2016", organisation=city.root)
    url = _review_url(sue)
    assert _state(sue, url)["code"] == "shifan-2016-2"  # the suggestion is free
    response = sue.post(url, {"action": "import", "plan-code": "shifan-2016", "plan-name": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_plan-code_error"' in page
    assert 'class="form-control form-control-sm is-invalid"' in page
    assert str(ERR_CODE_TAKEN % {"code": "shifan-2016"}) in page
    assert Plan.objects.get() == existing and Target.objects.count() == 0
    assert sue.get(url).status_code == 200  # the review is kept to correct it


def test_a_project_needs_a_name(sue, city) -> None:
    url = _review_url(sue)
    response = sue.post(url, {"action": "rename_project", "project": "0", "p0-name": ""})
    assert response.status_code == 400 and 'id="id_p0-name_error"' in response.content.decode()
    unknown = sue.post(url, {"action": "rename_project", "project": "7", "p7-name": "x"})
    assert unknown.status_code == 302
    assert _state(sue, url)["projects"][0]["name"] == "学校建设工程"


def _upload_error(client: Any, data: bytes, name: str) -> str:
    response = _upload(client, data, name)
    assert response.status_code == 200
    page: str = response.content.decode()
    assert "is-invalid" in page and 'id="file-error"' in page
    assert SESSION_KEY not in client.session or not client.session[SESSION_KEY]
    return page


def test_upload_errors_are_shown_clearly_and_store_nothing(sue, city) -> None:
    assert "不是文本或 Word 文档：picture.png" in _upload_error(
        sue, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.png"
    )
    assert "无法识别的文件编码：plan.txt" in _upload_error(
        sue, "教育".encode() + b"\xff\xfe\x80\x80", "plan.txt"
    )
    assert "未能识别出任何工程、工作要点或量化目标：letter.txt" in _upload_error(
        sue, "各位同事：下周一开会。".encode(), "letter.txt"
    )
    size, limit = filesizeformat(MAX_BYTES + 1), filesizeformat(MAX_BYTES)
    too_large = str(ERR_FILE_TOO_LARGE) % {"name": "big.txt", "size": size, "max": limit}
    assert too_large in _upload_error(sue, b"a" * (MAX_BYTES + 1), "big.txt")
    _upload_error(sue, b"", "empty.txt")
    assert not Plan.objects.exists()


def test_the_review_page_costs_the_same_queries_however_big_the_plan(sue, city) -> None:
    small = _review_url(sue)
    big = _review_url(sue, _seed().read_text(encoding="utf-8"), "zhengzhou-2016-plan.txt")
    counts = []
    for url in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert sue.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 8
    page = sue.get(big).content.decode()
    assert page.count("<mark>") == 45


def test_a_docx_plan_with_a_1_gb_zero_filled_part_is_refused_before_it_is_read(sue) -> None:
    bomb = docx_bomb(1024**3)
    assert len(bomb) < 2 * 1024 * 1024
    response = _upload(sue, bomb, "规划.docx")
    assert response.status_code == 200
    body = response.content.decode()
    assert "word/media/zeros.bin" in body and not Plan.objects.exists()
