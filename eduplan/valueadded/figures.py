"""From the pupils' rows in the database to each school's figures, with the minimum
cohort applied: a figure for fewer pupils than EDUPLAN_VALUEADDED_MIN_PUPILS is never
handed to a page or an export (its value, interval and position are all None).

Schools are always listed by code, never by their value-added.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit
from eduplan.valueadded import estimators as est
from eduplan.valueadded.models import HIGH_SCHOOL_TYPES, Pupil
from eduplan.valueadded.subjects import OUTCOME_SUBJECTS

# Expectations in model (a) use fine bands (ventiles), so little of a school's intake is
# left inside a band; differential effectiveness is shown by quintile of intake.
EXPECTATION_BANDS = 20
INTAKE_BANDS = 5
POOLED = 0  # the cohort "number" of the three-year pooling


class Model(enum.StrEnum):
    BAND = "band"
    REGRESSION = "regression"
    MULTILEVEL = "multilevel"

    @property
    def label(self) -> str:
        return str(MODEL_LABELS[self])


MODEL_LABELS = {
    Model.BAND: _("Band expectation"),
    Model.REGRESSION: _("Regression on prior attainment"),
    Model.MULTILEVEL: _("Two-level model with shrinkage"),
}


def minimum_pupils() -> int:
    return int(settings.EDUPLAN_VALUEADDED_MIN_PUPILS)


@dataclass(frozen=True)
class Figure:
    """One school's value-added in points of the outcome, with its 95% interval; None
    throughout when the pupils are fewer than the minimum (`shown` is then False)."""

    pupils: int
    effect: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def shown(self) -> bool:
        return self.effect is not None

    @property
    def verdict(self) -> str:
        """Whether the interval lies above or below zero (what the figure can say)."""
        if self.low is None or self.high is None:
            return ""
        if self.low > 0:
            return "above"
        if self.high < 0:
            return "below"
        return "within"


def figure_at(effects: est.Effects, index: int) -> Figure:
    """The figure at `index`, withheld below the minimum cohort."""
    n = int(effects.n[index])
    if n < minimum_pupils() or not np.isfinite(effects.effect[index]):
        return Figure(pupils=n)
    return Figure(
        pupils=n,
        effect=round(float(effects.effect[index]), 1),
        low=round(float(effects.low[index]), 1),
        high=round(float(effects.high[index]), 1),
    )


@dataclass
class Loaded:
    """Pupils' rows as arrays; `school` indexes `school_ids` (ascending pk)."""

    school_ids: list[int]
    school: est.Ints
    cohort: est.Ints  # 0, 1, 2… for the cohorts in `cohorts`
    cohorts: list[int]
    prior: est.Floats
    outcome: est.Floats
    disadvantaged: est.Floats
    pupil_ids: est.Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def pupils_load(cohorts: list[int]) -> Loaded:
    """The cohorts' pupils with a 高考 total, read as plain tuples into arrays (one query)."""
    query = (
        Pupil.objects.filter(cohort__in=cohorts, outcome_total__isnull=False)
        .order_by()
        .values_list("pk", "school_id", "cohort", "prior_total", "outcome_total", "disadvantaged")
    )
    # One fetchall of plain tuples: the ORM's iterator fetches 100 rows at a time, which
    # doubles the read of a million rows.
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    table = np.array(rows, dtype=np.float64).reshape(-1, 6)
    school_pk = table[:, 1].astype(np.int64)
    school_ids, school = np.unique(school_pk, return_inverse=True)
    cohort_years = table[:, 2].astype(np.int64)
    years, cohort = np.unique(cohort_years, return_inverse=True)
    return Loaded(
        school_ids=[int(s) for s in school_ids],
        school=school.astype(np.int64),
        cohort=cohort.astype(np.int64),
        cohorts=[int(y) for y in years],
        prior=table[:, 3],
        outcome=table[:, 4],
        disadvantaged=table[:, 5],
        pupil_ids=table[:, 0].astype(np.int64),
    )


