"""Registering, routing and handling a case: the stored next deadline always equals the
clock's, bad steps are refused and change nothing, a retried form is stored once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.petitions.clock import Step, clock_rules, pending_deadline
from eduplan.petitions.models import CaseEvent, CaseLink, LinkKind, PetitionCase, Petitioner
from eduplan.petitions.services import (
    PetitionerIn,
    case_decide,
    case_extend,
    case_route,
    case_step_record,
    identity_digest,
)
from eduplan.petitions.tests.conftest import ID_NUMBER, NAME, register

D = datetime.date


def _travel(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(2)), tick=False)


def _stored_equals_clock(case: PetitionCase) -> None:
    case.refresh_from_db()
    pending = pending_deadline(case.dates, rules=clock_rules())
    assert case.due_step == (pending.step.value if pending else "")
    assert case.due_on == (pending.due if pending else None)


def test_a_registered_case_keeps_its_petitioners_apart_and_knows_its_deadline(city, case):
    assert case.number == "XF2016-000001" and case.district == city.jinshui
    assert case.due_step == Step.ACCEPT and case.due_on == D(2017, 1, 4)
    people = Petitioner.objects.filter(case=case)
    assert [p.name for p in people] == [NAME]
    assert people[0].identity_digest == identity_digest(" " + ID_NUMBER.lower())
    for field in PetitionCase._meta.concrete_fields:
        assert NAME not in str(getattr(case, field.attname))
    # The bureau received a matter of 金水区 the district never had: 越级.
    assert case.skipped_level


def test_the_same_petitioner_is_linked_by_id_number_and_a_district_case_is_no_skip(
    city, office, case
):
    with _travel(D(2016, 12, 22)):
        again = register(
            city,
            user=city.users["bob"],
            received_by=city.jinshui,
            petitioners=[PetitionerIn("王小明", ID_NUMBER)],
        )
    assert not again.skipped_level  # the district received it itself
    assert list(CaseLink.objects.filter(case=again).values_list("earlier", "kind")) == [
        (case.pk, LinkKind.SAME_PETITIONER)
    ]
    third = register(
        city, earlier_numbers=[again.number], same_matter=True, petitioners=[PetitionerIn("李四")]
    )
    assert not third.skipped_level  # the district had the matter before
    assert CaseLink.objects.get(case=third).kind == LinkKind.SAME_MATTER


def test_a_retried_registration_is_stored_once(city, office):
    first = register(city, request_key="form-1")
    again = register(city, request_key="form-1")
    assert first.pk == again.pk and PetitionCase.objects.count() == 1
    assert Petitioner.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"petitioners": [PetitionerIn(" ")]}, "信访人"),
        ({"received_on": D(2016, 12, 30), "today": D(2016, 12, 21)}, "今天"),
        ({"earlier_numbers": ["XF2015-999999"]}, "XF2015-999999"),
        ({"people_count": 0}, "信访人数"),
    ],
)
def test_bad_registrations_are_refused_and_store_nothing(city, office, overrides, fragment):
    with pytest.raises(InputError, match=fragment) as refused:
        register(city, **overrides)
    assert fragment in refused.value.message
    assert not PetitionCase.objects.exists() and not Petitioner.objects.exists()


def test_the_case_moves_through_its_steps_with_the_stored_deadline_equal_to_the_clock(city, case):
    xena = city.users["xena"]
    with _travel(D(2016, 12, 22)):
        case_route(user=xena, case=case, unit=city.jinshui, on=D(2016, 12, 22))
    bob = city.users["bob"]
    with _travel(D(2016, 12, 28)):
        case_decide(user=bob, case=case, accepted=True, on=D(2016, 12, 28))
    _stored_equals_clock(case)
    assert case.due_step == Step.REPLY and case.due_on == D(2017, 2, 26)
    with _travel(D(2017, 2, 20)):
        case_extend(user=bob, case=case, days=30, reason="需调取两年档案", on=D(2017, 2, 20))
        with pytest.raises(InputError, match="已延长过一次"):
            case_extend(user=bob, case=case, days=5, reason="again", on=D(2017, 2, 20))
    _stored_equals_clock(case)
    assert case.due_on == D(2017, 3, 28)
    with _travel(D(2017, 3, 20)):
        with pytest.raises(
            InputError, match="不处于这一环节"
        ):  # the petitioner cannot ask before the answer
            case_step_record(user=bob, case=case, step=Step.REVIEW_REQUEST, on=D(2017, 3, 20))
        case_step_record(user=bob, case=case, step=Step.REPLY, on=D(2017, 3, 20))
    _stored_equals_clock(case)
    assert case.replied_in_time and case.due_step == Step.REVIEW_REQUEST
    with (
        _travel(D(2017, 5, 1)),
        pytest.raises(InputError, match="申请期限已于 2017-04-19 届满") as late,
    ):
        case_step_record(user=bob, case=case, step=Step.REVIEW_REQUEST, on=D(2017, 5, 1))
    assert "2017-04-19" in late.value.message
    assert [e.kind for e in CaseEvent.objects.filter(case=case)] == [
        "registered",
        "routed",
        "accepted",
        "extended",
        "reply",
    ]


def test_an_answer_after_its_deadline_is_recorded_as_late(city, case):
    xena = city.users["xena"]
    with _travel(D(2016, 12, 22)):
        case_decide(user=xena, case=case, accepted=True, on=D(2016, 12, 22))
    with _travel(D(2017, 3, 1)):
        case_step_record(user=xena, case=case, step=Step.REPLY, on=D(2017, 3, 1))
    case.refresh_from_db()
    assert case.replied_in_time is False


def test_only_those_who_handle_the_case_may_change_it(city, case):
    for who in ["lee", "sue", "alice", "dora", "dan", "nobody"]:
        with (
            _travel(D(2016, 12, 22)),
            pytest.raises(PermissionDenied, match="您无权在此执行该操作"),
        ):
            case_decide(user=city.users[who], case=case, accepted=True, on=D(2016, 12, 22))
    case.refresh_from_db()
    assert case.decided_on is None


def test_a_district_cannot_route_a_case_outside_its_area(city, case):
    with _travel(D(2016, 12, 22)):
        case_route(user=city.users["xena"], case=case, unit=city.jinshui, on=D(2016, 12, 22))
        with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
            case_route(user=city.users["bob"], case=case, unit=city.erqi_one, on=D(2016, 12, 22))
        case_route(user=city.users["bob"], case=case, unit=city.jinshui_one, on=D(2016, 12, 22))
    case.refresh_from_db()
    assert case.responsible_unit == city.jinshui_one
