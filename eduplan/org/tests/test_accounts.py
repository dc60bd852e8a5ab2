"""Accounts: lockout after repeated failed logins (per account and per address) and the
administrators' unlock, password rules, the password change page, administrator-issued
reset links, and sessions that end after inactivity or a password change.

Alice reports for 金水一小 (password "pw-for-tests"); Mallory guesses passwords.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "pw-for-tests"
NEW_PASSWORD = "Qilin-river-2031"
MALLORY_IP = "10.6.6.6"


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> int:
    """Post the login form from an address; the response's status (302 = signed in)."""
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return response.status_code


def users_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("users", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_an_account_locks_after_five_failures_even_from_many_addresses(client, city, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for n in range(4):
        assert login(client, "alice", "wrong", ip=f"10.1.0.{n}") == 200
    assert login(Client(), "alice", PASSWORD, ip="10.2.0.1") == 302  # under the limit
    for n in range(5):
        login(client, "alice", "wrong", ip=f"10.1.1.{n}")
    locked = Client().post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.3.0.1"
    )
    assert locked.status_code == 429
    assert "登录已锁定" in locked.content.decode()
    # Another account from another address is not affected.
    assert login(Client(), "bob", PASSWORD, ip="10.4.0.1") == 302


def test_an_address_locks_after_five_failures_on_any_accounts(client, city):
    for name in ["lee", "sue", "dan", "bob", "dora"]:
        login(client, name, "wrong", ip=MALLORY_IP)
    assert login(Client(), "charlie", PASSWORD, ip=MALLORY_IP) == 429
    assert login(Client(), "charlie", PASSWORD, ip="10.0.0.9") == 302


def test_an_administrator_unlocks_an_account_from_the_command_line(city):
    for n in range(5):
        login(Client(), "alice", "wrong", ip=f"10.1.2.{n}")
    assert login(Client(), "alice", PASSWORD, ip="10.9.0.1") == 429
    out, _ = users_command("unlock", "alice")
    assert "已解除锁定" in out
    assert login(Client(), "alice", PASSWORD, ip="10.9.0.1") == 302


def test_an_administrator_unlocks_an_address_from_the_command_line(city):
    for name in ["lee", "sue", "dan", "bob", "dora"]:
        login(Client(), name, "wrong", ip=MALLORY_IP)
    assert login(Client(), "alice", PASSWORD, ip=MALLORY_IP) == 429
    users_command("unlock", "--ip", MALLORY_IP)
    assert login(Client(), "alice", PASSWORD, ip=MALLORY_IP) == 302


def test_unlocking_an_unknown_account_says_so(city):
    with pytest.raises(CommandError, match="没有用户：mallory"):
        users_command("unlock", "mallory")


def test_an_administrator_unlocks_an_account_in_the_admin(client, city):
    for n in range(5):
        login(Client(), "alice", "wrong", ip=f"10.1.3.{n}")
    assert login(Client(), "alice", PASSWORD, ip="10.9.0.2") == 429
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(get_user_model().objects.get(username="root"))
    attempts = list(AccessAttempt.objects.filter(username="alice").values_list("pk", flat=True))
    assert attempts
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert login(Client(), "alice", PASSWORD, ip="10.9.0.2") == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1A", "密码太短：至少需要 10 个字符"),
        ("password123", "这个密码太常见了"),
        ("8412557301946", "密码只包含数字"),
        ("alicezhang1", "密码跟 电子邮件地址 太相似了"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_rule_it_breaks(client, city, password, message):
    alice = city.users["alice"]
    alice.email = "alicezhang@jinshui.example"
    alice.save(update_fields=["email"])
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_every_user_finds_the_password_page_in_the_menu(client, city):
    client.force_login(city.users["charlie"])
    page = client.get(reverse("reporting:my_reports")).content.decode()
    assert f'href="{reverse("password_change")}"' in page
    assert client.get(reverse("password_change")).status_code == 200


def test_the_password_page_asks_a_visitor_to_log_in(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_changing_the_password_ends_every_other_session_but_this_one(city):
    alice = city.users["alice"]
    office, laptop = Client(), Client()
    assert login(office, "alice", PASSWORD) == 302
    assert login(laptop, "alice", PASSWORD, ip="10.0.0.2") == 302
    response = office.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert office.get(reverse("my_unit")).status_code == 302  # to her unit: still signed in
    assert office.get(reverse("my_unit"))["Location"] != reverse("login")
    assert laptop.get(reverse("reporting:my_reports"))["Location"].startswith(reverse("login"))


def reset_link(username: str) -> tuple[str, str]:
    out, note = users_command("reset-link", username)
    return out, note


def test_a_reset_link_sets_a_new_password_once(client, city, settings):
    settings.EDUPLAN_SITE_URL = "https://eduplan.example"
    url, note = reset_link("alice")
    assert url.startswith("https://eduplan.example/accounts/reset/")
    assert "仅可使用一次" in note
    expiry = re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d) 前有效", note)
    assert expiry is not None
    shown = datetime.datetime.strptime(expiry.group(1), "%Y-%m-%d %H:%M")
    in_a_day = timezone.localtime(timezone.now() + datetime.timedelta(hours=24))
    assert abs(in_a_day.replace(tzinfo=None) - shown) < datetime.timedelta(minutes=2)

    path = url.removeprefix("https://eduplan.example")
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    alice = city.users["alice"]
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    again = Client().get(path, follow=True).content.decode()
    assert "链接已失效或已被使用" in again and "new_password1" not in again


def test_a_reset_link_expires_after_a_day(client, city):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        url, _ = reset_link("alice")
        path = url[url.index("/accounts/") :]
        clock.shift(datetime.timedelta(hours=23))
        assert "new_password1" in Client().get(path, follow=True).content.decode()
        clock.shift(datetime.timedelta(hours=2))
        page = client.get(path, follow=True).content.decode()
    assert "链接已失效或已被使用" in page and "new_password1" not in page


def test_a_reset_link_also_lifts_a_lockout(client, city):
    for n in range(5):
        login(Client(), "alice", "wrong", ip=f"10.1.4.{n}")
    url, _ = reset_link("alice")
    form_page = client.get(url[url.index("/accounts/") :], follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert login(Client(), "alice", NEW_PASSWORD, ip="10.9.0.3") == 302


def test_no_reset_link_for_an_unknown_or_inactive_user(city):
    with pytest.raises(CommandError, match="没有用户：mallory"):
        reset_link("mallory")
    charlie = city.users["charlie"]
    charlie.is_active = False
    charlie.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="用户已停用：charlie"):
        reset_link("charlie")


def test_a_session_ends_after_thirty_idle_minutes_and_each_request_renews_it(city, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = Client()
        assert login(browser, "alice", PASSWORD) == 302
        page = reverse("reporting:my_reports")
        for _ in range(3):  # active for 75 minutes, never 30 idle
            clock.shift(datetime.timedelta(minutes=25))
            assert browser.get(page).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = browser.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_behind_a_gateway_lockouts_count_per_client_not_per_gateway(city, settings):
    settings.EDUPLAN_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    gateway = "10.0.0.254"
    for name in ["lee", "sue", "dan", "bob", "dora"]:
        Client().post(
            reverse("login"),
            {"username": name, "password": "wrong"},
            REMOTE_ADDR=gateway,
            HTTP_X_FORWARDED_FOR=f"{MALLORY_IP}, {gateway}",
        )
    honest = Client().post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR=gateway,
        HTTP_X_FORWARDED_FOR="10.7.7.7",
    )
    assert honest.status_code == 302
    assert AccessAttempt.objects.filter(ip_address=MALLORY_IP).exists()
