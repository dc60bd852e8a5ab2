"""Writes to the class-size census."""

from __future__ import annotations

from django.utils.translation import gettext as _

from eduplan.construction.models import SchoolClass
from eduplan.core.errors import InputError
from eduplan.org.access import Action, User, require

PUPILS_MIN, PUPILS_MAX = 1, 150


def school_class_set_pupils(*, user: User, school_class: SchoolClass, pupils: int) -> SchoolClass:
    """Change a class's enrolment, if the user may change the school's data."""
    require(user, Action.UNIT_DATA_CHANGE, school_class)
    if not PUPILS_MIN <= pupils <= PUPILS_MAX:
        raise InputError(
            _("pupils must be between %(low)s and %(high)s")
            % {"low": PUPILS_MIN, "high": PUPILS_MAX},
            where=str(school_class),
        )
    school_class.pupils = pupils
    school_class.save(update_fields=["pupils"])
    return school_class
