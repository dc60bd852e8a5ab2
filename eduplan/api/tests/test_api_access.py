"""Every API operation against every user of the test city: who gets 200, who 403, and
nobody without a token or session gets anything. An operation missing from the matrix
fails `test_every_operation_is_in_the_matrix`, so no endpoint exists unchecked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from eduplan.api.tests.conftest import FORM, PERIOD, SCHOOL
from eduplan.api.urls import CHECKED_INSIDE, api, api_urls
from eduplan.org.access import declared_rule
from eduplan.plans.tests.factories import make_plan
from eduplan.reporting.models import Submission, SubmissionEvent
from eduplan.reporting.services import submission_approve, submission_save, submission_submit
from eduplan.reporting.tests.conftest import GOOD

WHO = ["alice", "bob", "charlie", "dora", "dan", "sue", "lee", "nobody"]
READERS_OF_ALICES_SCHOOL = {"alice", "bob", "dan", "sue", "lee"}


def _draft(city, form) -> Submission:
    return submission_save(
        user=city.users["alice"],
        form=form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values=GOOD,
    )


def _submitted(city, form) -> Submission:
    sub = _draft(city, form)
    return submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)


def _approved(city, form) -> Submission:
    sub = _submitted(city, form)
    return submission_approve(user=city.users["bob"], submission=sub, revision=sub.revision)


def _nothing(city, form) -> None:
    return None


def _city_plan(city, form) -> None:
    make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})


def _ledger_record(city, form) -> Any:
    from eduplan.ledgers.tests.conftest import SAMPLE, add, load_text

    return add(city, load_text(SAMPLE))


def _ledger_only(city, form) -> None:
    from eduplan.ledgers.tests.conftest import SAMPLE, load_text

    load_text(SAMPLE)


def _reviewed_record(city, form) -> Any:
    """A fee record 金水一小 entered, awaiting 金水区's review."""
    from eduplan.ledgers.tests.conftest import load_text
    from eduplan.ledgers.tests.test_review import REVIEWED, enter

    return enter(city, load_text(REVIEWED, "fees.yaml"))


def _census(city, form) -> None:
    from eduplan.construction.models import SchoolClass

    SchoolClass.objects.create(
        school=city.jinshui_one, school_year=2016, grade=1, number=1, pupils=45
    )


CENSUS = "/api/v1/census/410105-P1/2016"
FOOTBALL = "/api/v1/football/competitions"
COMPETITION = {"name": "金水区联赛", "season": 2016, "group": "小学组"}


def _district_league(city, form) -> Any:
    """金水区's own league: two teams and a fixture not yet played."""
    from eduplan.football.models import Competition, Match, Team

    league = Competition.objects.create(organiser=city.jinshui, **COMPETITION)
    one = Team.objects.create(competition=league, school=city.jinshui_one, name="一小")
    two = Team.objects.create(competition=league, school=city.jinshui_two, name="二小")
    Team.objects.create(competition=league, school=city.erqi_one, name="七一")
    Match.objects.create(competition=league, round=1, home=one, away=two)
    return league


def _team(league) -> Any:
    return league.teams.get(name="七一")


LEDGER = "/api/v1/ledgers/showcase_test/records"
REVIEWED_RECORDS = "/api/v1/ledgers/fees_test/records"
LEDGER_BODY = {"school": "410105-P2", "held_on": "2016-05-10", "kind": "甲"}

Setup = Callable[[Any, Any], Any]

