"""A school's class census: Alice may read and correct her school's, nobody else's."""

from __future__ import annotations

import pytest

from eduplan.construction.models import SchoolClass
from eduplan.construction.selectors import class_census_summary
from eduplan.construction.services import school_class_set_pupils
from eduplan.core.errors import InputError


@pytest.fixture
def classes(city):
    rows = [
        SchoolClass(school=city.jinshui_one, school_year=2016, grade=1, number=1, pupils=45),
        SchoolClass(school=city.jinshui_one, school_year=2016, grade=1, number=2, pupils=58),
        SchoolClass(school=city.jinshui_two, school_year=2016, grade=1, number=1, pupils=70),
        SchoolClass(school=city.erqi_one, school_year=2016, grade=1, number=1, pupils=66),
        SchoolClass(school=city.erqi_one, school_year=2013, grade=1, number=1, pupils=65),
    ]
    return {
        f"{c.school.code}/{c.school_year}/{c.number}": c
        for c in SchoolClass.objects.bulk_create(rows)
    }


def test_census_counts_large_and_oversized_classes_over_a_subtree(
    city, classes, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = {r["school_year"]: r for r in class_census_summary(unit=city.root)}
    assert rows[2016]["classes"] == 4
    assert rows[2016]["pupil_total"] == 45 + 58 + 70 + 66
    assert rows[2016]["large"] == 1  # 58; 56–65 only by default
    assert rows[2016]["huge"] == 2  # 70 and 66
    assert rows[2013]["large"] == 1  # 65 is still 大班额


def test_large_classes_may_include_oversized_ones_by_setting(city, classes, settings):
    settings.EDUPLAN_LARGE_CLASS_INCLUDES_HUGE = True
    rows = {r["school_year"]: r for r in class_census_summary(unit=city.root)}
    assert rows[2016]["large"] == 3


@pytest.mark.parametrize(
    ("who", "school", "status"),
    [
        ("alice", "410105-P1", 200),
        ("alice", "410105-P2", 403),
        ("alice", "410103-P1", 403),
        ("bob", "410105-P2", 200),
        ("bob", "410103-P1", 403),
        ("charlie", "410105-P1", 403),
    ],
)
def test_class_list_is_scoped(client, city, classes, who, school, status):
    client.force_login(city.users[who])
    assert client.get(f"/units/{school}/classes/").status_code == status


def test_alice_corrects_a_class_in_her_school(client, city, classes):
    target = classes["410105-P1/2016/2"]
    client.force_login(city.users["alice"])
    response = client.post(f"/classes/{target.pk}/edit/", {"pupils": "55"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.pupils == 55


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("alice", "410105-P2/2016/1"),
        ("alice", "410103-P1/2016/1"),
        ("bob", "410103-P1/2016/1"),
        ("lee", "410105-P1/2016/1"),
        ("sue", "410105-P1/2016/1"),
    ],
)
def test_nobody_changes_a_class_outside_their_scope_or_role(client, city, classes, who, key):
    target = classes[key]
    before = target.pupils
    client.force_login(city.users[who])
    assert client.get(f"/classes/{target.pk}/edit/").status_code == 403
    assert client.post(f"/classes/{target.pk}/edit/", {"pupils": "20"}).status_code == 403
    target.refresh_from_db()
    assert target.pupils == before


def test_an_enrolment_out_of_range_is_refused_with_a_message_and_nothing_changes(
    client, city, classes
):
    target = classes["410105-P1/2016/1"]
    client.force_login(city.users["alice"])
    response = client.post(f"/classes/{target.pk}/edit/", {"pupils": "400"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    target.refresh_from_db()
    assert target.pupils == 45


def test_the_service_itself_refuses_out_of_range_and_out_of_scope(city, classes):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(InputError):
        school_class_set_pupils(
            user=city.users["alice"], school_class=classes["410105-P1/2016/1"], pupils=0
        )
    with pytest.raises(PermissionDenied):
        school_class_set_pupils(
            user=city.users["alice"], school_class=classes["410105-P2/2016/1"], pupils=40
        )
