"""What the value-added pages and their workbooks show, as plain rows (no queries in
templates): schools by code, each model's figure with its interval or, below the minimum
cohort, nothing but the count of pupils."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.org.models import OrgUnit
from eduplan.valueadded import estimators as est
from eduplan.valueadded.figures import (
    INTAKE_BANDS,
    POOLED,
    Figure,
    Fits,
    Model,
    cohorts_available,
    fits_for,
    high_schools,
    minimum_pupils,
    subject_figures,
)

ASSUMPTIONS = {
    Model.BAND: gettext_lazy(
        "Pupils are grouped in twenty bands of Zhongkao total within their cohort; a pupil is "
        "expected to reach the city mean of the band. Assumes pupils in one band are alike in "
        "what they bring; the school's figure is the mean of its pupils' differences, with a "
        "95 per cent interval from the pupils' spread within schools."
    ),
    Model.REGRESSION: gettext_lazy(
        "The Gaokao total is regressed on the Zhongkao total (linear and squared) and one "
        "contextual factor, economically disadvantaged families, one fit per cohort. Assumes "
        "the relation is the same in every school and the residuals are independent with equal "
        "spread; the contextual factor is a choice: it credits schools for intakes the factor "
        "describes. The figure is the school's mean residual with its 95 per cent interval."
    ),
    Model.MULTILEVEL: gettext_lazy(
        "Pupils within schools: a random intercept per school, normally distributed, with "
        "variances estimated by the method of moments and coefficients by generalised least "
        "squares. Each school's figure is shrunk towards the city mean by its reliability "
        "(small schools more), so it is less extreme; the 95 per cent interval is the "
        "posterior one."
    ),
}
NOT_A_RANKING = gettext_lazy(
    "Value-added is a diagnosis for the school and its supervisors, never a ranking: "
    "schools are listed by code, figures are shown with their intervals, and none is shown "
    "for fewer than %(min)s pupils."
)
BAND_LABELS = [
    gettext_lazy("Lowest fifth of intake"),
    gettext_lazy("Second fifth"),
    gettext_lazy("Middle fifth"),
    gettext_lazy("Fourth fifth"),
    gettext_lazy("Highest fifth of intake"),
]
assert len(BAND_LABELS) == INTAKE_BANDS


def selection_label(selection: int) -> str:
    return (
        _("Three cohorts pooled")
        if selection == POOLED
        else _("Cohort %(year)s") % {"year": selection}
    )


def selections() -> list[tuple[int, str]]:
    """The cohorts with records, then the pooling of the latest three."""
    available = cohorts_available()
    out = [(year, selection_label(year)) for year in available]
    if len(available) > 1:
        out.append((POOLED, selection_label(POOLED)))
    return out


def selection_from(text: str | None) -> int:
    """The selection asked for (?cohort=), else the pooled three (else the latest)."""
    choices = [s for s, _label in selections()]
    if text is not None and text.lstrip("-").isdigit() and int(text) in choices:
        return int(text)
    return POOLED if POOLED in choices else (choices[-1] if choices else POOLED)


@dataclass(frozen=True)
class SchoolRow:
    school: OrgUnit
    figures: list[Figure]  # one per Model, in Model order

    @property
    def pupils(self) -> int:
        return max((f.pupils for f in self.figures), default=0)


def city_rows(fits: Fits | None) -> list[SchoolRow]:
    """Every high school by code with each model's figure (none without records)."""
    rows = []
    for school in high_schools():
        figures = (
            [fits.figure(m, school.pk) for m in Model]
            if fits is not None
            else [Figure(pupils=0) for _m in Model]
        )
        rows.append(SchoolRow(school, figures))
    return rows


def funnel_chart(fits: Fits, rows: list[SchoolRow]) -> dict[str, Any]:
    """Regression value-added against pupils, with 95% and 99.8% limits around zero; only
    schools at or above the minimum cohort are drawn."""
    fit = fits.by_model[Model.REGRESSION]
    points = [
        {"name": r.school.name, "value": [r.figures[1].pupils, r.figures[1].effect]}
        for r in rows
        if r.figures[1].shown
    ]
    top = max([int(fit.effects.n.max()) if len(fit.effects.n) else 0, minimum_pupils() + 1])
    sizes = np.linspace(minimum_pupils(), top * 1.05, 60)
    limits = est.funnel_limits(fit.effects.sigma, sizes)

    def line(values: np.ndarray) -> list[list[float]]:
        return [
            [round(float(n), 1), round(float(v), 2)] for n, v in zip(sizes, values, strict=True)
        ]

    return {
        "points": points,
        "inner": [line(limits["inner"]), line(-limits["inner"])],
        "outer": [line(limits["outer"]), line(-limits["outer"])],
        "labels": {
            "x": _("Pupils"),
            "y": _("Value-added (points)"),
            "points": _("Schools"),
            "inner": _("Limits at 95 per cent"),
            "outer": _("Limits at 99.8 per cent"),
        },
    }


def context_note(fits: Fits) -> str:
    """The contextual factor's coefficient (latest cohort's fit), stated as a choice."""
    coef = fits.by_model[Model.REGRESSION].coefficients
    per_cohort = len(coef) // max(len(fits.loaded.cohorts), 1)
    value = float(coef[per_cohort - 1 :: per_cohort][-1]) if per_cohort else 0.0
    return _(
        "Contextual factor in the regression: economically disadvantaged family, "
        "%(value)s points (latest cohort)."
    ) % {"value": f"{value:+.1f}"}


@dataclass(frozen=True)
class SchoolYear:
    selection: int
    label: str
    figures: list[Figure]  # one per Model


def school_years(school: OrgUnit) -> tuple[list[SchoolYear], Fits | None]:
    """The school's figures per cohort and pooled, and the pooled fits."""
    out: list[SchoolYear] = []
    latest: Fits | None = None
    for selection, label in selections():
        fits = fits_for(selection)
        figures = (
            [fits.figure(m, school.pk) for m in Model]
            if fits
            else [Figure(pupils=0) for _m in Model]
        )
        out.append(SchoolYear(selection, label, figures))
        latest = fits  # the pooled three come last, when there are several cohorts
    return out, latest


def interval_chart(years: list[SchoolYear]) -> dict[str, Any]:
    """Each model's figure and interval by cohort (None where withheld)."""
    series = []
    for i, model in enumerate(Model):
        series.append(
            {
                "name": model.label,
                "data": [[y.label, y.figures[i].effect] for y in years],
                "low": [y.figures[i].low for y in years],
                "high": [y.figures[i].high for y in years],
            }
        )
    return {
        "categories": [y.label for y in years],
        "series": series,
        "labels": {"y": _("Value-added (points)")},
    }


def subjects_of(fits: Fits | None, school: OrgUnit) -> list[tuple[str, str, Figure]]:
    return subject_figures(fits, school.pk) if fits is not None else []


def bands_of(fits: Fits | None, school: OrgUnit) -> list[tuple[str, Figure]]:
    if fits is None:
        return []
    return [(str(label), f) for label, f in zip(BAND_LABELS, fits.by_band(school.pk), strict=True)]


def figure_cells(f: Figure) -> list[Any]:
    """A figure as workbook cells: pupils, value-added, low, high (blank when withheld)."""
    return [f.pupils, f.effect, f.low, f.high]


def figure_header(prefix: str) -> list[str]:
    return [
        f"{prefix} {_('Pupils')}",
        f"{prefix} {_('Value-added')}",
        f"{prefix} {_('Low end, 95 per cent')}",
        f"{prefix} {_('High end, 95 per cent')}",
    ]
