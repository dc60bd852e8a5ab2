"""Every page names its icon, and the address browsers try by themselves leads to it."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def test_pages_link_the_icon_and_favicon_ico_leads_to_it(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in body and "eduplan/favicon.svg" in body
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/eduplan/favicon.svg")
    assert finders.find("eduplan/favicon.svg")
