"""What plausibility rules compare a report with: the unit's own history and size."""

from __future__ import annotations

from decimal import Decimal

from eduplan.core.periods import period_from_code
from eduplan.reporting.definitions import FormDefinition
from eduplan.reporting.models import DataValue, Status, Submission


def context_numbers(submission: Submission, definition: FormDefinition) -> dict[str, Decimal]:
    """The unit's figures that plausibility rules compare with: `previous_<code>` from
    its report of the previous period, `reported_<code>` its latest reported value of
    that element in any form (drafts and returned reports do not count)."""
    names = set().union(*(rule.context_names for rule in definition.rules))
    if not names:
        return {}
    counted = [Status.SUBMITTED, Status.APPROVED]
    found: dict[str, Decimal] = {}
    previous = {n.removeprefix("previous_") for n in names if n.startswith("previous_")}
    if previous:
        rows = DataValue.objects.filter(
            submission__form_id=submission.form_id,
            submission__org_unit_id=submission.org_unit_id,
            submission__subject=submission.subject,
            submission__status__in=counted,
            period=period_from_code(submission.period).previous().code,
            element__code__in=previous,
            number__isnull=False,
        ).values_list("element__code", "number")
        found |= {f"previous_{code}": n for code, n in rows if n is not None}
    reported = {n.removeprefix("reported_") for n in names if n.startswith("reported_")}
    if reported:
        rows = (
            DataValue.objects.filter(
                org_unit_id=submission.org_unit_id,
                submission__status__in=counted,
                element__code__in=reported,
                number__isnull=False,
            )
            .exclude(submission_id=submission.pk)
            .order_by("submission__submitted_at")
            .values_list("element__code", "number")
        )
        found |= {f"reported_{code}": n for code, n in rows if n is not None}  # latest wins
    return found
