"""The organisers' keeping pages: their competitions, a new one, and a competition's own
fields, teams and fixtures (added, changed, removed, retired, and as a workbook), with
its change history. Every write goes through football.keeping, which checks the user's
right again and the competition's revision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.changes import changes_of
from eduplan.core.errors import InputError, StaleRevision
from eduplan.core.uploads import upload_check
from eduplan.core.xlsx import XLSX_CONTENT_TYPE
from eduplan.football.fixtures_xlsx import fixtures_xlsx, fixtures_xlsx_import
from eduplan.football.keeping import (
    SEASON_MAX,
    SEASON_MIN,
    CompetitionValues,
    competition_create,
    competition_retire,
    competition_subject,
    competition_update,
    fixture_add,
    fixture_remove,
    team_add,
    team_remove,
)
from eduplan.football.models import Competition, Match, Team
from eduplan.football.selectors import (
    competition_matches,
    competition_with_organiser,
    competitions_for_results,
)
from eduplan.org.access import Action, my_entry_unit, requires, requires_in_request
from eduplan.org.models import OrgUnit

ERR_NO_SCHOOL = gettext_lazy("No unit has the code “%(code)s”.")
ERR_NO_FILE = gettext_lazy("Choose a workbook (.xlsx) to import.")


class CompetitionForm(forms.Form):
    widget_size = "sm"
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    season = forms.IntegerField(
        label=gettext_lazy("Season"), min_value=SEASON_MIN, max_value=SEASON_MAX
    )
    group = forms.CharField(label=gettext_lazy("Group"), max_length=50)
    stage = forms.IntegerField(label=gettext_lazy("Stage"), min_value=1, max_value=9, initial=1)
    points_win = forms.IntegerField(
        label=gettext_lazy("points for a win"), min_value=1, max_value=9, initial=3
    )
    points_draw = forms.IntegerField(
        label=gettext_lazy("points for a draw"), min_value=0, max_value=9, initial=1
    )
    published = forms.BooleanField(label=gettext_lazy("published"), required=False)

    def values(self, tie_breakers: list[str] | None = None) -> CompetitionValues:
        data = self.cleaned_data
        kept = {} if tie_breakers is None else {"tie_breakers": list(tie_breakers)}
        return CompetitionValues(
            name=data["name"],
            season=data["season"],
            group=data["group"],
            stage=data["stage"],
            points_win=data["points_win"],
            points_draw=data["points_draw"],
            published=data["published"],
            **kept,
        )


class TeamForm(forms.Form):
    widget_size = "sm"
    school = forms.CharField(label=gettext_lazy("School code"), max_length=64)
    name = forms.CharField(label=gettext_lazy("Team name"), max_length=200, required=False)


class FixtureForm(forms.Form):
    widget_size = "sm"
    round = forms.IntegerField(label=gettext_lazy("Round"), min_value=1, max_value=99)
    played_on = forms.DateField(label=gettext_lazy("Date"), required=False)
    home = forms.ModelChoiceField(label=gettext_lazy("Home team"), queryset=Team.objects.none())
    away = forms.ModelChoiceField(label=gettext_lazy("Away team"), queryset=Team.objects.none())

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = competition.teams.order_by("name")
        for name in ("home", "away"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = teams


@requires_in_request(Action.LEAGUE_RESULTS, load=my_entry_unit)
def keeping_competitions(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    """The competitions the user keeps, and a new one run by the user's own unit."""
    form = CompetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = competition_create(user=request.user, organiser=unit, values=form.values())
        except InputError as exc:
            form.add_error(exc.where if exc.where in form.fields else None, exc.message)
        else:
            messages.success(request, _("Saved"))
            return redirect("football:keeping_competition", pk=created.pk)
    return render(
        request,
        "football/keeping_competitions.html",
        {
            "competitions": competitions_for_results(user=request.user),
            "form": form,
            "organiser": unit,
        },
    )


def _history(competition: Competition) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "actor": e.actor.get_username() if e.actor else "",
            "field": e.field,
            "old": e.old,
            "new": e.new,
            "note": e.note,
        }
        for e in changes_of(subjects=[competition_subject(competition)])[:200]
    ]


Posted = tuple[bool, dict[str, Any]]


def _update(request: HttpRequest, competition: Competition, revision: int | None) -> Posted:
    form = CompetitionForm(request.POST)
    if not form.is_valid():
        return False, {"form": form}
    competition_update(
        user=request.user,
        competition=competition,
        values=form.values(competition.tie_breakers),
        revision=revision,
    )
    return True, {}


