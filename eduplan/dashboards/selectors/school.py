"""A school's page: its reports due and returned, its class census over the years and its
approved figures per form and period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypedDict

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.construction.selectors import class_census_summary
from eduplan.core.periods import period_from_code
from eduplan.core.tables import Table, number
from eduplan.dashboards.charts import Chart, Series
from eduplan.org.access import User, membership_of, scope_of
from eduplan.org.models import SCHOOL_TYPES, OrgUnit, Role
from eduplan.reporting.models import DataValue, ExpectedReport, Submission
from eduplan.reporting.models import Status as ReportStatus


class ReportDue(TypedDict):
    """A report the school must make, its submission (if any) and where it stands."""

    expected: ExpectedReport
    submission: Submission | None
    state: str  # the submission's status, or "missing"
    overdue: bool


@dataclass
class SchoolPage:
    """A school's page. Its reports due and returned are read on every request (a draft
    saved moves them, and moves no stamp); its census and approved figures, the same
    for every reader, are built on first use: the page keeps their markup per change
    of the figures."""

    unit: OrgUnit
    due: list[ReportDue]
    returned: list[Submission]

    @cached_property
    def census(self) -> list[dict[str, Any]]:
        return class_census_summary(unit=self.unit)

    @cached_property
    def figures(self) -> list[Table]:
        return _school_figures(self.unit)

    @cached_property
    def charts(self) -> list[Chart]:
        census = self.census
        if not census:
            return []
        return [
            Chart(
                id="census",
                title=_("Classes by school year"),
                kind="bar",
                categories=[str(r["school_year"]) for r in census],
                series=[
                    Series(_("Classes"), [r["classes"] for r in census], "bar"),
                    Series(_("Large classes (56–65)"), [r["large"] for r in census], "bar"),
                    Series(_("Very large classes (66+)"), [r["huge"] for r in census], "bar"),
                    Series(
                        _("Average class size"),
                        [number(r["average"], 1) for r in census],
                        "actual",
                    ),
                ],
                category_title=_("School year"),
            )
        ]

    def charts_json(self) -> list[dict[str, Any]]:
        return [c.as_json() for c in self.charts]

    def tables(self) -> list[Table]:
        """The page's workbooks (built when one is asked for)."""
        due = Table(
            id="due",
            title=_("Reports of %(unit)s") % {"unit": self.unit.name},
            header=[_("Form"), _("Period"), _("Due"), _("Status")],
            rows=[
                [
                    d["expected"].form.name,
                    d["expected"].period,
                    d["expected"].due_on,
                    str(ReportStatus(d["state"]).label) if d["submission"] else _("not started"),
                ]
                for d in self.due
            ],
        )
        return [due, *self.figures, *[c.table() for c in self.charts]]


def school_page_build(*, unit: OrgUnit, today: datetime.date | None = None) -> SchoolPage:
    """A school's reports due and returned, and its figures over time (the view has
    checked the user may see the unit)."""
    if unit.type not in SCHOOL_TYPES:
        raise Http404(_("%(unit)s is not a school or kindergarten.") % {"unit": unit.name})
    today = today or timezone.localdate()
    expected = list(
        ExpectedReport.objects.filter(org_unit=unit)
        .select_related("form")
        .order_by("-due_on", "form__code")[:60]
    )
    subs = {
        (s.form_id, s.period, s.subject): s
        for s in Submission.objects.filter(org_unit=unit)
        .select_related("form")
        .only("pk", "form__code", "form__name", "period", "subject", "status", "returned_reason")
    }
    due: list[ReportDue] = []
    for e in expected:
        sub = subs.get((e.form_id, e.period, e.subject))
        state = sub.status if sub else "missing"
        due.append(
            {
                "expected": e,
                "submission": sub,
                "state": state,
                "overdue": (sub is None and e.due_on < today)
                or (
                    sub is not None
                    and sub.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
                    and e.due_on < today
                ),
            }
        )
    returned = [s for s in subs.values() if s.status == ReportStatus.RETURNED]
    return SchoolPage(unit=unit, due=due, returned=returned)


def _school_figures(unit: OrgUnit) -> list[Table]:
    """The school's approved numeric figures, one table per form, periods as rows (one
    query)."""
    rows = (
        DataValue.objects.filter(
            org_unit=unit, submission__status=ReportStatus.APPROVED, number__isnull=False
        )
        .values_list(
            "submission__form__code",
            "submission__form__name",
            "period",
            "element__code",
            "element__name",
            "number",
        )
        .order_by("submission__form__code", "period", "element_id")
    )
    forms: dict[str, dict[str, Any]] = {}
    for code, name, period, element, element_name, value in rows:
        form = forms.setdefault(code, {"name": name, "elements": {}, "periods": {}})
        form["elements"].setdefault(element, element_name)
        form["periods"].setdefault(period, {})[element] = number(value)
    tables = []
    for code, form in forms.items():
        elements = list(form["elements"])
        tables.append(
            Table(
                id=f"form-{code}",
                title=form["name"],
                header=[_("Period")] + [form["elements"][e] for e in elements],
                rows=[
                    [period_from_code(p).label] + [values.get(e) for e in elements]
                    for p, values in form["periods"].items()
                ],
            )
        )
    return tables


def school_of(user: User) -> OrgUnit | None:
    """A school reporter's school (her scope), whose page she lands on; None for others."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.SCHOOL_REPORTER:
        return None
    scope = scope_of(user)
    return scope if scope is not None and scope.type in SCHOOL_TYPES else None
