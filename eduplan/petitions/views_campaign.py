"""Risk screening (矛盾隐患排查) and the backlog campaign (积案化解): lists, entry and
their workbooks (no petitioner in either)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.core.tables import Table, table_export
from eduplan.org.access import Action, can, granted_actions, requires_in_request
from eduplan.org.models import OrgUnit, UnitType
from eduplan.petitions.forms import ProgressForm, RiskForm, quarter_choices
from eduplan.petitions.models import BacklogCase, RiskEntry
from eduplan.petitions.selectors import backlog_visible, risks_visible
from eduplan.petitions.services import backlog_progress, risk_entry_create
from eduplan.petitions.views import PetitionArea, _form_errors, my_area, my_desk

PER_PAGE = 50


def _risk_table(entries: list[RiskEntry]) -> Table:
    return Table(
        id="risks",
        title=_("Risk screening"),
        header=[
            _("unit"),
            _("period"),
            _("subject category"),
            _("risk level"),
            _("risk description"),
            _("resolution measures"),
            _("resolved on"),
        ],
        rows=[
            [
                e.unit.name,
                e.period_label,
                e.get_category_display(),
                e.get_level_display(),
                e.description,
                e.measures,
                e.resolved_on,
            ]
            for e in entries
        ],
    )


@requires_in_request(Action.PETITION_VIEW, load=my_area)
def risks(request: HttpRequest, area: PetitionArea) -> HttpResponseBase:
    desk = my_desk(request)
    may_enter = can(request.user, Action.PETITION_HANDLE, desk)
    # The bureau screens by district; a district by its own units.
    units = OrgUnit.objects.filter(path__startswith=desk.unit.path).exclude(
        type=UnitType.DEPARTMENT
    )
    if desk.unit.depth == 0:
        units = units.filter(type__in=[UnitType.BUREAU, UnitType.DISTRICT])
    units = units.order_by("path")
    form = RiskForm(request.POST or None, units=units)
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied(_("You may not do this here."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                risk_entry_create(user=request.user, **data)
            except InputError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Recorded."))
                return redirect("petitions:risks")
        else:
            messages.error(request, _form_errors(form))
    entries = risks_visible(user=request.user)
    period = request.GET.get("period", "").strip()
    if period:
        entries = entries.filter(period=period)
    exported = table_export(request, lambda: [_risk_table(list(entries))])
    if exported is not None:
        return exported
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/risks.html",
        {
            "page": page,
            "form": form if may_enter else None,
            "period": period,
            "quarters": quarter_choices(),
        },
    )


def _backlog_table(entries: list[BacklogCase]) -> Table:
    return Table(
        id="backlog",
        title=_("Backlog campaign"),
        header=[
            _("case number"),
            _("received on"),
            _("subject category"),
            _("unit concerned"),
            _("lead official"),
            _("listed on"),
            _("progress"),
            _("resolved on"),
        ],
        rows=[
            [
                e.case.number,
                e.case.received_on,
                e.case.get_category_display(),
                e.case.concerned_unit.name,
                e.lead_official,
                e.listed_on,
                e.progress,
                e.resolved_on,
            ]
            for e in entries
        ],
    )


@requires_in_request(Action.PETITION_VIEW, load=my_area)
def backlog(request: HttpRequest, area: PetitionArea) -> HttpResponseBase:
    entries = backlog_visible(user=request.user)
    if request.method == "POST":
        entry = get_object_or_404(entries, pk=request.POST.get("entry", "0"))
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                backlog_progress(
                    user=request.user,
                    entry=entry,
                    progress=form.cleaned_data["progress"],
                    resolved_on=form.cleaned_data["resolved_on"],
                )
            except InputError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Recorded."))
        else:
            messages.error(request, _form_errors(form))
        return redirect("petitions:backlog")
    exported = table_export(request, lambda: [_backlog_table(list(entries))])
    if exported is not None:
        return exported
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    # Every case listed is one the user sees; a role that handles cases handles every
    # case it sees (org/access.py: WITHIN, or OWNED by the office or the routed department).
    handles = Action.PETITION_HANDLE in granted_actions(request.user)
    return render(
        request,
        "petitions/backlog.html",
        {
            "page": page,
            "handles": handles,
            "resolved": entries.filter(resolved_on__isnull=False).count(),
            "total": page.paginator.count,
        },
    )
