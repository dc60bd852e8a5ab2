"""Each of the test city's users with an API token, and a client that sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from eduplan.api.auth import api_token_create
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.services import expected_reports_open, form_load
from eduplan.reporting.tests.conftest import CLASS_FORM

FORM, PERIOD = "class-size-test", "2016T1"
SCHOOL = f"/api/v1/submissions/{FORM}/{PERIOD}/410105-P1"


@dataclass
class Api:
    client: Client
    keys: dict[str, str]

    def call(
        self,
        who: str | None,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        **headers: str,
    ) -> Any:
        """Send a request as `who` (None: no token) and return the response."""
        if who is not None:
            headers["Authorization"] = f"Bearer {self.keys[who]}"
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(path, **kwargs)


@pytest.fixture
def class_form(city):
    """The reporting tests' class-size form, opened for 2016T1."""
    form, _version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="t"))
    expected_reports_open(form=form, period_code=PERIOD)
    return form


@pytest.fixture
def api(city) -> Api:
    keys = {name: api_token_create(user=user, name="tests")[1] for name, user in city.users.items()}
    return Api(Client(enforce_csrf_checks=True), keys)
