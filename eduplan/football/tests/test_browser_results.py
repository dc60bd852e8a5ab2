"""The league official in a real Chromium: 体卫艺处's demo account logs in, opens the
city league from 联赛成绩录入, types a score with a mistake, reads where it is, corrects
it (the demo's leagues are played out, so this is a correction) and sees the table
move; a citizen then reads the result on the public page.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime

import pytest

from eduplan.core.tests.browser import ARTIFACTS, needs_browser

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_the_sports_department_records_a_result_in_the_browser(live_server, browser_page):
    from eduplan.demo.services import demo_setup
    from eduplan.football.models import Competition, Match

    demo_setup(scale=0.02, seed=2016)
    league = Competition.objects.filter(published=True, organiser__code="DEPT-TWY").first()
    assert league is not None
    # The demo's leagues are played out: the official corrects the first result.
    fixture = league.matches.order_by("round", "pk").first()
    assert fixture is not None
    home_goals = (fixture.home_goals or 0) + 3
    score = f"{home_goals} : 2"
    page, external = browser_page
    base = live_server.url

    page.goto(f"{base}/football/results/")
    page.fill("#id_username", "tiweiyi")
    page.fill("#id_password", "eduplan2016")
    page.click("button[type=submit]")
    page.wait_for_url("**/football/results/")
    page.locator(f"a[href='/football/results/{league.pk}/']").click()
    page.wait_for_url(f"**/football/results/{league.pk}/")

    played = datetime.date(2016, 10, 15).isoformat()
    page.fill(f"#m{fixture.pk}_played_on", played)
    page.fill(f"#m{fixture.pk}_home_goals", "-1")
    page.fill(f"#m{fixture.pk}_away_goals", "2")
    # The browser's own check would stop -1 before it is sent: send it as typed.
    page.evaluate(f"document.getElementById('match-{fixture.pk}').noValidate = true")
    page.locator(f"#match-{fixture.pk} button").click()
    page.wait_for_load_state()
    alert = page.locator(".alert-danger")
    assert fixture.home.name in alert.inner_text()
    assert page.locator(f"#m{fixture.pk}_home_goals.is-invalid").count() == 1
    before = fixture.home_goals
    fixture.refresh_from_db()
    assert fixture.home_goals == before

    page.fill(f"#m{fixture.pk}_home_goals", str(home_goals))
    page.locator(f"#match-{fixture.pk} button").click()
    page.wait_for_url(f"**/football/results/{league.pk}/")
    assert score in page.locator(".alert-success").inner_text()
    page.screenshot(path=str(ARTIFACTS / "league-results-1366.png"), full_page=True)
    fixture = Match.objects.get(pk=fixture.pk)
    assert (fixture.home_goals, fixture.away_goals) == (home_goals, 2)

    page.context.clear_cookies()
    page.goto(f"{base}/public/football/{league.pk}/")
    assert score in page.locator("body").inner_text()
    assert not external, f"pages fetched from outside: {external}"
