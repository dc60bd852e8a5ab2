"""The demo city's value-added records: three cohorts (entering 2016–2018) of simulated
pupils in every high school of the org tree, with a known effect and intake per school
(the same for the three years), seeded. A few schools send fewer pupils than the minimum
cohort in one year, so the pages show a withheld figure."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from eduplan.org.models import OrgUnit
from eduplan.valueadded.models import HIGH_SCHOOL_TYPES, Pupil
from eduplan.valueadded.simulation import simulate
from eduplan.valueadded.subjects import GAOKAO, PRIOR_SUBJECTS

DEMO_COHORTS = (2016, 2017, 2018)
PUPILS_MIN, PUPILS_MAX = 90, 220  # simulated pupils per school and cohort
SMALL_EVERY = 9  # every ninth school has a small cohort (below the minimum) in 2018
SMALL_PUPILS = 18


@transaction.atomic
def valueadded_demo_seed(*, seed: int) -> dict[str, int]:
    """Three cohorts of pupil records for the high schools; returns how many were made."""
    schools = list(
        OrgUnit.objects.filter(type__in=HIGH_SCHOOL_TYPES, closed_on__isnull=True).order_by("code")
    )
    if len(schools) < 2:
        return {"valueadded_pupils": 0}
    rng = np.random.default_rng(seed * 31 + 7)
    effects = rng.normal(0.0, 12.0, len(schools))
    intakes = rng.normal(0.0, 0.6, len(schools))
    made = 0
    for k, cohort in enumerate(DEMO_COHORTS):
        sizes = rng.integers(PUPILS_MIN, PUPILS_MAX, len(schools))
        if cohort == DEMO_COHORTS[-1]:
            sizes[::SMALL_EVERY] = SMALL_PUPILS
        sim = simulate(sizes, seed=seed + 100 * k, true_total=effects, intake=intakes)
        total = sim.gaokao_total
        gaokao = {code for code, _label in GAOKAO}
        pupils = []
        for i in range(len(sim.school)):
            outcomes = {code: float(values[i]) for code, values in sim.outcome.items()}
            pupils.append(
                Pupil(
                    cohort=cohort,
                    school_id=schools[int(sim.school[i])].pk,
                    exam_number=f"{cohort % 100:02d}{int(sim.school[i]):04d}{i:05d}",
                    prior_total=float(sim.prior_total[i]),
                    prior={code: float(sim.prior[code][i]) for code, _label in PRIOR_SUBJECTS},
                    disadvantaged=bool(sim.disadvantaged[i]),
                    outcome_total=float(total[i]) if gaokao <= outcomes.keys() else None,
                    outcomes=outcomes,
                )
            )
        Pupil.objects.bulk_create(pupils, batch_size=2000)
        made += len(pupils)
    return {"valueadded_pupils": made}
