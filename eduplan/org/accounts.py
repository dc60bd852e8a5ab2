"""Accounts: who a login attempt comes from, sessions that end after inactivity,
administrator-issued reset links and unlocking an account locked out after repeated
failed logins (django-axes)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import ngettext_lazy

from eduplan.core.errors import InputError
from eduplan.org.access import SignedInUser

# Django 5.2's own message for a short password, which its Chinese catalog lacks: named
# here so that EduPlan's catalog keeps its translation.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
NO_SUCH_USER = "没有用户：{username}"
USER_INACTIVE = "用户已停用：{username}"


def client_ip(request: HttpRequest) -> str:
    """The client's address: the gateway's header when one is configured
    (EDUPLAN_CLIENT_IP_HEADER), else the connection's."""
    header = settings.EDUPLAN_CLIENT_IP_HEADER
    if header:
        forwarded = str(request.META.get(header, ""))
        # X-Forwarded-For lists the client first, then each proxy on the way.
        address = forwarded.split(",")[0].strip()
        if address:
            return address
    return str(request.META.get("REMOTE_ADDR", ""))


# A signed-in session lives SESSION_COOKIE_AGE (30 minutes) after it was last renewed;
# renewing writes the session, so it is done at most once a minute rather than on every
# request (which would add a write to each page).
SESSION_SEEN = "eduplan_seen"
SESSION_RENEW_SECONDS = 60


def session_seen_note(*, request: HttpRequest) -> None:
    """Note now as the session's last activity (it is then saved with a new expiry)."""
    request.session[SESSION_SEEN] = int(time.time())


def session_seen_on_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_seen_note(request=request)


class SessionIdleMiddleware:
    """Renews a signed-in session's expiry while it is in use: a session unused for
    SESSION_COOKIE_AGE ends (the database keeps its expiry date)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            seen = request.session.get(SESSION_SEEN)
            if not isinstance(seen, int) or time.time() - seen >= SESSION_RENEW_SECONDS:
                session_seen_note(request=request)
        return self.get_response(request)


def user_get_active(*, username: str) -> SignedInUser:
    """The active user of that name, or an InputError naming it."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise InputError(NO_SUCH_USER.format(username=username))
    if not user.is_active:
        raise InputError(USER_INACTIVE.format(username=username))
    return user


@dataclass(frozen=True)
class ResetLink:
    url: str
    expires: datetime.datetime


def user_reset_link_issue(*, username: str) -> ResetLink:
    """A one-time link that lets the user set a new password, valid for
    PASSWORD_RESET_TIMEOUT: it stops working once used (the password it hashes changes)
    or once the user logs in."""
    user = user_get_active(username=username)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    expires = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return ResetLink(url=settings.EDUPLAN_SITE_URL.rstrip("/") + path, expires=expires)


def login_lockout_clear(*, username: str | None = None, ip_address: str | None = None) -> int:
    """Unlock an account or an address locked out after failed logins; the number of
    failure records removed."""
    if username is not None:
        user_get_active(username=username)
    return int(axes_reset(username=username, ip=ip_address))
