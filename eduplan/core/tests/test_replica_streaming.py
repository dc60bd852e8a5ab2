"""Read replicas against a real streaming replica of the test database's PostgreSQL.

CI (.ci/run) starts one with pg_basebackup and names it in EDUPLAN_TEST_REPLICA_URL.
Physical replication copies every database of the cluster, so the test database that
pytest-django creates on the primary (test_<name>, _gw0 … under xdist) appears on the
replica by itself: the replica alias points at that same database name. The tests are
transactional, so what they write commits and streams over; each waits, bounded, for the
replica to replay it. One at a time across xdist workers (an advisory lock on the
primary): one of them pauses the replica's replay.
"""

from __future__ import annotations

import datetime
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

from eduplan.api.auth import api_token_create
from eduplan.core.replica_middleware import WRITTEN_COOKIE, primary_position, replicas_down_forget
from eduplan.core.routing import PRIMARY, Reads, lsn_value, reads_begin, reads_end
from eduplan.core.tests.replicas import alias_add, alias_remove, statements
from eduplan.football.models import Competition, Match, Team
from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role
from eduplan.public.tests.conftest import construction_form, figures, report
from eduplan.reporting.models import Status

REPLICA = "replica1"
URL_VARIABLE = "EDUPLAN_TEST_REPLICA_URL"
REPLAY_WAIT_SECONDS = 30
LOCK_KEY = 1_918_303  # the replica tests' advisory lock on the primary
WRITES = ("INSERT", "UPDATE", "DELETE")


def _replica_url() -> str:
    return os.environ.get(URL_VARIABLE, "")


def _replica_scalar(sql: str) -> object:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def replayed_wait() -> None:
    """Wait until the replica has replayed everything the primary wrote so far."""
    target = primary_position()
    assert target is not None
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while lsn_value(str(_replica_scalar("SELECT pg_last_wal_replay_lsn()::text"))) < target:
        assert time.monotonic() < deadline, "the replica did not replay the primary's writes"
        time.sleep(0.05)


