"""Metrics the league provides: city-level league matches played (市级校园足球联赛场次),
counted from the recorded fixtures themselves, not from a copy in a report."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, LPad
from django.utils.translation import pgettext_lazy

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, register
from eduplan.core.periods import period_from_code
from eduplan.football.models import Competition, Match
from eduplan.org.models import UnitType

# The city's league is organised by the bureau or one of its departments; a district's
# own league (organised by the district) is not a 市级 league.
CITY_ORGANISERS = [UnitType.BUREAU, UnitType.DEPARTMENT]


def league_match_rows(periods: list[str]) -> QuerySet[Any]:
    """Matches played (a result recorded) on a day within the periods, at the organiser."""
    first, last = period_from_code(periods[0]), period_from_code(periods[-1])
    return Match.objects.filter(
        competition__organiser__type__in=CITY_ORGANISERS,
        home_goals__isnull=False,
        played_on__gte=first.start,
        played_on__lte=last.end,
    ).annotate(
        unit_path=F("competition__organiser__path"),
        period=Concat(
            Cast(ExtractYear("played_on"), CharField()),
            LPad(Cast(ExtractMonth("played_on"), CharField()), 2, Value("0")),
        ),
        num=Value(1),
        den=Value(1),
    )


def register_metrics() -> None:
    register_sources()
    register(
        Metric(
            key="football.city_league_matches",
            name=pgettext_lazy("metric", "City league matches played"),
            unit="场",
            over_units=OverUnits.SUM,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=league_match_rows,
            provider="football",
            absent_is_zero=True,
            description=pgettext_lazy(
                "metric",
                "Matches of the leagues organised by the bureau or its departments whose"
                " result is recorded, by the day they were played",
            ),
        )
    )


def _organiser(competition_id: int) -> list[int | None]:
    return list(
        Competition.objects.filter(pk=competition_id).values_list("organiser_id", flat=True)
    )


def register_sources() -> None:
    """Matches count for their competition's organiser (marked for the figures store)."""
    register_source(Match, lambda m: _organiser(m.competition_id), moves=True)
    register_source(Competition, lambda c: [c.organiser_id], moves=True)
