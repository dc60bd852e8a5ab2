"""The front door: home redirects to what the user may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from eduplan.org.access import public
from eduplan.plans.selectors import plans_visible_to


@public
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    plans = plans_visible_to(user=request.user)
    if plans:
        return redirect("plan_overview", code=plans[0].code)
    return redirect("my_unit")
