"""A unit's score is the sum of its weighted parts, as its page and its workbook show
them; a change of weights re-scores without touching any record."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl

from eduplan.appraisal.loading import weights_load
from eduplan.appraisal.models import Adjustment, Part
from eduplan.appraisal.scoring import unit_scores, weights_current
from eduplan.appraisal.tests.conftest import weights_file
from eduplan.indicators.models import TargetAssessment
from eduplan.plans.models import Milestone, Target
from eduplan.reporting.models import ExpectedReport, Submission
from eduplan.supervision.models import OrderEvent, SupervisionOrder

AS_OF = datetime.date(2017, 3, 1)


def _scores(city, year: int = 2016):
    weights = weights_current(year)
    assert weights is not None
    units = [city.dept_basic, city.dept_sports, city.jinshui, city.erqi]
    return {
        s.unit.code: s for s in unit_scores(units=units, year=year, weights=weights, as_of=AS_OF)
    }


def test_each_part_is_the_share_of_records_met_times_its_redistributed_weight(city, year):
    scores = _scores(city)
    jinshui = scores["410105"]
    reports = jinshui.part(Part.REPORTS_ON_TIME)
    orders = jinshui.part(Part.ORDERS_CLOSED_ON_TIME)
    assert reports is not None and orders is not None
    assert (reports.met, reports.counted, reports.points) == (1, 2, Decimal("25.0"))
    assert (orders.met, orders.counted, orders.points) == (2, 2, Decimal("50.0"))
    assert reports.formula == "按时报送 1/2 = 50% × 30 × 100/60 = 25分"
    milestones = jinshui.part(Part.MILESTONES_MET)
    assert milestones is not None and milestones.points is None and not milestones.applicable
    assert jinshui.computed == Decimal("75.0")
    erqi = scores["410103"]
    assert [p.points for p in erqi.parts] == [Decimal(0), Decimal(0), None, None]
    basic, sports = scores["D-JC"], scores["D-TWY"]
    assert [(p.met, p.counted) for p in basic.parts] == [(0, 0), (0, 0), (1, 2), (1, 1)]
    assert basic.computed == Decimal("75.0")  # 1/2 × 30 × 100/60 + 1/1 × 30 × 100/60
    assert [(p.met, p.counted) for p in sports.parts] == [(0, 0), (0, 0), (0, 1), (0, 1)]
    assert sports.computed == Decimal("0.0")


def test_the_evidence_names_what_cost_points(city, year):
    scores = _scores(city)
    late = scores["410105"].part(Part.REPORTS_ON_TIME).shortfalls
    assert [(r.label, r.note) for r in late] == [
        ("金水二小：班额情况（2016年春季学期）", "逾期 3 天")
    ]
    assert late[0].url == "/reports/class-size-test/2016T1/410105-P2/"
    overdue = scores["410103"].part(Part.ORDERS_CLOSED_ON_TIME).shortfalls
    assert [r.note for r in overdue] == ["未办结"]
    assert overdue[0].url == f"/supervision/orders/{year.orders[2].pk}/"
    missed = scores["D-JC"].part(Part.MILESTONES_MET).shortfalls
    assert [r.label for r in missed] == ["第一项工程：召开推进会"]
    targets = scores["D-TWY"].part(Part.TARGETS_REACHED).shortfalls
    assert len(targets) == 1 and targets[0].url == "/dashboards/projects/2/"


def test_records_not_yet_due_are_not_counted(city, year):
    weights = weights_current(2016)
    assert weights is not None
    [early] = unit_scores(
        units=[city.dept_basic], year=2016, weights=weights, as_of=datetime.date(2016, 7, 1)
    )
    milestones = early.part(Part.MILESTONES_MET)
    assert milestones is not None and (milestones.met, milestones.counted) == (1, 1)
    assert milestones.pending == 1


def _page_points(body: str) -> tuple[list[Decimal], Decimal, Decimal, str]:
    parts = [Decimal(p) for p in re.findall(r'data-points="([-\d.]+)"', body)]
    computed = Decimal(re.search(r'id="score-computed">([-\d.]+)<', body).group(1))  # type: ignore[union-attr]
    adjusted = Decimal(re.search(r'id="score-adjusted">([-\d.]+)<', body).group(1))  # type: ignore[union-attr]
    final = re.search(r'id="score-final">([^<]+)<', body).group(1)  # type: ignore[union-attr]
    return parts, computed, adjusted, final


def test_the_unit_page_adds_up_its_parts_and_adjustments(client, city, year):
    Adjustment.objects.create(
        unit=city.jinshui,
        year=2016,
        points=Decimal("-2.5"),
        reason="年度重大安全事故",
        made_by=city.users["lee"],
        request_key="k1",
    )
    client.force_login(city.users["lee"])
    body = client.get("/appraisal/2016/410105/").content.decode()
    parts, computed, adjusted, final = _page_points(body)
    assert parts == [Decimal("25.0"), Decimal("50.0")]
    assert sum(parts) == computed == Decimal("75.0")
    assert adjusted == Decimal("-2.5") and final == "72.5"
    assert "按时报送 1/2 = 50% × 30 × 100/60 = 25分" in body
    assert "金水二小：班额情况（2016年春季学期）" in body and "年度重大安全事故" in body


def test_the_workbook_adds_up_as_the_page_does(client, city, year):
    client.force_login(city.users["sue"])
    response = client.get("/appraisal/2016/D-JC/xlsx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = wb.worksheets[0]
    rows = {r[0]: r for r in summary.iter_rows(min_row=6, max_row=9, values_only=True) if r[0]}
    points = [rows[label][5] for label in rows]
    assert [p for p in points if p is not None] == [25, 50]
    computed = next(r for r in summary.iter_rows(values_only=True) if r[0] == "计算得分")
    assert computed[5] == 75 == sum(p for p in points if p is not None)
    assert "推进步骤按期完成 1/2 = 50% × 30 × 100/60 = 25分" in [r[6] for r in rows.values()]
    milestones = wb["推进步骤按期完成"]
    records = [r[1] for r in milestones.iter_rows(min_row=4, values_only=True)]
    assert records == ["第一项工程：出台《实施意见》", "第一项工程：召开推进会"]


def _records() -> list[list[dict]]:
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            ExpectedReport,
            Submission,
            SupervisionOrder,
            OrderEvent,
            Milestone,
            Target,
            TargetAssessment,
        )
    ]


NEW_WEIGHTS = """
year: 2016
kinds:
  department:
    - {part: reports_on_time, weight: 25, formula: share_x_weight}
    - {part: orders_closed_on_time, weight: 25, formula: share_x_weight}
    - {part: milestones_met, weight: 25, formula: share_x_weight}
    - {part: targets_reached, weight: 25, formula: share_x_weight}
  district:
    - {part: reports_on_time, weight: 50, formula: share_x_weight}
    - {part: orders_closed_on_time, weight: 10, formula: share_x_weight}
    - {part: milestones_met, weight: 10, formula: share_x_weight}
    - {part: targets_reached, weight: 30, formula: share_x_weight}
