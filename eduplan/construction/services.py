"""Writes to the class-size census."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from eduplan.construction.census import census_subject
from eduplan.construction.models import SchoolClass
from eduplan.core.changes import Change, changes_record
from eduplan.core.errors import InputError
from eduplan.org.access import Action, User, actor_of, require

PUPILS_MIN, PUPILS_MAX = 1, 150


@transaction.atomic
def school_class_set_pupils(*, user: User, school_class: SchoolClass, pupils: int) -> SchoolClass:
    """Change a class's enrolment, if the user may change the school's data."""
    require(user, Action.UNIT_DATA_CHANGE, school_class)
    if not PUPILS_MIN <= pupils <= PUPILS_MAX:
        raise InputError(
            _("pupils must be between %(low)s and %(high)s")
            % {"low": PUPILS_MIN, "high": PUPILS_MAX},
            where=str(school_class),
        )
    old = school_class.pupils
    school_class.pupils = pupils
    school_class.save(update_fields=["pupils"])
    changes_record(
        actor=actor_of(user),
        subject=census_subject(school=school_class.school, school_year=school_class.school_year),
        changes=[Change(f"{school_class.grade}-{school_class.number}", old, pupils)],
    )
    return school_class
