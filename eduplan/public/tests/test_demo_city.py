"""The public pages on the demo city (the `demo` fixture: the real plan, organisation and
forms, 5% of the schools): the demo discloses what the pages need and every page reads it."""

from __future__ import annotations

import datetime
import io
import itertools
import re

import openpyxl
from django.utils import timezone

from eduplan.football.models import Competition, Match
from eduplan.ledgers.models import LedgerRecord, RecordStatus, ReviewState
from eduplan.org.models import SCHOOL_TYPES, OrgUnit, Ownership
from eduplan.org.selectors import open_on


def open_schools():
    return (
        OrgUnit.objects.filter(type__in=SCHOOL_TYPES)
        .filter(open_on(timezone.localdate()))
        .filter(open_on(datetime.date(2016, 9, 1)))
    )


def test_the_demo_files_fees_of_every_open_school_mostly_approved_and_lists_every_private_one(
    demo, db
):
    fees = LedgerRecord.objects.filter(ledger__code="fee_items", status=RecordStatus.ACTIVE)
    schools = set(open_schools().values_list("pk", flat=True))
    assert schools == set(fees.values_list("org_unit_id", flat=True))
    states = {s: fees.filter(review=s).count() for s in ReviewState.values}
    assert states[ReviewState.SUBMITTED] > 0 and states[ReviewState.RETURNED] > 0
    assert states[ReviewState.APPROVED] > 0.8 * fees.count()
    assert not fees.filter(review=ReviewState.RETURNED, review_reason="").exists()
    entries = LedgerRecord.objects.filter(ledger__code="private_schools")
    private = set(open_schools().filter(ownership=Ownership.PRIVATE).values_list("pk", flat=True))
    assert set(entries.values_list("org_unit_id", flat=True)) == private
    assert set(entries.values_list("review", flat=True)) == {ReviewState.APPROVED}


def test_the_demo_league_is_a_full_round_robin_mostly_played(demo, db):
    assert Competition.objects.filter(published=True).count() >= 2
    assert Competition.objects.filter(published=False).count() == 1
    # The city's league is run by 体卫艺处, whose staff record its results.
    organisers = set(Competition.objects.values_list("organiser__code", flat=True))
    assert organisers == {"DEPT-TWY"}
    for competition in Competition.objects.filter(published=True):
        teams = list(competition.teams.select_related("school"))
        assert 2 <= len(teams) <= 8  # 6–8 at full scale; fewer schools here
        assert {t.school.type for t in teams} == {teams[0].school.type}
        pairs = [frozenset((m.home_id, m.away_id)) for m in competition.matches.all()]
        assert sorted(pairs, key=sorted) == sorted(
            (frozenset(p) for p in itertools.combinations([t.pk for t in teams], 2)), key=sorted
        )
        played = Match.objects.filter(competition=competition, home_goals__isnull=False).count()
        assert played >= len(pairs) * 0.6


def test_every_public_page_reads_the_demo(demo, db, client, django_assert_max_num_queries):
    urls = ["/public/", "/public/plan/", "/public/fees/", "/public/private-schools/"]
    urls += ["/public/construction/", "/public/football/"]
    urls += [f"/public/football/{c.pk}/" for c in Competition.objects.filter(published=True)]
    for url in urls:
        assert client.get(url).status_code == 200, url
        # Once the plan's statuses are cached (per data change), every page is cheap.
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url
    hidden = Competition.objects.get(published=False)
    assert client.get(f"/public/football/{hidden.pk}/").status_code == 404
    assert hidden.group not in client.get("/public/football/").content.decode()


def test_the_plan_overview_shows_each_project_with_a_status_and_its_goal_only(demo, db, client):
    from eduplan.plans.selectors import plan_default

    plan = plan_default()
    text = client.get("/public/plan/").content.decode()
    assert plan.name in text
    badges = re.findall(r'<span class="badge text-bg-(\w+)">', text)
    assert len(badges) == plan.projects.count() == 17
    assert "三年总目标" in text
    # Only the city's status: no links to units, orders, reports or people.
    for private in ("/units/", "/supervision/", "/reports/", "/dashboards/", "demo"):
        assert private not in text
    assert "jinshui" not in text and "督办单" not in text


def test_the_plan_overview_says_which_statuses_rest_on_provisional_measures(demo, db, client):
    text = client.get("/public/plan/").content.decode()
    cards = {
        int(number): card
        for number, card in re.findall(
            r'<section class="card h-100 project-card">.*?<h2[^>]*>(\d+)\.(.*?)</section>',
            text,
            re.S,
        )
    }
    opened_only = "新建改扩建中小学：按投用计：目标未写明以开工还是投用为准"
    assert "data-provisional" in cards[1] and "provisional-note" in cards[1]
    assert opened_only in cards[1]
    # 市级试点普惠性民办幼儿园 are counted from the city's list in the kindergarten register.
    assert "临时口径" not in cards[13] and "data-provisional" not in cards[13]
    # 教育信息化 is measured by what its targets say: no mark.
    assert "临时口径" not in cards[4] and "data-provisional" not in cards[4]
    rows = list(
        openpyxl.load_workbook(io.BytesIO(client.get("/public/plan/xlsx/").content)).active.values
    )
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert rows[header][-1] == "临时口径"
    by_number = {row[0]: row[-1] for row in rows[header + 1 :]}
    assert opened_only in by_number[1] and by_number[4] is None and by_number[13] is None