"""


def test_a_change_of_weights_rescores_without_touching_the_records(city, year, tmp_path):
    before = _records()
    assert _scores(city)["410105"].computed == Decimal("75.0")
    weights, new = weights_load(path=weights_file(tmp_path, NEW_WEIGHTS))
    assert new and weights.version == 2
    scores = _scores(city)
    # 1/2 × 50 × 100/60 + 2/2 × 10 × 100/60
    assert [p.points for p in scores["410105"].parts][:2] == [Decimal("41.7"), Decimal("16.7")]
    assert scores["410105"].computed == Decimal("58.4")
    assert scores["D-JC"].computed == Decimal("75.0")  # 1/2 × 25 × 2 + 1/1 × 25 × 2
    assert _records() == before
    again, new = weights_load(path=weights_file(tmp_path, NEW_WEIGHTS))
    assert not new and again.pk == weights.pk  # the same weights make no new version


def test_the_cli_prints_each_units_parts_as_json(city, year, capsys):
    import json

    from django.core.management import call_command

    call_command("appraisal", "score", "--year", "2016", "--unit", "410105", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["year"] == 2016 and out["weights_version"] == 1
    [unit] = out["units"]
    assert unit["code"] == "410105" and unit["computed"] == 75 and unit["final"] == 75
    assert [p["points"] for p in unit["parts"]] == [25, 50, None, None]
    assert unit["parts"][0]["met"] == 1 and unit["parts"][0]["counted"] == 2
