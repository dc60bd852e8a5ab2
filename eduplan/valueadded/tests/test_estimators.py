"""The estimators recover known school effects from simulated pupils (seeded): their
correlation with the truth and the coverage of their 95% intervals, within tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from eduplan.valueadded import estimators as est
from eduplan.valueadded.simulation import simulate

SCHOOLS = 120
SEEDS = (11, 12, 13)


def _city(seed: int):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(60, 400, SCHOOLS)
    return sizes, simulate(sizes, seed=seed + 1000)


def _fit(model: str, sim, sizes):
    y = sim.gaokao_total
    x = est.design(sim.prior_total, sim.disadvantaged)
    if model == "band":
        return est.band_expectation(sim.school, sim.prior_total, y, SCHOOLS, bands=20)
    if model == "regression":
        return est.regression(sim.school, x, y, SCHOOLS)
    return est.random_intercept(sim.school, x, y, SCHOOLS)


@pytest.mark.parametrize(
    ("model", "min_correlation"),
    [("band", 0.93), ("regression", 0.95), ("multilevel", 0.95)],
)
def test_each_estimator_recovers_the_known_effects_and_its_intervals_cover_them(
    model, min_correlation
):
    correlations, covered, total = [], 0, 0
    for seed in SEEDS:
        sizes, sim = _city(seed)
        effects = _fit(model, sim, sizes).effects
        # Mean-residual figures are relative to the city's pupils; shrunken ones to the
        # schools' mean (the random intercept's zero).
        weights = sizes if model != "multilevel" else np.ones(SCHOOLS)
        truth = sim.true_total - np.average(sim.true_total, weights=weights)
        correlations.append(np.corrcoef(effects.effect, truth)[0, 1])
        covered += int(((effects.low <= truth) & (truth <= effects.high)).sum())
        total += SCHOOLS
    assert min(correlations) >= min_correlation
    assert 0.88 <= covered / total <= 0.99


def test_a_school_with_no_effect_gets_an_interval_around_zero_and_a_strong_one_does_not():
    truth = np.zeros(40)
    truth[0], truth[1] = 25.0, -25.0
    sim = simulate(np.full(40, 300), seed=5, true_total=truth)
    x = est.design(sim.prior_total, sim.disadvantaged)
    effects = est.regression(sim.school, x, sim.gaokao_total, 40).effects
    assert effects.low[0] > 0 and effects.high[1] < 0
    inside = (effects.low[2:] <= 0) & (effects.high[2:] >= 0)
    assert inside.mean() >= 0.85


def test_shrinkage_pulls_small_schools_more_than_large_ones():
    sizes = np.array([20] * 30 + [600] * 30)
    sim = simulate(sizes, seed=8)
    x = est.design(sim.prior_total, sim.disadvantaged)
    fit = est.random_intercept(sim.school, x, sim.gaokao_total, len(sizes))
    raw = np.bincount(sim.school, weights=fit.residual) / sizes
    ratio = fit.effects.effect / raw  # each school's shrinkage factor
    assert 0 < ratio[:30].max() < ratio[30:].min() <= ratio[30:].max() < 1.0
    assert fit.sigma_u2 > 0 and fit.sigma_e2 > fit.sigma_u2


def test_pooling_three_cohorts_recovers_a_stable_effect_better_than_one_cohort():
    rng = np.random.default_rng(21)
    truth = rng.normal(0, 10, 80)
    sizes = rng.integers(40, 120, 80)
    cohorts = [simulate(sizes, seed=30 + k, true_total=truth) for k in range(3)]
    school = np.concatenate([c.school for c in cohorts])
    prior = np.concatenate([c.prior_total for c in cohorts])
    context = np.concatenate([c.disadvantaged for c in cohorts])
    y = np.concatenate([c.gaokao_total for c in cohorts])
    cohort = np.concatenate([np.full(len(c.school), k) for k, c in enumerate(cohorts)])
    pooled = est.regression(school, est.design(prior, context, cohort), y, 80).effects
    one = cohorts[0]
    single = est.regression(
        one.school, est.design(one.prior_total, one.disadvantaged), one.gaokao_total, 80
    ).effects
    centred = truth - truth.mean()
    assert np.corrcoef(pooled.effect, centred)[0, 1] > np.corrcoef(single.effect, centred)[0, 1]
    assert (pooled.se < single.se).all()


def test_subject_value_added_recovers_the_schools_subject_effects():
    sizes, sim = _city(41)
    x = est.design(sim.prior_total, sim.disadvantaged)
    for code in ("gk_maths", "gk_comprehensive", "xk_physics"):
        effects = est.regression(sim.school, x, sim.outcome[code], SCHOOLS).effects
        truth = sim.true_subject[code] - np.average(sim.true_subject[code], weights=sizes)
        assert np.corrcoef(effects.effect, truth)[0, 1] >= 0.75, code


def test_differential_effectiveness_finds_a_school_that_serves_low_intake_pupils_better():
    sim = simulate(np.full(30, 500), seed=9, true_total=np.zeros(30))
    y = sim.gaokao_total.copy()
    bands = est.intake_bands(sim.prior_total, bands=5)
    y[(sim.school == 0) & (bands == 0)] += 30.0
    fit = est.regression(sim.school, est.design(sim.prior_total, sim.disadvantaged), y, 30)
    by_band = est.by_group(sim.school, bands, fit.residual, 30, 5)
    school0 = by_band.effect[:5]
    assert school0[0] > 20 and school0[0] == max(school0)
    assert by_band.low[0] > 0


def test_funnel_limits_narrow_as_cohorts_grow():
    limits = est.funnel_limits(40.0, np.array([30.0, 120.0, 480.0]))
    assert limits["inner"][0] == pytest.approx(2 * limits["inner"][1])
    assert (limits["outer"] > limits["inner"]).all()


def test_the_random_intercept_model_agrees_with_statsmodels_mixedlm_on_a_sample():
    sm = pytest.importorskip("statsmodels.formula.api")
    import pandas as pd  # type: ignore[import-untyped]

    rng = np.random.default_rng(3)
    sizes = rng.integers(30, 150, 40)
    sim = simulate(sizes, seed=77)
    x = est.design(sim.prior_total, sim.disadvantaged)
    ours = est.random_intercept(sim.school, x, sim.gaokao_total, 40)
    frame = pd.DataFrame(
        {"y": sim.gaokao_total, "p": x[:, 1], "p2": x[:, 2], "d": x[:, 3], "g": sim.school}
    )
    theirs = sm.mixedlm("y ~ p + p2 + d", frame, groups=frame["g"]).fit(reml=True)
    assert ours.coefficients == pytest.approx(theirs.fe_params.to_numpy(), abs=1.0)
    assert ours.sigma_e2 == pytest.approx(theirs.scale, rel=0.03)
    assert ours.sigma_u2 == pytest.approx(float(theirs.cov_re.iloc[0, 0]), rel=0.35)
    blups = np.array([theirs.random_effects[g].iloc[0] for g in range(40)])
    assert np.corrcoef(ours.effects.effect, blups)[0, 1] > 0.995
    assert np.abs(ours.effects.effect - blups).max() < 2.0
