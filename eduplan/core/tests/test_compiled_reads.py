"""A read compiled once per connection answers as its queryset does, for any values, and
sees every change: only the SQL is kept, never a row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext

from eduplan.api.auth import api_token_create, api_token_user
from eduplan.core.compiled_reads import CompiledRead
from eduplan.org.access import membership_of, scope_of
from eduplan.org.models import Membership, OrgUnit, Role, UnitType
from eduplan.org.tests.factories import OrgUnitFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def _units(code: str, depth: int) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.select_related("parent")
        .annotate(children_count=Count("children"))
        .filter(code=code, depth=depth)
        .order_by("pk")[:1]
    )


UNITS = CompiledRead(OrgUnit, _units, code=str, depth=int)


def test_a_compiled_read_answers_as_its_queryset_for_each_value(monkeypatch):
    city = OrgUnitFactory(code="C1", name="市", type=UnitType.BUREAU)
    district = OrgUnitFactory(code="D1", name="区", type=UnitType.DISTRICT, parent=city)
    OrgUnitFactory(code="S1", name="校", type=UnitType.PRIMARY, parent=district)
    compiled = []
    monkeypatch.setattr(UNITS, "_compiled", type(UNITS._compiled)())
    real = UNITS._compile
    monkeypatch.setattr(UNITS, "_compile", lambda alias: compiled.append(alias) or real(alias))
    for code, depth in [("C1", 0), ("D1", 1), ("S1", 2), ("D1", 2), ("X", 1)]:
        expected = _units(code, depth).first()
        with CaptureQueriesContext(connection) as queries:
            found = UNITS.first(code=code, depth=depth)
        assert len(queries) == 1
        if expected is None:
            assert found is None
            continue
        assert found is not None and (found.pk, found.name) == (expected.pk, expected.name)
        assert found.children_count == expected.children_count  # the annotation
        with CaptureQueriesContext(connection) as queries:  # select_related: no query
            assert found.parent == expected.parent
        assert len(queries) == 0
    assert len(compiled) == 1  # compiled once, run five times
    district.name = "新区"
    district.save()
    found = UNITS.first(code="D1", depth=1)
    assert found is not None and found.name == "新区"  # rows are read, never kept


def test_a_token_brings_its_users_membership_or_none_without_another_query():
    city = OrgUnitFactory(code="C1", name="市", type=UnitType.BUREAU)
    member = user_with_role("member", Role.LEADER, city)
    outsider = UserFactory(username="outsider")
    for user, scope in [(member, city), (outsider, None)]:
        key = api_token_create(user=user, name="t")[1]
        found = api_token_user(key=key)
        assert found is not None and found.pk == user.pk
        with CaptureQueriesContext(connection) as queries:
            membership, unit = membership_of(found), scope_of(found)
        assert len(queries) == 0
        assert unit == scope
        assert (membership is None) == (scope is None)
    # A membership changed since is seen at the next request: nothing is kept.
    Membership.objects.filter(user=member).delete()
    key = api_token_create(user=member, name="t2")[1]
    found = api_token_user(key=key)
    assert found is not None and membership_of(found) is None


def test_a_compiled_read_works_out_its_value_conversions_once_and_converts_each_row():
    """How a column's value becomes Python's (a token's expiry: a date and time, read from
    text on SQLite) is worked out when the read is compiled, not again for every run."""
    from django.db.models.sql.compiler import SQLCompiler

    member = user_with_role("member", Role.LEADER, OrgUnitFactory(code="C1", name="市"))
    token, key = api_token_create(user=member, name="t")
    api_token_user(key=key)  # compiled on this connection
    worked_out = []
    real = SQLCompiler.get_converters

    def counted(self, expressions):
        worked_out.append(len(expressions))
        return real(self, expressions)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SQLCompiler, "get_converters", counted)
        for _ in range(3):
            found = api_token_user(key=key)
            assert found is not None and found.pk == member.pk
    assert worked_out == []
    from eduplan.api.auth import _TOKEN_BY_HASH

    read = _TOKEN_BY_HASH.first(key_hash=token.key_hash)
    assert read is not None and read.expires == token.expires  # a datetime, as stored
