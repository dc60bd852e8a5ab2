"""Simulated pupils with known school effects (numpy only, seeded): the truth the tests
check the estimators against, the demo city's three cohorts and the benchmark's million.

Each school has an intake (its pupils' mean prior attainment, in city standard deviations)
and a true effect per subject; a pupil's subject score is the city's expectation from the
prior attainment, plus the school's effect on that subject, a disadvantage penalty and
noise. The school's effect on the 高考 total is the sum of its 高考 subject effects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from eduplan.valueadded.subjects import GAOKAO, PRIOR_SUBJECTS, XUEKAO

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

PRIOR_MEAN, PRIOR_SD = 500.0, 80.0
# Per 高考 subject: (mean, slope per prior SD, noise SD, share of the school's effect).
GAOKAO_SHAPE = {
    "gk_chinese": (100.0, 10.0, 12.0, 0.2),
    "gk_maths": (90.0, 18.0, 18.0, 0.3),
    "gk_english": (95.0, 15.0, 15.0, 0.2),
    "gk_comprehensive": (170.0, 35.0, 30.0, 0.3),
}
XUEKAO_SHAPE = (70.0, 8.0, 9.0)  # 学业水平考试 subjects, out of 100
DISADVANTAGE_PENALTY = 6.0  # 高考 total points, spread over its subjects by share
SUBJECT_EFFECT_NOISE = 2.0  # a school's subject effect beyond its share of the total


@dataclass(frozen=True)
class Simulated:
    """Pupils (one entry per pupil) and the truth per school."""

    school: Ints
    prior_total: Floats
    prior: dict[str, Floats]
    outcome: dict[str, Floats]  # subject code -> score
    disadvantaged: Floats  # 1.0 or 0.0
    true_total: Floats  # per school: the effect on the 高考 total, in points
    true_subject: dict[str, Floats]  # per school and subject

    @property
    def gaokao_total(self) -> Floats:
        total: Floats = np.sum([self.outcome[code] for code, _ in GAOKAO], axis=0)
        return total


def simulate(
    sizes: npt.ArrayLike,
    *,
    seed: int,
    effect_sd: float = 12.0,
    intake_sd: float = 0.6,
    true_total: npt.ArrayLike | None = None,
    intake: npt.ArrayLike | None = None,
) -> Simulated:
    """Pupils for schools of the given sizes (one cohort), seeded; `true_total` fixes the
    schools' effects on the 高考 total (else drawn with SD `effect_sd`) and `intake` their
    pupils' mean prior attainment in city SDs (else drawn with SD `intake_sd`)."""
    rng = np.random.default_rng(seed)
    counts = np.asarray(sizes, dtype=np.int64)
    schools = len(counts)
    school = np.repeat(np.arange(schools, dtype=np.int64), counts)
    intakes = (
        rng.normal(0.0, intake_sd, schools)
        if intake is None
        else np.asarray(intake, dtype=np.float64)
    )
    total_effect = (
        rng.normal(0.0, effect_sd, schools)
        if true_total is None
        else np.asarray(true_total, dtype=np.float64)
    )
    z = intakes[school] + rng.normal(0.0, 0.8, len(school))
    disadvantaged = (rng.random(len(school)) < 0.12 + 0.1 * (intakes[school] < 0)).astype(float)
    prior_total = np.round(PRIOR_MEAN + PRIOR_SD * z)
    prior = {
        code: np.round(prior_total / 7.0 + rng.normal(0.0, 6.0, len(school)))
        for code, _ in PRIOR_SUBJECTS
    }
    shares = np.array([shape[3] for shape in GAOKAO_SHAPE.values()])
    extra = rng.normal(0.0, SUBJECT_EFFECT_NOISE, (len(GAOKAO_SHAPE), schools))
    extra -= extra.mean(axis=0)  # subject effects still add up to the total effect
    outcome: dict[str, Floats] = {}
    true_subject: dict[str, Floats] = {}
    for k, (code, (mean, slope, noise, share)) in enumerate(GAOKAO_SHAPE.items()):
        effect = share / shares.sum() * total_effect + extra[k]
        true_subject[code] = effect
        penalty = DISADVANTAGE_PENALTY * share / shares.sum() * disadvantaged
        outcome[code] = np.round(
            mean
            + slope * z
            - 1.5 * z * z
            + effect[school]
            - penalty
            + rng.normal(0.0, noise, len(school))
        )
    mean, slope, noise = XUEKAO_SHAPE
    for code, _ in XUEKAO:
        effect = rng.normal(0.0, 3.0, schools)
        true_subject[code] = effect
        scores = mean + slope * z + effect[school] + rng.normal(0.0, noise, len(school))
        outcome[code] = np.round(np.clip(scores, 0.0, 100.0)).astype(np.float64)
    return Simulated(
        school=school,
        prior_total=prior_total,
        prior=prior,
        outcome=outcome,
        disadvantaged=disadvantaged,
        true_total=total_effect,
        true_subject=true_subject,
    )
