"""Project 9's figures from the register: answered in time, backlog resolved, repeat
rate, per district, summed up the tree."""

from __future__ import annotations

import datetime

import time_machine

from eduplan.indicators.aggregation import metric_value
from eduplan.petitions.clock import Step
from eduplan.petitions.models import BacklogCase
from eduplan.petitions.services import PetitionerIn, case_decide, case_step_record
from eduplan.petitions.tests.conftest import ID_NUMBER, register

D = datetime.date
YEAR = {"start": D(2017, 1, 1), "end": D(2017, 12, 31)}


def _on(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(2)), tick=False)


def test_answered_in_time_backlog_resolved_and_repeat_rate_per_district(city, office):
    xena = city.users["xena"]
    with _on(D(2017, 1, 2)):
        late = register(city, received_on=D(2017, 1, 2))
        prompt = register(city, received_on=D(2017, 1, 2), petitioners=[PetitionerIn("李四")])
        again = register(
            city, received_on=D(2017, 1, 2), petitioners=[PetitionerIn("王", ID_NUMBER)]
        )
        other = register(
            city,
            received_on=D(2017, 1, 2),
            concerned_unit=city.erqi_one,
            petitioners=[PetitionerIn("赵")],
        )
        for case in (late, prompt, other):
            case_decide(user=xena, case=case, accepted=True, on=D(2017, 1, 2))
    with _on(D(2017, 2, 1)):
        case_step_record(user=xena, case=prompt, step=Step.REPLY, on=D(2017, 2, 1))
        case_step_record(user=xena, case=other, step=Step.REPLY, on=D(2017, 2, 1))
    with _on(D(2017, 3, 20)):
        case_step_record(user=xena, case=late, step=Step.REPLY, on=D(2017, 3, 20))
    BacklogCase.objects.create(
        case=late, lead_official="张", listed_on=D(2017, 1, 5), resolved_on=D(2017, 4, 1)
    )

    in_time = metric_value(key="petitions.answered_in_time", unit=city.jinshui, **YEAR)
    assert (in_time.num, in_time.den) == (1, 2)
    city_wide = metric_value(key="petitions.answered_in_time", unit=city.root, **YEAR)
    assert (city_wide.num, city_wide.den) == (2, 3)
    repeat = metric_value(key="petitions.repeat_rate", unit=city.jinshui, **YEAR)
    assert (repeat.num, repeat.den) == (1, 3) and again.links.count() == 1
    resolved = metric_value(key="petitions.backlog_resolved", unit=city.jinshui, **YEAR)
    assert resolved.num == 1
    assert metric_value(key="petitions.backlog_resolved", unit=city.erqi, **YEAR).num == 0
