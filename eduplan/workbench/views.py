"""The 工作台 (my work): the page each role lands on after logging in (a leader goes on
to the cockpit), the menu's badges (fetched by htmx after the page, so no page pays for
them), and the settings page for notices."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.org.access import Action, membership_of, my_scope, requires_in_request, signed_in
from eduplan.org.models import OrgUnit, Role
from eduplan.workbench.selectors import work_counts, workbench_for
from eduplan.workbench.services import notice_choice_of, notice_choice_save


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def home(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is not None and membership.role == Role.LEADER:
        return redirect("dashboards:cockpit")
    today = timezone.localdate()
    return render(
        request,
        "workbench/home.html",
        {"work": workbench_for(user=request.user, day=today), "today": today, "scope": scope},
    )


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def badges(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    """The menu's counts, as out-of-band htmx fragments."""
    return render(request, "workbench/_badges.html", {"counts": work_counts(user=request.user)})


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def notice_settings(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    user = signed_in(request.user)
    email, by_email, error = user.email, notice_choice_of(user=user), ""
    if request.method == "POST":
        email = request.POST.get("email", "")
        by_email = request.POST.get("by_email") == "on"
        try:
            notice_choice_save(user=user, email=email, by_email=by_email)
        except InputError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your notice settings are saved"))
            return redirect("workbench:settings")
    return render(
        request,
        "workbench/settings.html",
        {"email": email, "by_email": by_email, "error": error},
        status=400 if error else 200,
    )
