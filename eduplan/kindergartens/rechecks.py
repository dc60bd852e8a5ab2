"""等级复评抽验: a round draws its sample from the graded kindergartens open on the day,
in code order, with `random.Random(seed)`; the seed is recorded with the draw, so
`recheck_redraw` gives the same list to anyone who checks. Each result (kept, lowered,
revoked) changes the register's grade and writes the ledger kindergarten_grading's
record of the re-evaluation."""

from __future__ import annotations

import datetime
import random
import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.kindergartens.models import (
    Grade,
    Grading,
    Kindergarten,
    RecheckItem,
    RecheckRound,
    grade_rank,
)
from eduplan.kindergartens.workflow import (
    grading_add,
    grading_record_write,
    ledger_grade,
    preschool_department,
    today,
)
from eduplan.org.access import Action, User, actor_of, require

R = RecheckItem.Result
ERR_ROUND_EXISTS = gettext_lazy("A re-evaluation round of %(year)s has been drawn already.")
ERR_SIZE = gettext_lazy(
    "The sample size is a whole number from 1 to the %(n)s graded kindergartens."
)
ERR_DECIDED = gettext_lazy("This kindergarten's result is recorded already.")
ERR_LOWER = gettext_lazy("A lowered grade is a grade below the current one.")
LEDGER_RESULTS = {R.KEPT: "保持等级", R.LOWERED: "降低等级", R.REVOKED: "撤销等级"}


def recheck_population(day: datetime.date) -> list[Kindergarten]:
    """The kindergartens a round draws from: graded and open on `day`, in code order."""
    return [
        k
        for k in Kindergarten.objects.exclude(grade="")
        .select_related("unit")
        .order_by("unit__code")
        if k.unit.is_open_on(day)
    ]


def recheck_redraw(*, seed: str, population: list[Kindergarten], size: int) -> list[Kindergarten]:
    """The sample a seed draws from a population (the same list every time)."""
    return random.Random(seed).sample(population, size)


@transaction.atomic
def recheck_round_draw(
    *, user: User, year: int, size: int, seed: str = "", day: datetime.date | None = None
) -> RecheckRound:
    """Draw a year's round (one per year), recording the seed, the population's size
    and each kindergarten drawn in order with its grade before."""
    require(user, Action.PRESCHOOL_CITY_DECIDE, preschool_department())
    day = day or today()
    if RecheckRound.objects.filter(year=year).exists():
        raise InputError(str(ERR_ROUND_EXISTS % {"year": year}), where=_("year"))
    population = recheck_population(day)
    if not 1 <= size <= len(population):
        raise InputError(str(ERR_SIZE % {"n": len(population)}), where=_("sample size"))
    seed = (seed or "").strip()[:64] or secrets.token_hex(8)
    try:
        with transaction.atomic():
            round_ = RecheckRound.objects.create(
                year=year,
                seed=seed,
                size=size,
                population=len(population),
                drawn_on=day,
                drawn_by=actor_of(user),
            )
    except IntegrityError:  # a concurrent twin (or a retried POST) got in first
        raise InputError(str(ERR_ROUND_EXISTS % {"year": year}), where=_("year")) from None
    RecheckItem.objects.bulk_create(
        RecheckItem(round=round_, kindergarten=k, order=i, grade_before=k.grade)
        for i, k in enumerate(recheck_redraw(seed=seed, population=population, size=size), 1)
    )
    return round_


@transaction.atomic
def recheck_result_record(
    *,
    user: User,
    item: RecheckItem,
    result: str,
    grade_after: str = "",
    note: str = "",
    document: str = "",
) -> RecheckItem:
    """Record one drawn kindergarten's result: kept, lowered (to a lower grade) or revoked;
    the register's grade follows and the ledger's record is written."""
    require(user, Action.PRESCHOOL_CITY_DECIDE, preschool_department())
    item = RecheckItem.objects.select_for_update().select_related("round").get(pk=item.pk)
    if item.result:
        raise InputError(str(ERR_DECIDED))
    kindergarten = (
        Kindergarten.objects.select_for_update().select_related("unit").get(pk=item.kindergarten_id)
    )
    if result == R.KEPT:
        grade_after = kindergarten.grade
    elif result == R.LOWERED:
        if grade_after not in Grade.values or not 0 < grade_rank(grade_after) < grade_rank(
            kindergarten.grade
        ):
            raise InputError(str(ERR_LOWER), where=_("grade after"))
    elif result == R.REVOKED:
        grade_after = ""
    else:
        raise InputError(_("Choose a result."), where=_("result"))
    day = today()
    record = grading_record_write(
        user=user,
        kindergarten=kindergarten,
        values={
            "kind": "等级复评抽验",
            "grade_before": ledger_grade(kindergarten.grade),
            "result": LEDGER_RESULTS[R(result)],
            "draw_seed": item.round.seed,
            "draw_order": item.order,
            "decided_on": day.isoformat(),
        },
    )
    if result != R.KEPT:
        grading_add(
            kindergarten=kindergarten,
            grade=grade_after,
            day=day,
            document=document.strip()[:200],
            source=Grading.Source.RECHECK,
            record=record,
        )
    item.result = result
    item.grade_after = grade_after
    item.decided_on = day
    item.note = note.strip()[:500]
    item.decided_by = actor_of(user)
    item.ledger_record = record
    item.save(
        update_fields=["result", "grade_after", "decided_on", "note", "decided_by", "ledger_record"]
    )
    return item
