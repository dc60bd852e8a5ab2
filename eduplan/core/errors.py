"""The one error type every loader and service raises for bad input, and the readers of
values every loader shares."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _


class InputError(Exception):
    """Bad input, refused: the message says what is wrong and where."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


def date_from(value: Any, *, where: str) -> datetime.date:
    """A date given as a date or as YYYY-MM-DD text; refused with its place otherwise."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            _("not a date (YYYY-MM-DD): %(value)s") % {"value": value}, where=where
        ) from None
