"""A site serving the demo city says so on every page; `eduplan demo` turns that on for
the server it starts."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from eduplan.demo.management.commands import demo as demo_command
from eduplan.demo.serving import Ended, child_environment

BANNER = "演示数据：本站数据为模拟生成，不代表真实情况"
PAGES = [
    (None, "/accounts/login/"),
    (None, "/public/"),
    (None, "/public/construction/"),
    ("leader", "/dashboards/"),
    ("leader", "/dashboards/screen/"),
    ("jinshui-school1", "/reports/"),
]


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "url"), PAGES)
def test_every_page_of_the_demo_says_its_figures_are_simulated(demo, settings, username, url):
    settings.EDUPLAN_DEMO = True
    response = client_for(username).get(url)
    assert response.status_code == 200
    assert response.content.decode().count(BANNER) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "url"), PAGES)
def test_a_real_site_shows_no_demo_banner(demo, settings, username, url):
    settings.EDUPLAN_DEMO = False
    response = client_for(username).get(url)
    assert response.status_code == 200
    assert BANNER not in response.content.decode()


@pytest.mark.django_db
def test_the_demo_command_serves_with_the_banner_on(monkeypatch):
    """The processes `eduplan demo` starts get EDUPLAN_DEMO (test_serving.py reads the
    banner off the page gunicorn serves)."""
    monkeypatch.setenv("EDUPLAN_DEMO", "false")
    served: dict[str, object] = {}

    def serve(port: int, out: object) -> Ended:
        served.update(port=port, env=child_environment()["EDUPLAN_DEMO"])
        return Ended()

    monkeypatch.setattr(demo_command, "serve", serve)
    call_command("demo", "--scale", "0.02", "--port", "8123", stdout=io.StringIO())
    assert served == {"port": 8123, "env": "true"}