def _retire(request: HttpRequest, competition: Competition, revision: int | None) -> Posted:
    reason = request.POST.get("reason", "")
    competition_retire(user=request.user, competition=competition, reason=reason, revision=revision)
    return True, {}


def _team_add(request: HttpRequest, competition: Competition, revision: int | None) -> Posted:
    form = TeamForm(request.POST)
    if not form.is_valid():
        return False, {"team_form": form}
    code = form.cleaned_data["school"].strip()
    school = OrgUnit.objects.filter(code=code).first()
    if school is None:
        raise InputError(str(ERR_NO_SCHOOL % {"code": code}), where="school")
    team_add(
        user=request.user,
        competition=competition,
        school=school,
        name=form.cleaned_data["name"],
        revision=revision,
    )
    return True, {}


def _team_remove(request: HttpRequest, competition: Competition, revision: int | None) -> Posted:
    team = competition.teams.filter(pk=_pk(request.POST.get("team"))).first()
    if team is not None:
        team_remove(user=request.user, team=team, revision=revision)
    return True, {}


def _fixture_add(request: HttpRequest, competition: Competition, revision: int | None) -> Posted:
    form = FixtureForm(request.POST, competition=competition)
    if not form.is_valid():
        return False, {"fixture_form": form}
    data = form.cleaned_data
    fixture_add(
        user=request.user,
        competition=competition,
        round=data["round"],
        home=data["home"],
        away=data["away"],
        played_on=data["played_on"],
        revision=revision,
    )
    return True, {}


def _fixture_remove(request: HttpRequest, competition: Competition, revision: int | None) -> Posted:
    match = Match.objects.filter(competition=competition, pk=_pk(request.POST.get("match"))).first()
    if match is not None:
        fixture_remove(user=request.user, match=match, revision=revision)
    return True, {}


def _import(request: HttpRequest, competition: Competition, revision: int | None) -> Posted:
    upload = request.FILES.get("file")
    if upload is None:
        raise InputError(str(ERR_NO_FILE), where="file")
    upload_check(upload, where=upload.name or "")
    count, problems = fixtures_xlsx_import(
        user=request.user,
        competition=competition,
        data=upload.read(),
        name=upload.name or "",
        revision=revision,
    )
    if problems:
        return False, {"problems": problems}
    messages.success(request, _("Imported: %(n)s fixtures read") % {"n": count})
    return True, {}


def _pk(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


ACTIONS: dict[str, Callable[[HttpRequest, Competition, int | None], Posted]] = {
    "update": _update,
    "retire": _retire,
    "team_add": _team_add,
    "team_remove": _team_remove,
    "fixture_add": _fixture_add,
    "fixture_remove": _fixture_remove,
    "import": _import,
}


def _post(request: HttpRequest, competition: Competition) -> Posted:
    """Carry out the posted action; (done, forms bound to what was posted)."""
    handler = ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        return False, {}
    revision_text = request.POST.get("revision", "")
    done, bound = handler(
        request, competition, int(revision_text) if revision_text.isdigit() else None
    )
    if done and request.POST.get("action") != "import":
        messages.success(request, _("Saved"))
    return done, bound


@requires(Action.LEAGUE_RESULTS, load=competition_with_organiser)
def keeping_competition(request: HttpRequest, competition: Competition) -> HttpResponse:
    """A competition's fields, teams and fixtures, each with its add, change and remove."""
    if request.GET.get("export") == "fixtures":
        response = HttpResponse(
            fixtures_xlsx(competition=competition), content_type=XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="fixtures-{competition.pk}.xlsx"'
        return response
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            done, bound = _post(request, competition)
        except StaleRevision as exc:
            messages.error(request, str(exc))
            done, status = False, 409
        except InputError as exc:
            messages.error(request, exc.message)
            done, status = False, 400
        if done:
            return redirect("football:keeping_competition", pk=competition.pk)
        if bound:
            status = 400
        competition.refresh_from_db()
    initial = {
        k: getattr(competition, k)
        for k in ("name", "season", "group", "stage", "points_win", "points_draw", "published")
    }
    return render(
        request,
        "football/keeping_competition.html",
        {
            "competition": competition,
            "form": bound.get("form") or CompetitionForm(initial=initial),
            "team_form": bound.get("team_form") or TeamForm(),
            "fixture_form": bound.get("fixture_form") or FixtureForm(competition=competition),
            "problems": bound.get("problems", []),
            "teams": list(competition.teams.select_related("school").order_by("name")),
            "matches": competition_matches(competition=competition),
            "history": _history(competition),
        },
        status=status,
    )
