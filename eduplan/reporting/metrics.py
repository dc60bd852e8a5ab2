"""Metrics the reporting module provides: every element of every form (`form.<code>`),
shares between two elements of the same report (`form.<a>/<b>`), and the plan's named
figures built on them.

Only approved reports count (EDUPLAN_FIGURES_INCLUDE_SUBMITTED adds submitted ones), so
an approval shows in every figure at once.

The reports themselves are counted too, per form (`reports.expected.<form>`: reports
due and how many arrived; `reports.done.<form>`: of those arrived, how many on time and
how many approved), so that the figures store keeps who has reported by unit and period
current: a dashboard reads a few roll-up rows instead of every school's reports. Each
form's have their own marks (the provider `reports:<form>`), apart from the values': a
report approved re-reads its form's two, and a period opened for every school rebuilds
that period of them and leaves the forms' figures alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy
from django_stubs_ext import WithAnnotations

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, Rows, register, register_family
from eduplan.org.models import Ownership
from eduplan.reporting.models import (
    DONE,
    DataElement,
    DataValue,
    ExpectedReport,
    Form,
    Status,
    Submission,
    submissions_of_report_due,
)

NUMBER = DecimalField(max_digits=20, decimal_places=4)
ONE, ZERO = Value(1, output_field=NUMBER), Value(0, output_field=NUMBER)
DUE_PROVIDER = "reports"  # the reports' own metrics (reports due and done), by form


def due_provider(form_code: str) -> str:
    """Whose marks move a form's reports due and done: that form's reports only."""
    return f"{DUE_PROVIDER}:{form_code}"


def _due_key_provider(key: str) -> str:
    return due_provider(key.split(".", 2)[-1])


def _report_provider(report: ExpectedReport | Submission) -> str:
    return due_provider(report.form.code)


def counted_statuses() -> list[str]:
    if settings.EDUPLAN_FIGURES_INCLUDE_SUBMITTED:
        return [Status.APPROVED, Status.SUBMITTED]
    return [Status.APPROVED]


def element_rows(code: str, **filters: Any) -> Callable[[list[str]], QuerySet[DataValue]]:
    def rows(periods: list[str]) -> QuerySet[DataValue]:
        return DataValue.objects.filter(
            element__code=code,
            period__in=periods,
            number__isnull=False,
            submission__status__in=counted_statuses(),
            **filters,
        ).annotate(
            unit_path=F("org_unit__path"), num=F("number"), den=Value(1, output_field=NUMBER)
        )

    return rows


def share_rows(top: str, bottom: str) -> Rows:
    def rows(periods: list[str]) -> QuerySet[Any]:
        denominator = DataValue.objects.filter(
            submission=OuterRef("submission"), element__code=bottom
        ).values("number")[:1]
        return element_rows(top)(periods).annotate(den=Subquery(denominator, output_field=NUMBER))

    return rows


def _element_metric(key: str) -> Metric | None:
    spec = key.removeprefix("form.")
    top, _, bottom = spec.partition("/")
    element = DataElement.objects.filter(code=top).first()
    if element is None:
        return None
    kind = element.period_type
    if bottom:
        if not DataElement.objects.filter(code=bottom).exists():
            return None
        return Metric(
            key=key,
            name=element.name,
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type=kind,
            rows=share_rows(top, bottom),
            provider="reporting",
        )
    over_units = OverUnits.AVERAGE if element.aggregation == "average" else OverUnits.SUM
    return Metric(
        key=key,
        name=element.name,
        unit=element.unit or ("个" if element.value_type == "boolean" else ""),
        over_units=over_units,
        over_time=OverTime(element.over_time),
        period_type=kind,
        rows=element_rows(top),
        provider="reporting",
    )


class DueAnnotation(TypedDict):
    due: datetime.date


def done_reports(**filters: Any) -> QuerySet[WithAnnotations[Submission, DueAnnotation]]:
    """Submitted or approved reports that were expected, with their due date (joined to
    their unit's report due of the same form, period and subject: one at most)."""
    expected = FilteredRelation(
        "org_unit__expected_reports",
        condition=Q(
            org_unit__expected_reports__form=F("form"),
            org_unit__expected_reports__period=F("period"),
            org_unit__expected_reports__subject=F("subject"),
        ),
    )
    return (
        Submission.objects.filter(status__in=DONE, **filters)
        .annotate(expected=expected)
        .annotate(due=F("expected__due_on"))
        .filter(due__isnull=False)
    )


def _flag(condition: Q | Exists) -> Case:
    return Case(When(condition, then=ONE), default=ZERO, output_field=NUMBER)


def _expected_rows(code: str) -> Rows:
    """Each report due: `num` 1, `den` 1 once it has arrived (submitted or approved)."""

    def rows(periods: list[str]) -> QuerySet[Any]:
        arrived = submissions_of_report_due(DONE)
        return ExpectedReport.objects.filter(form__code=code, period__in=periods).annotate(
            unit_path=F("org_unit__path"), num=ONE, den=_flag(Exists(arrived))
        )

    return rows


def _done_rows(code: str) -> Rows:
    """Each report due that has arrived: `num` 1 when first submitted by its due date,
    `den` 1 once approved."""

    def rows(periods: list[str]) -> QuerySet[Any]:
        return done_reports(form__code=code, period__in=periods).annotate(
            unit_path=F("org_unit__path"),
            num=_flag(Q(first_submitted_at__date__lte=F("due"))),
            den=_flag(Q(status=Status.APPROVED)),
        )

    return rows


def due_metrics(form: Form) -> tuple[Metric, Metric]:
    """The form's reports due (n: due, d: arrived) and arrived (n: on time, d: approved),
    each a count per unit and period of the form."""
    made = []
    for kind, name, rows in (
        ("expected", pgettext_lazy("metric", "Reports due and arrived: {}"), _expected_rows),
        ("done", pgettext_lazy("metric", "Reports on time and approved: {}"), _done_rows),
    ):
        made.append(
            Metric(
                key=f"{DUE_PROVIDER}.{kind}.{form.code}",
                name=format_lazy(name, form.name),
                unit="份",
                over_units=OverUnits.SUM,
                over_time=OverTime.SUM,
                period_type=form.period_type,
                rows=rows(form.code),
                provider=due_provider(form.code),
                absent_is_zero=True,
            )
        )
    return made[0], made[1]


def due_metric_keys() -> list[str]:
    """Every form's reports due and done: what the figures store should hold."""
    return [m.key for form in Form.objects.order_by("code") for m in due_metrics(form)]


def _due_metric(key: str) -> Metric | None:
    _prefix, kind, code = [*key.split(".", 2), "", ""][:3]
    form = Form.objects.filter(code=code).first()
    if form is None or kind not in ("expected", "done"):
        return None
    expected, done = due_metrics(form)
    return expected if kind == "expected" else done


def register_metrics() -> None:
    register_sources()
    register_family("form", _element_metric, provider="reporting")
    register_family(DUE_PROVIDER, _due_metric, provider=_due_key_provider)
    register(
        Metric(
            key="preschool.inclusive_share",
            name=pgettext_lazy("metric", "Inclusive share"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type="term",
            rows=inclusive_rows,
            provider="reporting",
            description=pgettext_lazy(
                "metric",
                "Children in public and inclusive private kindergartens ÷ all children in"
                " kindergarten (counted by children, not by kindergartens)",
            ),
        )
    )
    register(
        Metric(
            key="preschool.gross_enrolment",
            name=pgettext_lazy("metric", "Gross preschool enrolment (three years)"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type="term",
            rows=None,
            provider="reporting",
            ratio_of=("form.kg_children", "form.pop_3_5"),
            description=pgettext_lazy("metric", "Children in kindergarten ÷ children aged 3–5"),
        )
    )
    register(
        Metric(
            key="preschool.private_inclusive",
            name=pgettext_lazy("metric", "Inclusive private kindergartens"),
            unit="所",
            over_units=OverUnits.SUM,
            over_time=OverTime.LATEST,
            period_type="term",
            rows=element_rows("kg_inclusive", org_unit__ownership=Ownership.PRIVATE),
            provider="reporting",
        )
    )


def inclusive_rows(periods: list[str]) -> QuerySet[Any]:
    """Children (numerator only where the kindergarten is 普惠) over all children."""
    flag = DataValue.objects.filter(
        submission=OuterRef("submission"), element__code="kg_inclusive"
    ).values("number")[:1]
    return (
        element_rows("kg_children")(periods)
        .annotate(flag=Subquery(flag, output_field=NUMBER))
        .annotate(num=F("number") * F("flag"), den=F("number"))
    )


def _counts(submission: Submission) -> bool:
    """A draft never counts, nor a submitted report unless submitted ones are counted (no
    transition leads from a counted status back to these)."""
    return submission.status in counted_statuses() or submission.status not in (
        Status.DRAFT,
        Status.SUBMITTED,
    )


def register_sources() -> None:
    """Values count for their unit once their report counts (marked for the store)."""
    register_source(DataValue, lambda v: [v.org_unit_id])
    register_source(Submission, lambda s: [s.org_unit_id], counts=_counts)
    # The reports due and done: a report arrives, is approved or returned (not a draft).
    register_source(ExpectedReport, lambda e: [e.org_unit_id], provider=_report_provider)
    register_source(
        Submission,
        lambda s: [s.org_unit_id],
        counts=lambda s: s.status != Status.DRAFT,
        provider=_report_provider,
    )
