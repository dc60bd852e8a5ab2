"""`{{ code|period_label }}`: a period as people read it (2016年第6双月), never its code."""

from __future__ import annotations

from django import template

from eduplan.core.periods import PeriodCodeError, period_from_code

register = template.Library()


@register.filter
def period_label(code: str) -> str:
    """The period's label; anything that is not a period code is shown as it is."""
    try:
        return str(period_from_code(str(code)).label)
    except PeriodCodeError:
        return str(code)