# (method, path in the schema) -> (set-up, path, body, who gets 200; everyone else 403)
# A path may be a function of what the set-up made (a record's id).
MATRIX: dict[tuple[str, str], tuple[Setup, Any, Any, set[str]]] = {
    ("GET", "/api/v1/forms"): (_nothing, "/api/v1/forms", None, set(WHO) - {"nobody"}),
    ("GET", "/api/v1/submissions/{form}/{period}/{org}"): (
        _draft,
        SCHOOL,
        None,
        READERS_OF_ALICES_SCHOOL,
    ),
    ("PUT", "/api/v1/submissions/{form}/{period}/{org}"): (
        _draft,
        SCHOOL,
        lambda sub: {"values": {"note": "改"}, "revision": sub.revision},
        {"alice", "bob"},
    ),
    ("POST", "/api/v1/submissions/{form}/{period}/{org}/submit"): (
        _draft,
        SCHOOL + "/submit",
        lambda sub: {"revision": sub.revision},
        {"alice", "bob"},
    ),
    ("POST", "/api/v1/submissions/{form}/{period}/{org}/approve"): (
        _submitted,
        SCHOOL + "/approve",
        lambda sub: {"revision": sub.revision},
        {"bob"},
    ),
    ("POST", "/api/v1/submissions/{form}/{period}/{org}/return"): (
        _submitted,
        SCHOOL + "/return",
        lambda sub: {"revision": sub.revision, "reason": "请核实"},
        {"bob"},
    ),
    ("POST", "/api/v1/submissions/{form}/{period}/{org}/reopen"): (
        _approved,
        SCHOOL + "/reopen",
        lambda sub: {"revision": sub.revision, "reason": "复核"},
        {"bob"},
    ),
    ("GET", "/api/v1/completeness/{form}/{period}"): (
        _nothing,
        f"/api/v1/completeness/{FORM}/{PERIOD}?org=410105",
        None,
        {"bob", "dan", "sue", "lee"},
    ),
    ("GET", "/api/v1/targets/status"): (
        _city_plan,
        "/api/v1/targets/status?at=2016B6&org=410105",
        None,
        {"bob", "dan", "sue", "lee"},
    ),
    ("GET", "/api/v1/census/{code}/{year}"): (_census, CENSUS, None, READERS_OF_ALICES_SCHOOL),
    ("GET", "/api/v1/teachers/{code}"): (
        _nothing,
        "/api/v1/teachers/410105-P1?year=2016",
        None,
        READERS_OF_ALICES_SCHOOL,
    ),
    ("PUT", "/api/v1/census/{code}/{year}"): (
        _census,
        CENSUS,
        {"classes": [{"grade": 1, "number": 1, "pupils": 46}]},
        {"alice", "bob"},
    ),
    ("GET", "/api/v1/football/competitions"): (_nothing, FOOTBALL, None, set(WHO) - {"nobody"}),
    ("POST", "/api/v1/football/competitions"): (
        _nothing,
        FOOTBALL,
        COMPETITION,
        {"bob", "dora", "dan"},
    ),
    ("GET", "/api/v1/football/competitions/{pk}"): (
        _district_league,
        lambda league: f"{FOOTBALL}/{league.pk}",
        None,
        {"bob"},
    ),
    ("PUT", "/api/v1/football/competitions/{pk}"): (
        _district_league,
        lambda league: f"{FOOTBALL}/{league.pk}",
        {**COMPETITION, "published": True},
        {"bob"},
    ),
    ("POST", "/api/v1/football/competitions/{pk}/retire"): (
        _district_league,
        lambda league: f"{FOOTBALL}/{league.pk}/retire",
        {"reason": "重复"},
        {"bob"},
    ),
    ("POST", "/api/v1/football/competitions/{pk}/teams"): (
        _district_league,
        lambda league: f"{FOOTBALL}/{league.pk}/teams",
        {"school": "410105-P2", "name": "二小B"},
        {"bob"},
    ),
    ("DELETE", "/api/v1/football/competitions/{pk}/teams/{team}"): (
        _district_league,
        lambda league: f"{FOOTBALL}/{league.pk}/teams/{_team(league).pk}",
        None,
        {"bob"},
    ),
    ("POST", "/api/v1/football/competitions/{pk}/fixtures"): (
        _district_league,
        lambda league: f"{FOOTBALL}/{league.pk}/fixtures",
        {"round": 2, "home": "二小", "away": "一小"},
        {"bob"},
    ),
    ("DELETE", "/api/v1/football/competitions/{pk}/fixtures/{match}"): (
        _district_league,
        lambda league: f"{FOOTBALL}/{league.pk}/fixtures/{league.matches.get().pk}",
        None,
        {"bob"},
    ),
    ("GET", "/api/v1/ledgers"): (_ledger_only, "/api/v1/ledgers", None, set(WHO) - {"nobody"}),
    ("GET", "/api/v1/ledgers/{code}/records"): (
        _ledger_record,
        LEDGER,
        None,
        set(WHO) - {"nobody"},
    ),
    ("POST", "/api/v1/ledgers/{code}/records"): (
        _ledger_only,
        LEDGER,
        {"values": LEDGER_BODY},
        {"dan"},
    ),
    ("PUT", "/api/v1/ledgers/{code}/records/{pk}"): (
        _ledger_record,
        lambda record: f"{LEDGER}/{record.pk}",
        lambda record: {"values": {**record.data, "pupils": 7}, "revision": record.revision},
        {"dan"},
    ),
    ("POST", "/api/v1/ledgers/{code}/records/{pk}/retire"): (
        _ledger_record,
        lambda record: f"{LEDGER}/{record.pk}/retire",
        lambda record: {"reason": "重复", "revision": record.revision},
        {"dan"},
    ),
    ("GET", "/api/v1/ledgers/review"): (
        _reviewed_record,
        "/api/v1/ledgers/review",
        None,
        set(WHO) - {"nobody"},
    ),
    ("POST", "/api/v1/ledgers/{code}/records/{pk}/approve"): (
        _reviewed_record,
        lambda record: f"{REVIEWED_RECORDS}/{record.pk}/approve",
        lambda record: {"revision": record.revision},
        {"bob"},
    ),
    ("POST", "/api/v1/ledgers/{code}/records/{pk}/return"): (
        _reviewed_record,
        lambda record: f"{REVIEWED_RECORDS}/{record.pk}/return",
        lambda record: {"reason": "请核实", "revision": record.revision},
        {"bob"},
    ),
}