@dataclass
class Fits:
    """The three models fitted to one selection of cohorts."""

    loaded: Loaded
    by_model: dict[Model, est.Fit]
    bands: est.Ints  # each pupil's intake quintile (within cohort)

    @property
    def schools(self) -> int:
        return len(self.loaded.school_ids)

    def index_of(self, school_id: int) -> int | None:
        position = int(np.searchsorted(self.loaded.school_ids, school_id))
        if position < self.schools and self.loaded.school_ids[position] == school_id:
            return position
        return None

    def figure(self, model: Model, school_id: int) -> Figure:
        index = self.index_of(school_id)
        if index is None:
            return Figure(pupils=0)
        return figure_at(self.by_model[model].effects, index)

    def by_band(self, school_id: int) -> list[Figure]:
        """The school's regression residuals by intake quintile (differential effectiveness)."""
        index = self.index_of(school_id)
        if index is None:
            return [Figure(pupils=0) for _ in range(INTAKE_BANDS)]
        effects = est.by_group(
            self.loaded.school,
            self.bands,
            self.by_model[Model.REGRESSION].residual,
            self.schools,
            INTAKE_BANDS,
        )
        return [figure_at(effects, index * INTAKE_BANDS + b) for b in range(INTAKE_BANDS)]


def fits_compute(loaded: Loaded) -> Fits:
    """Fit the three models (one expectation per cohort when cohorts are pooled)."""
    cohort = loaded.cohort if len(loaded.cohorts) > 1 else None
    x = est.design(loaded.prior, loaded.disadvantaged, cohort)
    n = len(loaded.school_ids)
    return Fits(
        loaded=loaded,
        by_model={
            Model.BAND: est.band_expectation(
                loaded.school,
                loaded.prior,
                loaded.outcome,
                n,
                cohort=cohort,
                bands=EXPECTATION_BANDS,
            ),
            Model.REGRESSION: est.regression(loaded.school, x, loaded.outcome, n),
            Model.MULTILEVEL: est.random_intercept(loaded.school, x, loaded.outcome, n),
        },
        bands=est.intake_bands(loaded.prior, cohort, bands=INTAKE_BANDS),
    )


def cohorts_available() -> list[int]:
    """The cohorts that hold records, oldest first."""
    return sorted(set(Pupil.objects.order_by().values_list("cohort", flat=True).distinct()))


def cohorts_of(selection: int, available: list[int]) -> list[int]:
    """The cohorts a selection means: one year, or (POOLED) the latest three."""
    if selection == POOLED:
        return available[-3:]
    return [selection] if selection in available else []


def fits_for(selection: int) -> Fits | None:
    """The fitted models for a cohort (or the pooled three), None without records."""
    cohorts = cohorts_of(selection, cohorts_available())
    if not cohorts:
        return None
    loaded = pupils_load(cohorts)
    if len(loaded.school_ids) < 2:
        return None
    return fits_compute(loaded)


def subject_figures(fits: Fits, school_id: int) -> list[tuple[str, str, Figure]]:
    """The school's value-added per outcome subject (regression on prior attainment and
    the contextual factor, per cohort), as (code, label, figure)."""
    index = fits.index_of(school_id)
    loaded = fits.loaded
    records = Pupil.objects.filter(cohort__in=loaded.cohorts, outcome_total__isnull=False)
    scores: dict[int, dict[str, float]] = dict(records.order_by().values_list("pk", "outcomes"))
    out = []
    for code, label in OUTCOME_SUBJECTS:
        values = np.array(
            [scores.get(int(pk), {}).get(code, np.nan) for pk in loaded.pupil_ids],
            dtype=np.float64,
        )
        keep = np.isfinite(values)
        if index is None or keep.sum() < 2:
            out.append((code, str(label), Figure(pupils=0)))
            continue
        cohort = loaded.cohort[keep] if len(loaded.cohorts) > 1 else None
        x = est.design(loaded.prior[keep], loaded.disadvantaged[keep], cohort)
        fit = est.regression(loaded.school[keep], x, values[keep], fits.schools)
        out.append((code, str(label), figure_at(fit.effects, index)))
    return out


def high_schools() -> list[OrgUnit]:
    """Every high school of the org tree, by code (the fixed, neutral order of every list)."""
    return list(OrgUnit.objects.filter(type__in=HIGH_SCHOOL_TYPES).order_by("code"))
