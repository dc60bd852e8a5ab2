"""The dashboards are tried on a small demo city (the real plan, organisation, forms and
bindings, 5% of the schools), built once per module and flushed after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from eduplan.demo.services import demo_setup

    with django_db_blocker.unblock():
        demo_setup(scale=0.05, seed=2016)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def as_user(demo: None, db: None):  # type: ignore[no-untyped-def]
    """A client signed in as one of the demo accounts."""

    def login(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return login
