"""The replica router and middleware, on any database: which requests are read-only,
where a query goes in each state, what a write leaves behind, and a replica that is down.
The streaming replica itself is tested in test_replica_streaming.py (PostgreSQL)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from eduplan.core import replica_middleware
from eduplan.core.replica_middleware import WRITTEN_COOKIE, replicas_down_forget
from eduplan.core.routing import (
    PRIMARY,
    Reads,
    ReplicaRouter,
    is_read_only,
    lsn_value,
    reads_begin,
    reads_end,
    replica_reads,
)
from eduplan.core.tests.replicas import alias_add, alias_remove
from eduplan.football.models import Competition

router = ReplicaRouter()


def _view(request):
    return HttpResponse("ok")


def test_wal_positions_compare_as_numbers():
    assert lsn_value("0/3000000") == 0x3000000
    assert lsn_value("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert lsn_value("1/0") > lsn_value("0/FFFFFFFF")
    with pytest.raises(ValueError, match="not a WAL position"):
        lsn_value("3000000")


@pytest.mark.parametrize(
    ("method", "url", "read_only"),
    [
        ("GET", "/public/football/", True),
        ("HEAD", "/public/", True),
        ("GET", "/dashboards/", True),
        ("GET", "/dashboards/districts/", True),
        ("GET", "/api/v1/football/competitions", True),
        ("POST", "/api/v1/football/competitions", False),
        ("POST", "/public/football/", False),
        ("GET", "/football/results/", False),
        ("GET", "/work/", False),
        ("GET", "/reports/", False),
        ("GET", "/kindergartens/public/", True),  # marked @replica_reads
        ("GET", "/kindergartens/public/notices/xlsx/", True),
        ("GET", "/appraisal/2018/410100/xlsx/", True),
        ("GET", "/supervision/bulletin.docx", True),
        ("GET", "/supervision/bulletin/", False),
        ("GET", "/kindergartens/", False),
    ],
)
def test_read_only_requests_are_gets_of_the_read_only_namespaces(method, url, read_only):
    request = RequestFactory().generic(method, url)
    match = resolve(url)
    request.resolver_match = match
    assert is_read_only(request, match.func) is read_only


def test_a_view_marked_replica_reads_is_read_only_for_get_only():
    marked = replica_reads(_view)
    request = RequestFactory().get("/reports/")
    request.resolver_match = resolve("/reports/")
    assert is_read_only(request, marked)
    post = RequestFactory().post("/reports/")
    post.resolver_match = resolve("/reports/")
    assert not is_read_only(post, marked)


@pytest.mark.django_db
def test_the_router_reads_the_replica_until_the_request_writes(settings):
    settings.EDUPLAN_DB_REPLICAS = ["replica1"]
    assert router.db_for_read(Competition) == PRIMARY  # outside a request
    reads = Reads(alias="replica1")
    token = reads_begin(reads)
    try:
        assert router.db_for_read(Competition) == "replica1"
        assert router.db_for_read(Session) == PRIMARY  # who is signed in: the primary
        assert router.db_for_write(Session) == PRIMARY
        assert not reads.wrote  # a session saved is no data a page shows
        assert router.db_for_write(Competition) == PRIMARY
        assert reads.wrote
        assert router.db_for_read(Competition) == PRIMARY  # reads its own write
    finally:
        reads_end(token)
    assert router.db_for_read(Competition) == PRIMARY


def test_writes_and_migrations_go_to_the_primary_only(settings):
    settings.EDUPLAN_DB_REPLICAS = ["replica1", "replica2"]
    token = reads_begin(Reads(alias="replica2"))
    try:
        assert router.db_for_write(Competition) == PRIMARY
    finally:
        reads_end(token)
    assert router.allow_migrate("replica1", "football") is False
    assert router.allow_migrate("replica2", "football", model_name="competition") is False
    assert router.allow_migrate(PRIMARY, "football") is None


def test_without_replicas_the_router_leaves_every_choice_to_django(settings):
    settings.EDUPLAN_DB_REPLICAS = []
    assert router.db_for_read(Competition) is None
    assert router.allow_migrate(PRIMARY, "football") is None


@pytest.fixture
def chosen(settings, monkeypatch):
    """Replicas configured, their choice recorded (no replica answers on this database)."""
    settings.EDUPLAN_DB_REPLICAS = ["replica1"]
    calls: list[int | None] = []

    def choose(*, written_at):
        calls.append(written_at)
        return PRIMARY

    monkeypatch.setattr(replica_middleware, "replica_choose", choose)
    monkeypatch.setattr(replica_middleware, "primary_position", lambda: 0x5000028)
    return calls


@pytest.mark.django_db
def test_only_read_only_pages_choose_a_replica(client, city, chosen):
    assert client.get("/public/football/").status_code == 200
    assert chosen == [None]
    client.force_login(city.users["alice"])
    assert client.get("/work/").status_code == 200
    assert chosen == [None]  # the workbench is not read-only: no choice made


@pytest.mark.django_db
def test_a_write_leaves_its_wal_position_for_the_writers_next_read(client, city, chosen):
    client.force_login(city.users["alice"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert WRITTEN_COOKIE in response.cookies
    client.get("/public/football/")
    assert chosen == [0x5000028]


@pytest.mark.django_db
def test_a_refused_write_leaves_no_wal_position(client, city, chosen):
    client.force_login(city.users["alice"])
    response = client.post("/football/results/")
    assert response.status_code == 403
    assert WRITTEN_COOKIE not in response.cookies


@pytest.mark.django_db
def test_a_forged_wal_position_is_ignored(client, chosen):
    client.cookies[WRITTEN_COOKIE] = "99999999"
    client.get("/public/football/")
    assert chosen == [None]


@pytest.fixture
def down_replica(db, settings):
    """replica1 names a port where no database listens."""
    alias_add("replica1", "postgres://postgres@127.0.0.1:9/eduplan")
    settings.EDUPLAN_DB_REPLICAS = ["replica1"]
    replicas_down_forget()
    yield "replica1"
    replicas_down_forget()
    alias_remove("replica1")


@pytest.mark.django_db
def test_a_replica_that_is_down_is_logged_and_the_page_reads_the_primary(
    client, down_replica, caplog
):
    Competition.objects.create(name="校园足球联赛", season=2016, group="甲组", published=True)
    caplog.set_level(logging.WARNING, logger="eduplan.replicas")
    for _ in range(2):
        response = client.get("/public/football/")
        assert response.status_code == 200
        assert "校园足球联赛" in response.content.decode()
    # Logged once: the second request does not try it again before the retry time.
    assert [r.getMessage()[:28] for r in caplog.records] == ["replica replica1 unusable, r"]


SHOW_REPLICAS = (
    "import json, eduplan.settings as s; print(json.dumps([s.EDUPLAN_DB_REPLICAS, "
    "{a: [d['PORT'], d['NAME'], d['TEST']['MIRROR']] for a, d in s.DATABASES.items() "
    "if a != 'default'}]))"
)


def _settings_with(tmp_path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "EDUPLAN_"))}
    env |= {"EDUPLAN_VAR_DIR": str(tmp_path), "DJANGO_ENV": "development"} | environment
    return subprocess.run(
        [sys.executable, "-c", SHOW_REPLICAS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_each_replica_url_becomes_an_alias_that_mirrors_default_in_tests(tmp_path):
    done = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://eduplan@db.example:5432/eduplan",
        DATABASE_REPLICA_URLS=(
            "postgres://eduplan@replica-a.example:5433/eduplan, "
            "postgres://eduplan@replica-b.example:5434/eduplan"
        ),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        ["replica1", "replica2"],
        {"replica1": [5433, "eduplan", "default"], "replica2": [5434, "eduplan", "default"]},
    ]


def test_without_replica_urls_there_is_one_database(tmp_path):
    done = _settings_with(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/eduplan.sqlite3")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[], {}]


def test_replicas_of_an_sqlite_database_are_refused_with_a_reason(tmp_path):
    done = _settings_with(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/eduplan.sqlite3",
        DATABASE_REPLICA_URLS="postgres://eduplan@replica-a.example:5433/eduplan",
    )
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL." in done.stderr
