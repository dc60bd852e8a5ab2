"""Test set-up shared by every app: fast hashing and the named cast of users."""

from __future__ import annotations

import pytest

BROWSER_FIXTURES = {"browser_page", "live_server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that drives a browser carries the `browser` marker (so `-m browser`
    finds them all); tests marked `postgres` run only when the suite runs on PostgreSQL."""
    from django.conf import settings

    unmarked = [
        item.nodeid
        for item in items
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
        and not item.get_closest_marker("browser")
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests driving a browser lack the `browser` marker (pytestmark = needs_browser): "
            + ", ".join(unmarked)
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="runs only on PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A Chromium page at 1366×768 (zh-CN) and the requests it sent off the machine."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from eduplan.core.tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LOCAL

    # Playwright's sync API runs an event loop in this thread; the ORM work of a test
    # happens before it starts, and the live server runs in its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        external: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(LOCAL) else external.append(r.url))
        yield page, external
        browser.close()
        # Playwright's sync API runs the test inside its own context: the ORM calls made
        # there opened a connection of their own, which Django's teardown never sees.
        connections.close_all()


@pytest.fixture(autouse=True)
def _fresh_figures_cache() -> None:
    """Each test's database starts from the same figures counter: forget what an earlier
    test cached under it."""
    from django.core.cache import caches

    caches["figures"].clear()
