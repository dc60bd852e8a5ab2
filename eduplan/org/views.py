"""The user's own unit: a redirect to its page (shown by construction, which adds the
class-size census)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from eduplan.org.access import public, scope_of


@public
def my_unit(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope is None:
        return redirect("login")
    return redirect("unit_detail", code=scope.code)
