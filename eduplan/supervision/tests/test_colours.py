"""Colours: blue as the deadline nears, yellow when behind or overdue, red when still
undone after the yellow deadline; a red month later caught up stays yellow in history."""

from __future__ import annotations

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduplan.supervision.models import Colour, OrderColour, OrderStatus, Rule, SupervisionOrder
from eduplan.supervision.selectors import (
    board_counts,
    board_orders,
    colour_annotation,
    colour_now,
    colour_spans,
    colour_years,
    order_colour_on,
    order_timeline,
)
from eduplan.supervision.services import (
    order_colours_record,
    order_feedback,
    order_review,
    order_sign,
)
from eduplan.supervision.tests.conftest import raise_order

D = datetime.date


def on(day: datetime.date) -> time_machine.travel:
    """Travel to 10:00 Beijing time on `day`."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC), tick=False
    )


def _colours(order, days):
    timeline = order_timeline(order=order)
    return {day: order_colour_on(order=order, day=day, timeline=timeline) for day in days}


def _history(order):
    return [
        (m.strftime("%Y-%m"), c)
        for m, c in OrderColour.objects.filter(order=order).values_list("month", "colour")
    ]


def test_a_signed_order_turns_blue_near_its_deadline_then_yellow_then_red(city):
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)  # due 2016-09-08
        order = order_sign(user=city.users["alice"], order=order)
    expected = {
        D(2016, 8, 31): None,  # not raised yet
        D(2016, 9, 1): Colour.GREEN,
        D(2016, 9, 4): Colour.GREEN,
        D(2016, 9, 5): Colour.BLUE,  # three days before the deadline
        D(2016, 9, 8): Colour.BLUE,
        D(2016, 9, 9): Colour.YELLOW,  # overdue
        D(2016, 9, 15): Colour.YELLOW,
        D(2016, 9, 16): Colour.RED,  # still undone seven days after the deadline
        D(2016, 12, 1): Colour.RED,
    }
    assert _colours(order, expected) == expected
    for day, colour in expected.items():
        if colour is not None:
            assert colour_now(order=order, day=day) == colour


def test_an_order_not_signed_for_in_time_is_behind_schedule_and_yellow(city):
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)
    assert colour_now(order=order, day=D(2016, 9, 3)) == Colour.GREEN
    assert colour_now(order=order, day=D(2016, 9, 4)) == Colour.YELLOW
    with on(D(2016, 9, 5)):
        order_sign(user=city.users["alice"], order=order)
    # Signed late: no longer behind schedule, but near its deadline.
    assert _colours(order, [D(2016, 9, 4), D(2016, 9, 5)]) == {
        D(2016, 9, 4): Colour.YELLOW,
        D(2016, 9, 5): Colour.BLUE,
    }


def test_the_colour_on_any_date_follows_the_orders_history_and_a_late_answer_stays_yellow(city):
    alice = city.users["alice"]
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)
        order_sign(user=alice, order=order)
    with on(D(2016, 9, 20)):
        order = order_feedback(user=alice, order=order, response="已整改")
    assert _colours(order, [D(2016, 9, 19), D(2016, 9, 20)]) == {
        D(2016, 9, 19): Colour.RED,
        D(2016, 9, 20): Colour.YELLOW,  # answered, but after its deadline
    }
    assert colour_now(order=order, day=D(2016, 9, 19)) == Colour.YELLOW  # answered late


def test_an_order_answered_by_its_deadline_is_green_and_one_answered_years_late_is_not(city):
    alice = city.users["alice"]
    with on(D(2016, 9, 1)):
        in_time = raise_order(city.jinshui_one)
        late = raise_order(city.jinshui_one, rule=Rule.REPORT_MISSING)
        order_sign(user=alice, order=in_time)
        order_sign(user=alice, order=late)
    with on(D(2016, 9, 5)):
        in_time = order_feedback(user=alice, order=in_time, response="已整改")
    with on(D(2025, 9, 5)):
        late = order_feedback(user=alice, order=late, response="九年后补报")
    day = D(2026, 1, 1)
    assert colour_now(order=in_time, day=day) == Colour.GREEN
    assert colour_now(order=late, day=day) == Colour.YELLOW
    # The board's colour (a database expression) is the same rule.
    shown = {
        o.pk: o.colour for o in SupervisionOrder.objects.annotate(colour=colour_annotation(day)[0])
    }
    assert shown == {in_time.pk: Colour.GREEN, late.pk: Colour.YELLOW}


def test_a_red_month_later_caught_up_shows_yellow_in_the_history_never_green(city):
    alice = city.users["alice"]
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)
        order_sign(user=alice, order=order)
    with on(D(2016, 9, 30)):
        order_colours_record(at=D(2016, 9, 30))
    with on(D(2016, 10, 31)):
        order_colours_record(at=D(2016, 10, 31))
    assert _history(order) == [("2016-09", Colour.RED), ("2016-10", Colour.RED)]
    with on(D(2016, 11, 3)):
        order_feedback(user=alice, order=order, response="已全部补报")
    assert _history(order) == [
        ("2016-09", Colour.YELLOW),
        ("2016-10", Colour.YELLOW),
        ("2016-11", Colour.YELLOW),  # red on the 1st and 2nd, caught up on the 3rd
    ]
    with on(D(2016, 12, 31)):
        order_colours_record(at=D(2016, 12, 31))
    history = dict(_history(order))
    assert "2016-12" not in history  # answered: the history stops with the answer
    assert all(history[m] == Colour.YELLOW for m in ("2016-09", "2016-10", "2016-11"))
    # Recording again, or the office's review, never turns them green.
    with on(D(2017, 1, 2)):
        order_review(user=city.users["sue"], order=order)
        order_colours_record(at=D(2017, 1, 2))
    assert [c for m, c in _history(order) if m < "2016-12"] == [Colour.YELLOW] * 3


def test_months_the_daily_job_missed_are_filled_in_when_the_order_is_caught_up(city):
    alice = city.users["alice"]
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)
        order_sign(user=alice, order=order)
    with on(D(2016, 11, 3)):
        order_feedback(user=alice, order=order, response="已全部补报")
    assert _history(order) == [
        ("2016-09", Colour.YELLOW),
        ("2016-10", Colour.YELLOW),
        ("2016-11", Colour.YELLOW),
    ]


def test_an_order_answered_in_time_keeps_its_worst_colour_of_the_month(city):
    alice = city.users["alice"]
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)
        order_sign(user=alice, order=order)
    with on(D(2016, 9, 6)):
        order_feedback(user=alice, order=order, response="已按期整改")
    assert _history(order) == [("2016-09", Colour.BLUE)]


def test_the_database_colour_agrees_with_the_rules_in_python(city):
    alice, sue = city.users["alice"], city.users["sue"]
    with on(D(2016, 9, 1)):
        unsigned = raise_order(city.jinshui_one)
        signed = raise_order(city.jinshui_one)
        order_sign(user=alice, order=signed)
        answered = raise_order(city.jinshui_one)
        order_sign(user=alice, order=answered)
        order_feedback(user=alice, order=answered, response="已整改")
        later = raise_order(city.jinshui_one, at=D(2016, 9, 10), respond_days=20)
    orders = [unsigned, signed, answered, later]
    for order in orders:
        order.refresh_from_db()
    for offset in range(0, 45, 2):
        day = D(2016, 9, 1) + datetime.timedelta(days=offset)
        listed = {o.pk: o.colour for o in board_orders(user=sue, day=day, status="all")}
        assert listed == {o.pk: colour_now(order=o, day=day).value for o in orders}, day
    counts = board_counts(user=sue, day=D(2016, 9, 9))
    assert counts == {"green": 2, "blue": 0, "yellow": 2, "red": 0}
    assert answered.status == OrderStatus.RESPONDED


def test_the_colour_thresholds_are_settings(city, settings):
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)
        order_sign(user=city.users["alice"], order=order)
    settings.EDUPLAN_SUPERVISION_BLUE_DAYS = 5
    settings.EDUPLAN_SUPERVISION_RED_DAYS = 1
    assert colour_now(order=order, day=D(2016, 9, 3)) == Colour.BLUE
    assert colour_now(order=order, day=D(2016, 9, 9)) == Colour.YELLOW
    assert colour_now(order=order, day=D(2016, 9, 10)) == Colour.RED


def test_an_orders_history_reads_as_runs_of_one_colour_and_a_year_per_row(city):
    alice = city.users["alice"]
    with on(D(2016, 9, 1)):
        order = raise_order(city.jinshui_one)
        order_sign(user=alice, order=order)
    with on(D(2018, 3, 31)):
        order_colours_record(at=D(2018, 3, 31))
    rows = list(OrderColour.objects.filter(order=order).order_by("month"))
    assert len(rows) == 19  # 2016-09 … 2018-03, each red
    spans = colour_spans(rows)
    assert [(s.first, s.last, s.colour, s.months) for s in spans] == [
        (D(2016, 9, 1), D(2018, 3, 1), Colour.RED, 19)
    ]
    years = colour_years(rows)
    assert [y.year for y in years] == [2016, 2017, 2018]
    assert [c for _m, c in years[0].months] == [None] * 8 + [Colour.RED] * 4
    assert [c for _m, c in years[2].months] == [Colour.RED] * 3 + [None] * 9


def test_the_order_page_shows_the_history_compactly_and_the_assignment_on_its_day(client, city):
    alice = city.users["alice"]
    with on(D(2026, 1, 5)):  # a rules run as of 2016-09-01, made years later
        order = raise_order(city.jinshui_one, at=D(2016, 9, 1))
        order_sign(user=alice, order=order)
    with on(D(2026, 1, 10)):
        order_colours_record(at=D(2026, 1, 10))
        order_feedback(user=alice, order=order, response="九年后补报")
    client.force_login(city.users["sue"])
    with on(D(2026, 1, 11)):
        body = client.get(f"/supervision/orders/{order.pk}/").content.decode()
    history = body[body.index('id="colour-history"') : body.index('id="colour-years"')]
    # 113 months (2016-09 … 2026-01), caught up: one line of yellow, not 113 lines.
    assert history.count("<li") == 1 and 'data-colour="yellow"' in history
    assert body.count('<tr><th scope="row">') == 11  # a row a year, 2016 … 2026
    assert 'data-colour="yellow"' in body[: body.index("<h2")]  # the page's colour: late
    steps = body[body.index('id="order-steps"') :]
    assert "2016-09-01" in steps[: steps.index("</li>")]
    events = body[body.index('id="order-history"') :]
    assign = events[events.index('data-action="assign"') :]
    assert "2016-09-01" in assign[: assign.index("</li>")]


def test_the_order_pages_queries_do_not_grow_with_its_months_of_history(client, city):
    alice = city.users["alice"]
    with on(D(2016, 9, 1)):
        short = raise_order(city.jinshui_one)
        long = raise_order(city.jinshui_one, rule=Rule.REPORT_MISSING)
    with on(D(2016, 11, 30)):
        order_colours_record(at=D(2016, 11, 30))
    with on(D(2025, 6, 30)):
        OrderColour.objects.filter(order=short).delete()  # three months against 106
        order_colours_record(at=D(2025, 6, 30))
        OrderColour.objects.filter(order=short, month__gt=D(2016, 11, 1)).delete()
    assert OrderColour.objects.filter(order=short).count() == 3
    assert OrderColour.objects.filter(order=long).count() == 106
    client.force_login(alice)
    client.get(f"/supervision/orders/{short.pk}/")  # sessions, content types: warmed once

    def queries(order) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/supervision/orders/{order.pk}/").status_code == 200
        return len(captured)

    assert queries(long) == queries(short)
