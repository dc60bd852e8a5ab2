"""The form that records one fixture's result (the league officials' page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from eduplan.football.models import Match
from eduplan.football.services import ERR_FAIR_PLAY, ERR_GOALS, FAIR_PLAY_MAX, GOALS_MAX

ERR_DATE = _("Enter the date as YYYY-MM-DD.")
# The renderer (core.forms) adds form-control, and is-invalid on a field with errors.
INPUT_CLASS = "form-control-sm"


def _label(name: str) -> Any:
    # The model's own names (主队进球 …), so the form and the admin speak alike.
    field = Match._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.verbose_name


def _count_field(*, field: str, high: int, message: Any, required: bool) -> forms.IntegerField:
    # One message for letters, decimals and out-of-range numbers alike: the service's own,
    # so the page and the service refuse in the same words; lazy, in the reader's language.
    text = lazy(lambda: str(message) % {"max": high}, str)()
    return forms.IntegerField(
        label=_label(field),
        min_value=0,
        max_value=high,
        required=required,
        error_messages={"required": text, "invalid": text, "min_value": text, "max_value": text},
        widget=forms.NumberInput(attrs={"class": INPUT_CLASS}),
    )


class ResultForm(forms.Form):
    """One fixture's score, date played and optional fair-play points."""

    home_goals = _count_field(field="home_goals", high=GOALS_MAX, message=ERR_GOALS, required=True)
    away_goals = _count_field(field="away_goals", high=GOALS_MAX, message=ERR_GOALS, required=True)
    played_on = forms.DateField(
        label=_label("played_on"),
        input_formats=["%Y-%m-%d"],
        error_messages={"required": ERR_DATE, "invalid": ERR_DATE},
        widget=forms.DateInput(attrs={"type": "date", "class": INPUT_CLASS}, format="%Y-%m-%d"),
    )
    home_fair_play = _count_field(
        field="home_fair_play", high=FAIR_PLAY_MAX, message=ERR_FAIR_PLAY, required=False
    )
    away_fair_play = _count_field(
        field="away_fair_play", high=FAIR_PLAY_MAX, message=ERR_FAIR_PLAY, required=False
    )

    def __init__(self, *args: Any, html_form: str, **kwargs: Any) -> None:
        """`html_form`: the id of the <form> element the inputs belong to, so each fixture
        can be one row of a table (inputs in its cells, the <form> in the last one)."""
        super().__init__(*args, **kwargs)
        self.html_form = html_form
        for field in self.fields.values():
            field.widget.attrs["form"] = html_form

    @staticmethod
    def initial_for(match: Match) -> dict[str, Any]:
        return {
            "home_goals": match.home_goals,
            "away_goals": match.away_goals,
            "played_on": match.played_on,
            "home_fair_play": match.home_fair_play,
            "away_fair_play": match.away_fair_play,
        }
