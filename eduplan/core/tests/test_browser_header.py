"""The menu never runs past the window: the supervision office (the longest menu) and a
superuser, in Chinese and in English, from a phone to a wide screen."""

from __future__ import annotations

import pytest

from eduplan.core.tests.browser import needs_browser
from eduplan.demo.services import org_load_file
from eduplan.org.models import Membership, OrgUnit, Role
from eduplan.org.tests.factories import user_with_role

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_the_menu_fits_every_width_for_the_longest_menus_in_both_languages(
    live_server, browser_page, django_user_model
):
    org_load_file()
    bureau, office = OrgUnit.objects.get(code="410100"), OrgUnit.objects.get(code="DEPT-DCS")
    user_with_role("sue", Role.SUPERVISION, bureau, department=office)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-for-tests")
    Membership.objects.create(user=root, role=Role.SUPERVISION, scope=bureau, department=office)
    page, _external = browser_page
    for username in ("sue", "root"):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pw-for-tests")
        page.click("button[type=submit]")
        page.wait_for_url("**/work/")
        for language in ("zh-hans", "en"):
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            for width in (390, 1024, 1280, 1440, 1920):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{live_server.url}/work/")
                overflow = page.evaluate(
                    "() => [document.querySelector('nav').scrollWidth,"
                    " document.documentElement.scrollWidth]"
                )
                assert overflow == [width, width], (username, language, width, overflow)
