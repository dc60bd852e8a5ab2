"""The value-added estimators, pure: numpy arrays in, per-school figures out (no Django).

Every estimator works on one table of pupils: the school each attends (an index 0..J-1),
the prior attainment (中考 total), the outcome (高考 total or one subject), optionally
contextual factors and the cohort (pooled years fit one expectation per cohort). Each
returns, per school, the number of pupils, the effect (outcome points above what pupils
with the same prior attainment reach across the city) and its 95% interval. Aggregation is
by `np.bincount`, so the cost is linear in pupils and a million pupils take well under a
second.

Models:
(a) band expectation: pupils grouped in intake bands (quantiles of prior attainment within
    their cohort); expected outcome = the band's city mean; the school's mean residual.
(b) regression on prior attainment (linear and squared) and chosen contextual factors,
    fitted by least squares; the school's mean residual.
(c) two-level random intercept y = Xβ + u_school + e: variances by the moment (ANOVA)
    estimator, β by feasible GLS, school effects by empirical-Bayes shrinkage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

Z95 = 1.959963984540054  # two-sided 95%
Z998 = 3.090232306167813  # two-sided 99.8%, the funnel plot's outer limits
GLS_ROUNDS = 2


@dataclass(frozen=True)
class Effects:
    """Per school (index = school): pupils, effect, its standard error and 95% interval."""

    n: Ints
    effect: Floats
    se: Floats
    # The pupil-level residual standard deviation the intervals (and funnel limits) use.
    sigma: float

    @property
    def low(self) -> Floats:
        return self.effect - Z95 * self.se

    @property
    def high(self) -> Floats:
        return self.effect + Z95 * self.se


@dataclass(frozen=True)
class Fit:
    """An estimator's result: the school effects, each pupil's residual and the model's
    coefficients (for the page to state what was controlled for)."""

    effects: Effects
    residual: Floats
    coefficients: Floats
    # Random-intercept model only: between-school and pupil variances.
    sigma_u2: float = 0.0
    sigma_e2: float = 0.0


def _means(index: Ints, values: Floats, n: Ints, size: int) -> Floats:
    sums = np.bincount(index, weights=values, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, sums / np.maximum(n, 1), np.nan)


def _within_sigma(school: Ints, residual: Floats, n: Ints, size: int) -> float:
    """Pooled within-school standard deviation of the residuals (school effects removed)."""
    means = _means(school, residual, n, size)
    ssw = float(residual @ residual) - float(np.nansum(n * means**2))
    groups = int((n > 0).sum())
    df = max(len(residual) - groups, 1)
    return float(np.sqrt(max(ssw, 0.0) / df))


def _mean_residual_effects(school: Ints, residual: Floats, size: int) -> Effects:
    n = np.bincount(school, minlength=size).astype(np.int64)
    effect = _means(school, residual, n, size)
    sigma = _within_sigma(school, residual, n, size)
    with np.errstate(divide="ignore"):
        se = np.where(n > 0, sigma / np.sqrt(np.maximum(n, 1)), np.nan)
    return Effects(n=n, effect=effect, se=se, sigma=sigma)


def intake_bands(prior: Floats, cohort: Ints | None = None, *, bands: int = 5) -> Ints:
    """Each pupil's intake band 0..bands-1: quantiles of prior attainment within the cohort."""
    out = np.zeros(len(prior), dtype=np.int64)
    groups = np.zeros(len(prior), dtype=np.int64) if cohort is None else cohort
    for g in np.unique(groups):
        mask = groups == g
        edges = np.quantile(prior[mask], np.linspace(0, 1, bands + 1)[1:-1])
        out[mask] = np.searchsorted(edges, prior[mask], side="right")
    return out


def band_expectation(
    school: Ints,
    prior: Floats,
    outcome: Floats,
    n_schools: int,
    *,
    cohort: Ints | None = None,
    bands: int = 5,
) -> Fit:
    """Model (a): the school's mean of (outcome − its intake band's city mean)."""
    band = intake_bands(prior, cohort, bands=bands)
    cell = band if cohort is None else cohort * bands + band
    size = int(cell.max()) + 1 if len(cell) else 1
    counts = np.bincount(cell, minlength=size).astype(np.int64)
    expected = _means(cell, outcome, counts, size)
    residual = outcome - expected[cell]
    return Fit(
        effects=_mean_residual_effects(school, residual, n_schools),
        residual=residual,
        coefficients=np.nan_to_num(expected),
    )


def design(prior: Floats, context: Floats | None = None, cohort: Ints | None = None) -> Floats:
    """The regression's columns: 1, prior, prior² (prior centred and scaled per cohort,
    for a well-conditioned fit) and the contextual factors; with cohorts, every column
    is its cohort's own (one expectation per year)."""
    groups = np.zeros(len(prior), dtype=np.int64) if cohort is None else cohort
    p = np.empty(len(prior))
    for g in np.unique(groups):
        mask = groups == g
        sd = float(prior[mask].std()) or 1.0
        p[mask] = (prior[mask] - prior[mask].mean()) / sd
    base = [np.ones(len(prior)), p, p * p]
    if context is not None:
        base.extend(context.T if context.ndim == 2 else [context])
    columns = np.column_stack(base)
    if cohort is None:
        return columns
    levels = np.unique(cohort)
    blocks = [columns * (cohort == g)[:, None] for g in levels]
    return np.hstack(blocks)


