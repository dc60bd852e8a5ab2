"""The demo's petitions: a seeded history whose stored deadlines agree with the clock,
the 信访办 account working on it, the figures of project 9 from it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from eduplan.petitions.clock import clock_rules, pending_deadline
from eduplan.petitions.models import BacklogCase, CaseLink, PetitionCase, Petitioner, RiskEntry

pytestmark = pytest.mark.django_db


def test_the_demo_history_is_consistent_and_the_office_works_on_it(demo):
    cases = list(PetitionCase.objects.all())
    assert len(cases) > 100
    rules = clock_rules()
    for case in cases:
        pending = pending_deadline(case.dates, rules=rules)
        assert case.due_step == (pending.step.value if pending else "")
        assert case.due_on == (pending.due if pending else None)
        assert case.replied_on is None or case.replied_in_time is not None
    numbers = [c.number for c in sorted(cases, key=lambda c: (c.received_on.year, c.number))]
    assert len(set(numbers)) == len(numbers)
    assert Petitioner.objects.count() >= len(cases)
    assert CaseLink.objects.exists() and BacklogCase.objects.exists() and RiskEntry.objects.exists()
    assert PetitionCase.objects.filter(due_step="accept").exists()  # live work for the office
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="xinfang"))
    for url in ["cases", "overview", "risks", "backlog"]:
        assert client.get(reverse(f"petitions:{url}")).status_code == 200
