"""The league officials' pages (login required): the competitions whose results the user
may record, and a competition's table with its fixtures below, each with its result form.

Thin views: the access rule is declared (org/access.py), every write goes through
football.services.match_result_enter, which checks the user's right again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.football.forms import ResultForm
from eduplan.football.models import Competition, Match
from eduplan.football.selectors import (
    competition_matches,
    competition_table,
    competition_with_organiser,
    competitions_for_results,
)
from eduplan.football.services import match_result_enter
from eduplan.org.access import Action, my_entry_unit, requires, requires_in_request
from eduplan.org.models import OrgUnit

ERR_NO_FIXTURE = gettext_lazy("Choose a fixture of this competition.")
ERR_AT_FIXTURE = gettext_lazy("Round %(round)s, %(home)s v %(away)s: %(error)s")
ERR_AT_FIELD = gettext_lazy("Round %(round)s, %(home)s v %(away)s, %(field)s: %(error)s")
MSG_RECORDED = gettext_lazy(
    "Result recorded: round %(round)s, %(home)s %(home_goals)s : %(away_goals)s %(away)s."
)


@dataclass(frozen=True)
class Fixture:
    """A fixture with its form: bound to what was posted for it, else its stored result."""

    match: Match
    form: ResultForm


@requires_in_request(Action.LEAGUE_RESULTS, load=my_entry_unit)
def results_competitions(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    return render(
        request,
        "football/results_competitions.html",
        {"competitions": competitions_for_results(user=request.user)},
    )


def _form(match: Match, data: dict[str, str] | None = None) -> ResultForm:
    # Ids unique per fixture: the page holds one form per fixture.
    ids = {"auto_id": f"m{match.pk}_%s", "html_form": f"match-{match.pk}"}
    if data is not None:
        return ResultForm(data, **ids)
    return ResultForm(initial=ResultForm.initial_for(match), **ids)


def _errors(match: Match, form: ResultForm) -> list[str]:
    """Each error of the form, naming the fixture and the field."""
    where = {"round": match.round, "home": match.home.name, "away": match.away.name}
    lines = []
    for field, errors in form.errors.items():
        for error in errors:
            if field in form.fields:
                label = form.fields[field].label
                lines.append(str(ERR_AT_FIELD % {**where, "field": label, "error": error}))
            else:
                lines.append(str(ERR_AT_FIXTURE % {**where, "error": error}))
    return lines


def _recorded(match: Match) -> str:
    return str(
        MSG_RECORDED
        % {
            "round": match.round,
            "home": match.home.name,
            "away": match.away.name,
            "home_goals": match.home_goals,
            "away_goals": match.away_goals,
        }
    )


@requires(Action.LEAGUE_RESULTS, load=competition_with_organiser)
def results_competition(request: HttpRequest, competition: Competition) -> HttpResponse:
    matches = competition_matches(competition=competition)
    posted: Fixture | None = None
    errors: list[str] = []
    if request.method == "POST":
        by_pk = {str(m.pk): m for m in matches}
        match = by_pk.get(request.POST.get("match", ""))
        if match is None:
            errors = [str(ERR_NO_FIXTURE)]
        else:
            form = _form(match, request.POST.dict())
            if form.is_valid():
                try:
                    recorded = match_result_enter(
                        user=request.user, match=match, **form.cleaned_data
                    )
                except InputError as exc:
                    form.add_error(exc.where if exc.where in form.fields else None, exc.message)
                else:
                    # Back to the top of the page: the message, then the table it moved.
                    messages.success(request, _recorded(recorded))
                    return redirect("football:results_competition", pk=competition.pk)
            posted = Fixture(match, form)
            errors = _errors(match, form)
    rounds: dict[int, list[Fixture]] = {}
    for m in matches:
        fixture = posted if posted is not None and posted.match.pk == m.pk else Fixture(m, _form(m))
        rounds.setdefault(m.round, []).append(fixture)
    return render(
        request,
        "football/results_competition.html",
        {
            "competition": competition,
            "rounds": sorted(rounds.items()),
            "table": competition_table(competition=competition, matches=matches),
            "errors": errors,
        },
        # Refused input changes nothing and says so: not a success.
        status=400 if errors else 200,
    )
