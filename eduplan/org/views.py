"""The user's own unit: a redirect to its page (shown by construction, which adds the
class-size census); the user's own password: change it, or set it from a reset link."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy

from eduplan.org.access import SignedInUser, public, scope_of
from eduplan.org.accounts import login_lockout_clear


@public
def my_unit(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope is None:
        return redirect("login")
    return redirect("unit_detail", code=scope.code)


# Every signed-in user changes their own password; the session that changes it stays
# signed in, every other session of theirs ends (Django's session hash).
password_change = public(
    login_required(
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done"))
    )
)
password_change_done = public(login_required(auth_views.PasswordChangeDoneView.as_view()))


class ResetLinkConfirmView(auth_views.PasswordResetConfirmView):
    """The page an administrator's reset link opens (`eduplan users reset-link`): a new
    password, after which the link is spent and any lockout of the account lifted."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm[SignedInUser]) -> HttpResponse:
        response = super().form_valid(form)
        login_lockout_clear(username=form.user.get_username())
        return response


password_reset_confirm = public(ResetLinkConfirmView.as_view())
password_reset_complete = public(auth_views.PasswordResetCompleteView.as_view())