def test_every_operation_is_in_the_matrix():
    schema = api.get_openapi_schema()
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    assert operations == set(MATRIX)


def test_every_api_url_declares_that_it_checks_inside():
    patterns = api_urls[0]
    assert len(patterns) >= len({path for _method, path in MATRIX})
    for pattern in patterns:
        assert declared_rule(pattern.callback) is CHECKED_INSIDE
    assert reverse("api_v1:openapi-json") == "/api/v1/openapi.json"


def _state() -> list[tuple]:
    from eduplan.ledgers.models import LedgerRecord

    rows = list(Submission.objects.values_list("pk", "status", "revision"))
    from eduplan.construction.models import SchoolClass

    records = list(LedgerRecord.objects.values_list("pk", "status", "revision"))
    from eduplan.core.models import ChangeEvent
    from eduplan.football.models import Competition, Match, Team

    classes = list(SchoolClass.objects.values_list("pk", "pupils"))
    league = [
        *Competition.objects.values_list("pk", "revision", "published", "retired_reason"),
        *Team.objects.values_list("pk", "name"),
        *Match.objects.values_list("pk", "round"),
        (ChangeEvent.objects.count(),),
    ]
    return [*rows, (SubmissionEvent.objects.count(),), *records, *classes, *league]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("operation", list(MATRIX), ids=lambda op: " ".join(op))
def test_permission_matrix(api, city, class_form, operation, who):
    setup, path, body, allowed = MATRIX[operation]
    sub = setup(city, class_form)
    payload = body(sub) if callable(body) else body
    path = path(sub) if callable(path) else path
    before = _state()
    response = api.call(who, operation[0], path, payload)
    expected = 200 if who in allowed else 403
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/json")
    if expected == 403:
        assert "detail" in response.json()
        assert _state() == before  # a refused call changes nothing


@pytest.mark.parametrize("operation", list(MATRIX), ids=lambda op: " ".join(op))
def test_without_a_token_every_operation_is_401(api, city, class_form, operation):
    setup, path, body, _allowed = MATRIX[operation]
    sub = setup(city, class_form)
    payload = body(sub) if callable(body) else body
    path = path(sub) if callable(path) else path
    for headers in ({}, {"Authorization": "Bearer ep_not-a-token"}, {"Authorization": "Basic x"}):
        response = api.call(None, operation[0], path, payload, **headers)
        assert response.status_code == 401
        assert response.json()["detail"]


def test_a_revoked_token_or_an_inactive_user_is_401(api, city, class_form):
    assert api.call("alice", "GET", "/api/v1/forms").status_code == 200
    city.users["alice"].is_active = False
    city.users["alice"].save(update_fields=["is_active"])
    assert api.call("alice", "GET", "/api/v1/forms").status_code == 401
    city.users["bob"].api_tokens.all().delete()
    refused = api.call("bob", "GET", "/api/v1/forms")
    assert refused.status_code == 401 and "需要身份验证" in refused.json()["detail"]


def test_a_browser_session_reads_and_must_send_the_csrf_token_to_write(api, city, class_form):
    sub = _draft(city, class_form)
    client = api.client
    client.force_login(city.users["alice"])
    assert client.get(SCHOOL).status_code == 200
    body = {"values": {"note": "网页"}, "revision": sub.revision}
    refused = api.call(None, "PUT", SCHOOL, body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/accounts/login/")  # any page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = api.call(None, "PUT", SCHOOL, body, **{"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert accepted.json()["values"]["note"] == "网页"


def test_a_token_needs_no_csrf_token(api, city, class_form):
    response = api.call("alice", "PUT", SCHOOL, {"values": GOOD})
    assert response.status_code == 200
    stored = {"classes_total": "20", "pupils_total": "900", "classes_large": "3"}
    assert response.json()["status"] == "draft" and response.json()["values"] == stored


def test_the_department_reads_everywhere_but_enters_only_for_itself(api, city, class_form):
    _draft(city, class_form)
    read = api.call("dan", "GET", SCHOOL)
    assert read.status_code == 200 and read.json()["status"] == "draft"
    assert api.call("dan", "PUT", SCHOOL, {"values": {"note": "x"}}).status_code == 403
