"""The dashboards are tried on a small demo city (the `demo` fixture of eduplan/conftest.py:
the real plan, organisation, forms and bindings, 5% of the schools), built once per test
process and shared by every test that reads it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def as_user(demo: None, db: None):
    """A client signed in as one of the demo accounts."""

    def login(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return login
