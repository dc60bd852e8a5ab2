"""等级复评抽验: a round draws its sample from the kindergartens holding a grade above
合格 (二级 and up, the grades re-evaluated) open on the day, in code order, with
`random.Random(seed)`; the seed and the list drawn from are recorded with the draw, so
`recheck_redraw` gives the same sample to anyone who checks. Each result (kept, lowered,
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
RECHECKED_GRADES = [g for g in Grade if g != Grade.QUALIFIED]
ERR_ROUND_EXISTS = gettext_lazy("A re-evaluation round of %(year)s has been drawn already.")
ERR_SIZE = gettext_lazy(
    "The sample size is a whole number from 1 to the %(n)s graded kindergartens."
)
ERR_DECIDED = gettext_lazy("This kindergarten's result is recorded already.")
ERR_LOWER = gettext_lazy("A lowered grade is a grade below the current one.")
LEDGER_RESULTS = {R.KEPT: "保持等级", R.LOWERED: "降低等级", R.REVOKED: "撤销等级"}


def recheck_population(day: datetime.date) -> list[Kindergarten]:
    """The kindergartens a round draws from: graded above 合格 and open on `day`, in code
    order."""
    return [
        k
        for k in Kindergarten.objects.filter(grade__in=RECHECKED_GRADES)
        .select_related("unit")
        .order_by("unit__code")
        if k.unit.is_open_on(day)
    ]


def recheck_redraw(*, seed: str, drawn_from: list[str], size: int) -> list[str]:
    """The codes a seed draws from a list of codes (the same sample every time)."""
    return random.Random(seed).sample(drawn_from, size)


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
    codes = [k.unit.code for k in population]
    try:
        with transaction.atomic():
            round_ = RecheckRound.objects.create(
                year=year,
                seed=seed,
                size=size,
                population=len(population),
                drawn_from=codes,
                drawn_on=day,
                drawn_by=actor_of(user),
            )
    except IntegrityError:  # a concurrent twin (or a retried POST) got in first
        raise InputError(str(ERR_ROUND_EXISTS % {"year": year}), where=_("year")) from None
    by_code = {k.unit.code: k for k in population}
    drawn = recheck_redraw(seed=seed, drawn_from=codes, size=size)
    RecheckItem.objects.bulk_create(
        RecheckItem(round=round_, kindergarten=by_code[c], order=i, grade_before=by_code[c].grade)
        for i, c in enumerate(drawn, 1)
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
