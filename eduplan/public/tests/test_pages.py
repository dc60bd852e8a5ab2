"""Anyone may read the public pages, in Chinese by default, and they show only what is
marked public: published fees of open schools, published directory entries, approved
construction figures of the elements a form marks public."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from eduplan.public.tests.conftest import INJECTION

PAGES = [
    ("/public/", "信息公开"),
    ("/public/plan/", "规划"),
    ("/public/fees/", "收费公示"),
    ("/public/private-schools/", "民办学校名录"),
    ("/public/construction/", "学校建设进展"),
    ("/public/football/", "校园足球"),
]
XLSX = [
    "/public/fees/xlsx/",
    "/public/private-schools/xlsx/",
    "/public/construction/xlsx/",
    "/public/football/xlsx/",
    "/public/plan/xlsx/",
]
EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.IGNORECASE)


def workbook_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return wb.active, [[c.value for c in row] for row in wb.active.iter_rows()]


@pytest.mark.parametrize(("url", "chinese"), PAGES)
def test_anyone_may_read_each_public_page_in_chinese(
    client, city, disclosures, construction, url, chinese
):
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert chinese in text
    assert '<html lang="zh-hans">' in text
    assert not EXTERNAL.search(text), EXTERNAL.search(text)
    assert "table-responsive" in text or url in ("/public/", "/public/plan/")


@pytest.mark.parametrize("url", XLSX)
def test_anyone_may_download_each_list_as_a_workbook(client, city, disclosures, construction, url):
    response = client.get(url)
    assert response.status_code == 200
    _, rows = workbook_rows(response)
    title, header = rows[0][0], rows[1]
    assert title and all(isinstance(column, str) and column for column in header), rows[:2]


def test_fees_show_every_disclosed_field_of_published_items_only(client, city, disclosures):
    text = client.get("/public/fees/").content.decode()
    for shown in (
        "金水一小",
        "作业本费（代收）",
        "25.50",
        "元/生·学期",
        "河南省发展和改革委员会",
        "豫发改收费〔2013〕1543号",
        "全体在校生",
        "低保家庭学生免收作业本费",
        "12358",
        "二七一小",
        "住宿费",
    ):
        assert shown in text, shown
    for hidden in ("秘密收费项目", "金水二小", "未公示的收费", "金水已撤并小学", "旧学年收费"):
        assert hidden not in text, hidden


def test_fees_filter_by_district_name_and_school_year(client, city, disclosures):
    jinshui = client.get("/public/fees/", {"district": "410105"}).content.decode()
    assert "金水一小" in jinshui and "二七一小" not in jinshui
    named = client.get("/public/fees/", {"name": "二七"}).content.decode()
    assert "二七一小" in named and "金水一小" not in named
    earlier = client.get("/public/fees/", {"year": "2015"}).content.decode()
    assert "旧学年收费" in earlier and "作业本费（代收）" not in earlier


def test_the_pager_and_the_download_keep_the_filters(client, city, disclosures, monkeypatch):
    monkeypatch.setattr("eduplan.public.views.FEE_SCHOOLS_PER_PAGE", 1)
    first = client.get("/public/fees/", {"district": "410105"}).content.decode()
    assert 'href="?district=410105&amp;page=2"' in first
    assert 'href="/public/fees/xlsx/?district=410105"' in first
    second = client.get("/public/fees/", {"district": "410105", "page": "2"}).content.decode()
    assert 'href="?district=410105&amp;page=1"' in second
    assert 'href="/public/fees/xlsx/?district=410105"' in second


def test_the_fee_workbook_holds_what_the_page_shows_and_keeps_formulas_as_text(
    client, city, disclosures
):
    ws, rows = workbook_rows(client.get("/public/fees/xlsx/", {"district": "410105"}))
    items = [row[3] for row in rows[2:]]
    assert "作业本费（代收）" in items and INJECTION in items
    assert "住宿费" not in items  # 二七区 is filtered out
    assert not {"秘密收费项目", "未公示的收费", "已撤并学校收费"} & set(items)
    cell = next(c for row in ws.iter_rows() for c in row if c.value == INJECTION)
    assert cell.data_type == "s"
    assert rows[2][9] == "12358"


def test_the_hotline_comes_from_the_setting(client, city, settings):
    from eduplan.public.tests.conftest import fee

    settings.FEE_COMPLAINT_HOTLINE = "0371-12345"
    fee(city.jinshui_one, "校服费（代收）")
    assert "0371-12345" in client.get("/public/fees/").content.decode()


def test_the_directory_lists_published_entries_of_private_schools_only(client, city, disclosures):
    text = client.get("/public/private-schools/").content.decode()
    for shown in (
        "金水民办育才小学",
        "教民141010520000001号",
        "郑州市育才教育科技有限公司",
        "金水区文化路88号",
        "0371-63330001",
    ):
        assert shown in text, shown
    assert "二七民办晨光幼儿园" not in text and "郑州市秘密教育咨询有限公司" not in text
    _ws, rows = workbook_rows(client.get("/public/private-schools/xlsx/"))
    names = [row[0] for row in rows[2:]]
    assert names == ["金水民办育才小学"]


def test_the_directory_filters_by_district_and_type(client, city, disclosures):
    assert (
        "金水民办育才小学"
        not in client.get("/public/private-schools/", {"district": "410103"}).content.decode()
    )
    assert (
        "金水民办育才小学"
        not in client.get("/public/private-schools/", {"type": "kindergarten"}).content.decode()
    )
    assert (
        "金水民办育才小学"
        in client.get(
            "/public/private-schools/", {"type": "primary", "district": "410105"}
        ).content.decode()
    )


def test_construction_shows_only_approved_figures_of_public_elements(client, city, construction):
    text = client.get("/public/construction/").content.decode()
    assert "2016年第5双月" in text
    assert ">41<" in text and ">4107<" in text and "12345.5" in text
    for hidden in (">91<", ">61<", ">71<", "9107", "6107", "7107"):
        assert hidden not in text, hidden
    for narrative in (
        "审核通过的内部说明",
        "待审说明",
        "草稿说明",
        "退回说明",
        "进展情况及存在问题",
    ):
        assert narrative not in text
    assert "尚无审核通过的报告" in text  # 二七区 has nothing approved
    _ws, rows = workbook_rows(client.get("/public/construction/xlsx/"))
    cells = {str(v) for row in rows for v in row if v is not None}
    assert "41" in cells and "91" not in cells and "71" not in cells
    assert not any("说明" in c for c in cells)


def test_an_approved_report_reopened_is_no_longer_shown(client, city, construction):
    from eduplan.reporting.models import Status, Submission

    Submission.objects.filter(org_unit=city.jinshui, period="2016B5").update(status=Status.RETURNED)
    text = client.get("/public/construction/").content.decode()
    assert ">41<" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/public/fees/",
        "/public/fees/xlsx/",
        "/public/private-schools/",
        "/public/private-schools/xlsx/",
    ],
)
@pytest.mark.parametrize(
    "params",
    [
        {"district": "<script>", "page": "abc", "year": "xyz", "type": "nope"},
        {"page": "-1", "year": "99999999999999999999", "name": "x" * 500},
        {"page": "999999", "district": "410105", "name": "金\x00水"},
        {"year": "2015.5", "type": "bureau", "name": "%"},
    ],
)
def test_bad_filter_parameters_do_not_break_a_page(client, city, disclosures, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    if url.endswith("/xlsx/"):
        _, rows = workbook_rows(response)
        assert rows[0][0] and rows[1][0]  # the title and the header, whatever the filter
    else:
        body = response.content.decode()
        assert '<html lang="zh-hans">' in body and "<h1" in body and "<script>" not in body


def test_list_pages_run_a_fixed_number_of_queries(
    client, city, disclosures, construction, django_assert_num_queries
):
    # fees: the ledger, years, district filter, districts, count, schools, their fees
    with django_assert_num_queries(7):
        assert client.get("/public/fees/", {"district": "410105"}).status_code == 200
    # directory: the ledger, districts, entries
    with django_assert_num_queries(3):
        assert client.get("/public/private-schools/").status_code == 200
    # construction: form, districts, latest approved submissions, their values
    with django_assert_num_queries(4):
        assert client.get("/public/construction/").status_code == 200
