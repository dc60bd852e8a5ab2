"""The petitions office's forms: register a case, route it, record a step, extend, risk
screening, backlog progress. Units offered are those the user may route to."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.core.periods import PeriodType, periods_in_year
from eduplan.org.models import OrgUnit
from eduplan.petitions.clock import Step
from eduplan.petitions.models import Category, Channel, RiskLevel

DATE = forms.DateInput(attrs={"type": "date"})
FIRST_YEAR = 2016  # the demo's history starts here; older quarters are not offered


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class RegisterForm(forms.Form):
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("subject category"), choices=Category.choices)
    concerned_unit = UnitChoice(label=_("unit concerned"), queryset=OrgUnit.objects.none())
    summary = forms.CharField(
        label=_("matter"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What the case is about, without names."),
    )
    people_count = forms.IntegerField(label=_("number of petitioners"), min_value=1, initial=1)
    name = forms.CharField(label=_("petitioner's name"), max_length=100)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    phone = forms.CharField(label=_("phone"), max_length=32, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    earlier = forms.CharField(
        label=_("earlier cases"),
        max_length=400,
        required=False,
        help_text=_("Numbers of earlier cases on the same matter, separated by spaces."),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concerned_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        if not self.is_bound:
            self.initial["request_key"] = uuid.uuid4().hex


class RouteForm(forms.Form):
    unit = UnitChoice(label=_("handling unit"), queryset=OrgUnit.objects.none())
    on = forms.DateField(label=_("routed on"), widget=DATE)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class DecideForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("Accepted")), ("0", _("Not accepted"))],
        coerce=lambda v: v == "1",
    )
    on = forms.DateField(label=_("decided on"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=1000, required=False)


class StepForm(forms.Form):
    step = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[(s.value, s.value) for s in Step if s != Step.ACCEPT]
    )
    on = forms.DateField(label=_("day"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=1000, required=False)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("extension (days)"), min_value=1, max_value=366)
    reason = forms.CharField(label=_("reason for the extension"), max_length=1000)
    on = forms.DateField(label=_("day"), widget=DATE)


class BacklogForm(forms.Form):
    lead_official = forms.CharField(label=_("lead official"), max_length=100)
    on = forms.DateField(label=_("listed on"), widget=DATE)


class ProgressForm(forms.Form):
    progress = forms.CharField(
        label=_("progress"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    resolved_on = forms.DateField(label=_("resolved on"), widget=DATE, required=False)


class RiskForm(forms.Form):
    unit = UnitChoice(label=_("unit"), queryset=OrgUnit.objects.none())
    period = forms.ChoiceField(label=_("period"), choices=[])
    category = forms.ChoiceField(label=_("subject category"), choices=Category.choices)
    level = forms.ChoiceField(label=_("risk level"), choices=RiskLevel.choices)
    description = forms.CharField(
        label=_("risk description"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    measures = forms.CharField(
        label=_("resolution measures"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = quarter_choices()


def quarter_choices() -> list[tuple[str, str]]:
    """The quarters from the plan's first year to this one, newest first, by label."""
    today = timezone.localdate()
    quarters = [
        p
        for year in range(FIRST_YEAR, today.year + 1)
        for p in periods_in_year(year, PeriodType.QUARTERLY)
    ]
    return [(p.code, str(p.label)) for p in reversed(quarters) if p.start <= today]
