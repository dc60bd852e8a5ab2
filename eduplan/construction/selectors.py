"""Reads of the class-size census, aggregated over a subtree in the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from eduplan.construction.models import SchoolClass
from eduplan.core.tables import Table
from eduplan.org.models import SCHOOL_TYPES, OrgUnit


def large_class_filter() -> Q:
    """大班额 as the targets count it: 56–65 by default, or 56 and more (a setting)."""
    low = settings.EDUPLAN_LARGE_CLASS_MIN
    if settings.EDUPLAN_LARGE_CLASS_INCLUDES_HUGE:
        return Q(pupils__gte=low)
    return Q(pupils__gte=low, pupils__lt=settings.EDUPLAN_HUGE_CLASS_MIN)


def huge_class_filter() -> Q:
    """特大班额: 66 pupils or more by default."""
    return Q(pupils__gte=settings.EDUPLAN_HUGE_CLASS_MIN)


def _census_counts() -> dict[str, Any]:
    """What the census pages count over a group of classes (the same for a subtree and
    for each school), so that every page and check counts 大班额 alike."""
    return {
        "classes": Count("pk"),
        "pupil_total": Sum("pupils"),
        "average": Avg("pupils"),
        "large": Count("pk", filter=large_class_filter()),
        "huge": Count("pk", filter=huge_class_filter()),
    }


def class_census_summary(*, unit: OrgUnit) -> list[dict[str, Any]]:
    """Per school year under the unit: classes, pupils, average size, 大班额 and 特大班额."""
    # One school: its own rows by key, not a scan of every class under a path.
    classes = (
        SchoolClass.objects.filter(school=unit)
        if unit.type in SCHOOL_TYPES
        else SchoolClass.objects.filter(school__path__startswith=unit.path)
    )
    rows = classes.values("school_year").annotate(**_census_counts()).order_by("school_year")
    return [dict(row) for row in rows]


def class_census_by_school() -> dict[tuple[int, int], dict[str, Any]]:
    """Every school's census by (school id, school year), counted as `class_census_summary`
    counts one school, plus `large_band`: the 大班额 band alone (56–65 by default, whatever
    the targets count), as the class-size form asks for it. One grouped query."""
    rows = (
        SchoolClass.objects.values("school_id", "school_year")
        .annotate(
            **_census_counts(),
            large_band=Count("pk", filter=large_class_filter() & ~huge_class_filter()),
        )
        .order_by()
    )
    return {(row["school_id"], row["school_year"]): dict(row) for row in rows}


def school_classes(*, school: OrgUnit, school_year: int | None = None) -> QuerySet[SchoolClass]:
    """A school's classes for one school year (the latest when none is given)."""
    qs = SchoolClass.objects.filter(school=school)
    if school_year is None:
        latest = qs.order_by("-school_year").values_list("school_year", flat=True).first()
        if latest is None:
            return qs.none()
        school_year = latest
    return qs.filter(school_year=school_year).order_by("grade", "number")


def classes_table(*, school: OrgUnit, classes: list[SchoolClass]) -> Table:
    """A school's classes of one school year as a table of plain values, titled as the
    page is (the year is in the title, as on the page)."""
    title = f"{school.name} · {_('Classes')}"
    if classes:
        title += f" · {classes[0].school_year}"
    return Table(
        id="classes",
        title=title,
        header=[_("Grade"), _("Class"), _("Pupils")],
        rows=[[c.grade, c.number, c.pupils] for c in classes],
    )


def school_census_years(*, school: OrgUnit) -> list[int]:
    """The school years the school has classes in, latest first."""
    years = SchoolClass.objects.filter(school=school).values_list("school_year", flat=True)
    return sorted(set(years), reverse=True)
