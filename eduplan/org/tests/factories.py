"""Factories for org units and users with a role and scope."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from eduplan.org.models import Membership, OrgUnit, Role, UnitType


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.LazyAttribute(lambda o: f"单位{o.code}")
    type = UnitType.PRIMARY
    parent = None
    path = factory.LazyAttribute(lambda o: OrgUnit.path_for(o.parent, o.code))
    depth = factory.LazyAttribute(lambda o: 0 if o.parent is None else o.parent.depth + 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


def user_with_role(
    username: str,
    role: str,
    scope: OrgUnit | None,
    department: OrgUnit | None = None,
    **extra: Any,
) -> Any:
    """A user with a membership: the role and scope the test names."""
    user = UserFactory(username=username, **extra)
    Membership.objects.create(user=user, role=role, scope=scope, department=department)
    return user


ROLES = [r.value for r in Role]