def _least_squares(x: Floats, y: Floats) -> Floats:
    # Normal equations: x has a handful of columns, so x'x is tiny and this is one pass.
    coef, *_ = np.linalg.lstsq(x.T @ x, x.T @ y, rcond=None)
    return np.asarray(coef, dtype=np.float64)


def regression(school: Ints, x: Floats, outcome: Floats, n_schools: int) -> Fit:
    """Model (b): least squares on the design; the school's mean residual."""
    coef = _least_squares(x, outcome)
    residual = outcome - x @ coef
    return Fit(
        effects=_mean_residual_effects(school, residual, n_schools),
        residual=residual,
        coefficients=coef,
    )


def _variance_components(school: Ints, residual: Floats, n: Ints, size: int) -> tuple[float, float]:
    """Moment (ANOVA) estimates of the between-school and pupil variances."""
    total = len(residual)
    groups = int((n > 0).sum())
    means = _means(school, residual, n, size)
    sigma_e2 = _within_sigma(school, residual, n, size) ** 2
    grand = float(residual.mean())
    msb = float(np.nansum(n * (means - grand) ** 2)) / max(groups - 1, 1)
    n0 = (total - float((n.astype(np.float64) ** 2).sum()) / total) / max(groups - 1, 1)
    sigma_u2 = max((msb - sigma_e2) / n0, 0.0) if n0 > 0 else 0.0
    return sigma_u2, sigma_e2


def random_intercept(school: Ints, x: Floats, outcome: Floats, n_schools: int) -> Fit:
    """Model (c): two-level random intercept with empirical-Bayes (shrunken) school effects."""
    n = np.bincount(school, minlength=n_schools).astype(np.int64)
    nf = n.astype(np.float64)
    coef = _least_squares(x, outcome)
    sigma_u2, sigma_e2 = _variance_components(school, outcome - x @ coef, n, n_schools)
    for _ in range(GLS_ROUNDS):
        # GLS for a random intercept is least squares on quasi-demeaned data.
        with np.errstate(divide="ignore", invalid="ignore"):
            theta = np.where(
                n > 0, 1.0 - np.sqrt(sigma_e2 / (sigma_e2 + nf * sigma_u2 + 1e-300)), 0.0
            )
        t = theta[school]
        y_means = _means(school, outcome, n, n_schools)
        x_means = np.column_stack(
            [_means(school, x[:, k], n, n_schools) for k in range(x.shape[1])]
        )
        x_star = x - t[:, None] * np.nan_to_num(x_means)[school]
        y_star = outcome - t * np.nan_to_num(y_means)[school]
        coef = _least_squares(x_star, y_star)
        sigma_u2, sigma_e2 = _variance_components(school, outcome - x @ coef, n, n_schools)
    residual = outcome - x @ coef
    raw = _means(school, residual, n, n_schools)
    with np.errstate(divide="ignore", invalid="ignore"):
        shrink = np.where(n > 0, sigma_u2 / (sigma_u2 + sigma_e2 / np.maximum(nf, 1)), np.nan)
    effect = shrink * raw
    se = np.sqrt(shrink * sigma_e2 / np.maximum(nf, 1))
    return Fit(
        effects=Effects(n=n, effect=effect, se=se, sigma=float(np.sqrt(sigma_e2))),
        residual=residual,
        coefficients=coef,
        sigma_u2=sigma_u2,
        sigma_e2=sigma_e2,
    )


def by_group(school: Ints, group: Ints, residual: Floats, n_schools: int, n_groups: int) -> Effects:
    """Mean residual per (school, group), flattened as school * n_groups + group: the
    differential effectiveness by intake band (groups = bands)."""
    cell = school * n_groups + group
    size = n_schools * n_groups
    n = np.bincount(cell, minlength=size).astype(np.int64)
    effect = _means(cell, residual, n, size)
    sigma = _within_sigma(school, residual, np.bincount(school, minlength=n_schools), n_schools)
    with np.errstate(divide="ignore"):
        se = np.where(n > 0, sigma / np.sqrt(np.maximum(n, 1)), np.nan)
    return Effects(n=n, effect=effect, se=se, sigma=sigma)


def funnel_limits(sigma: float, sizes: Floats) -> dict[str, Floats]:
    """Control limits around zero for a school of each size: 95% and 99.8%."""
    root = np.sqrt(np.maximum(sizes, 1.0))
    return {
        "inner": Z95 * sigma / root,
        "outer": Z998 * sigma / root,
    }