def replay_pause() -> None:
    _replica_scalar("SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while _replica_scalar("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica's replay did not pause"
        time.sleep(0.05)


def replay_resume() -> None:
    _replica_scalar("SELECT pg_wal_replay_resume()::text")


@contextmanager
def replica_open(settings) -> Iterator[str]:
    """`replica1`: the streaming replica's copy of the test database, while open."""
    if connections[PRIMARY].vendor != "postgresql":
        pytest.skip("streaming replicas are PostgreSQL's: this run is on another database")
    if not _replica_url():
        pytest.skip(f"no streaming replica: {URL_VARIABLE} is not set (.ci/run sets it)")
    primary = connections[PRIMARY].settings_dict
    with psycopg.connect(
        host=primary["HOST"], port=primary["PORT"], user=primary["USER"], dbname="postgres"
    ) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        alias_add(REPLICA, _replica_url(), name=primary["NAME"])
        settings.EDUPLAN_DB_REPLICAS = [REPLICA]
        replicas_down_forget()
        try:
            assert _replica_scalar("SELECT pg_is_in_recovery()") is True
            yield REPLICA
        finally:
            replay_resume()
            alias_remove(REPLICA)
            replicas_down_forget()
            lock.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


@pytest.fixture
def replica(transactional_db, settings) -> Iterator[str]:
    """The replica for a transactional test: what the test writes commits and streams."""
    with replica_open(settings) as alias:
        yield alias


@pytest.fixture
def demo_replica(demo, db, settings) -> Iterator[str]:
    """The replica beside the demo city, which is committed (each test's own writes are
    not: they stay in its transaction on the primary)."""
    with replica_open(settings) as alias:
        replayed_wait()
        yield alias


@dataclass
class League:
    competition: Competition
    fixture: Match  # not played yet
    organiser: Client  # Sam of 体卫艺处, signed in


@pytest.fixture
def league(replica, city) -> League:
    competition = Competition.objects.create(
        name="2016年郑州市“市长杯”校园足球联赛",
        season=2016,
        group="小学男子甲组",
        published=True,
        organiser=city.dept_sports,
    )
    home, away = (
        Team.objects.create(competition=competition, school=s, name=s.name)
        for s in (city.jinshui_one, city.erqi_one)
    )
    fixture = Match.objects.create(competition=competition, round=1, home=home, away=away)
    sam = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    organiser = Client()
    organiser.force_login(sam)
    replayed_wait()
    return League(competition, fixture, organiser)


def public_page(league: League) -> str:
    return f"/public/football/{league.competition.pk}/"


def result_post(league: League) -> int:
    data = {
        "match": str(league.fixture.pk),
        "home_goals": "2",
        "away_goals": "2",
        "played_on": datetime.date(2016, 4, 16).isoformat(),
        "home_fair_play": "",
        "away_fair_play": "",
    }
    response = league.organiser.post(f"/football/results/{league.competition.pk}/", data)
    return response.status_code


def test_public_pages_and_api_reads_are_served_by_the_replica(replica, league):
    with statements(PRIMARY, replica) as seen:
        page = Client().get(public_page(league))
        api = league.organiser.get(f"/api/v1/football/competitions/{league.competition.pk}")
    assert page.status_code == 200 and api.status_code == 200
    assert "小学男子甲组" in page.content.decode()
    assert api.json()["group"] == "小学男子甲组"
    assert seen.touching(replica, "football_competition")
    assert seen.touching(replica, "football_match")
    assert not seen.touching(PRIMARY, "football_competition")
    assert not seen.touching(PRIMARY, "football_match")
    assert _replica_scalar("SELECT pg_is_in_recovery()") is True


def test_the_writer_sees_their_result_at_once_while_the_replica_lags(replica, league):
    replay_pause()
    with statements(PRIMARY, replica) as seen:
        assert result_post(league) == 302
    assert WRITTEN_COOKIE in league.organiser.cookies
    assert not [sql for sql in seen.on(replica) if sql.lstrip().startswith(WRITES)]

    with statements(PRIMARY, replica) as seen:
        own = league.organiser.get(public_page(league)).content.decode()
        other = Client().get(public_page(league)).content.decode()
    assert "2 : 2" in own  # the writer reads the primary …
    assert "2 : 2" not in other  # … while the paused replica still shows the fixture unplayed
    assert seen.touching(PRIMARY, "football_match") and seen.touching(replica, "football_match")

    replay_resume()
    replayed_wait()
    with statements(PRIMARY, replica) as seen:
        again = league.organiser.get(public_page(league))
    assert "2 : 2" in again.content.decode()
    assert seen.touching(replica, "football_match") and not seen.touching(PRIMARY, "football_match")
    assert again.cookies[WRITTEN_COOKIE].value == ""  # caught up: the cookie is dropped
    assert "2 : 2" in Client().get(public_page(league)).content.decode()


def test_an_approval_through_the_api_moves_the_approvers_figures_at_once(replica, city):
    """Dan (基础教育处) approves 金水区's construction report of 2016B6 through the API while
    the replica's replay is paused: the public figures he reads next, and the API, show
    it from the primary; an anonymous visitor still reads the replica's 2016B5 figures."""
    form = construction_form(city)
    report(form, city.jinshui, "2016B5", Status.APPROVED, figures(41, "说明"))
    submitted = report(form, city.jinshui, "2016B6", Status.SUBMITTED, figures(91, "待审说明"))
    _token, key = api_token_create(user=city.users["dan"], name="replica test")
    dan = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = f"/api/v1/submissions/{form.code}/2016B6/{city.jinshui.code}"
    replayed_wait()
    with statements(PRIMARY, replica) as seen:
        before = Client().get("/public/construction/").content.decode()
    assert ">41<" in before and ">91<" not in before
    assert seen.touching(replica, "reporting_datavalue")
    assert not seen.touching(PRIMARY, "reporting_datavalue")

    replay_pause()
    approved = dan.post(
        f"{url}/approve", {"revision": submitted.revision}, content_type="application/json"
    )
    assert approved.status_code == 200, approved.content
    assert WRITTEN_COOKIE in dan.cookies
    with statements(PRIMARY, replica) as seen:
        own = dan.get("/public/construction/").content.decode()
        api = dan.get(url)
        other = Client().get("/public/construction/").content.decode()
    assert ">91<" in own and ">91<" not in other and ">41<" in other
    assert api.status_code == 200 and api.json()["status"] == Status.APPROVED
    assert seen.touching(PRIMARY, "reporting_datavalue")
    assert seen.touching(replica, "reporting_datavalue")
    assert not [sql for sql in seen.on(replica) if sql.lstrip().startswith(WRITES)]

    replay_resume()
    replayed_wait()
    assert ">91<" in Client().get("/public/construction/").content.decode()


def test_writes_in_a_read_only_request_go_to_the_primary_and_are_read_back(replica, league):
    reads = Reads(alias=replica)
    token = reads_begin(reads)
    try:
        assert Competition.objects.get(pk=league.competition.pk).group == "小学男子甲组"
        with statements(PRIMARY, replica) as seen:
            Competition.objects.filter(pk=league.competition.pk).update(group="小学女子组")
            changed = Competition.objects.get(pk=league.competition.pk)
    finally:
        reads_end(token)
    assert changed.group == "小学女子组"  # read back from the primary, not the replica
    assert [sql.split()[0] for sql in seen.on(PRIMARY)] == ["UPDATE", "SELECT"]
    assert seen.on(replica) == []


def test_a_replica_that_is_not_a_standby_is_not_read(replica, league, settings, caplog):
    primary = connections[PRIMARY].settings_dict
    alias_add(
        "replica2",
        f"postgres://{primary['USER']}@{primary['HOST']}:{primary['PORT']}/{primary['NAME']}",
    )
    settings.EDUPLAN_DB_REPLICAS = ["replica2"]
    try:
        with statements(PRIMARY, "replica2") as seen:
            page = Client().get(public_page(league))
    finally:
        alias_remove("replica2")
    assert page.status_code == 200 and "小学男子甲组" in page.content.decode()
    assert seen.touching(PRIMARY, "football_match")
    assert not seen.touching("replica2", "football_match")
    assert "not a standby" in caplog.text


def test_the_cockpit_and_a_project_page_read_their_figures_from_the_replica(demo_replica):
    leader = Client()
    leader.force_login(get_user_model().objects.get(username="leader"))
    with statements(PRIMARY, demo_replica) as seen:
        cockpit = leader.get("/dashboards/", {"at": "2016B6"})
        project = leader.get("/dashboards/projects/1/", {"at": "2016B6"})
    assert cockpit.status_code == 200 and project.status_code == 200
    body = cockpit.content.decode()
    assert "领导驾驶舱" in body and len(re.findall(r'data-project="\d+"', body)) == 17
    for table in ("plans_target", "reporting_datavalue", "org_orgunit"):
        assert seen.touching(demo_replica, table), table
    data_read_on_primary = [
        sql for sql in seen.on(PRIMARY) if '"plans_' in sql or '"reporting_' in sql
    ]
    assert data_read_on_primary == []
