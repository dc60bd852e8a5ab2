"""Who is calling the API: a bearer token (programs) or the browser's session (pages).

A request that sends an Authorization header is judged by its token alone, so a bad
token is a 401 and never falls back to a session. A session must pass Django's CSRF
check on unsafe methods, as a form post would.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from eduplan.api.models import ApiToken
from eduplan.core.compiled_reads import CompiledRead
from eduplan.org.access import SignedInUser

TOKEN_PREFIX = "ep_"
# Writing last_used on every request would turn each read into a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=5)


def token_hash(key: str) -> str:
    """The SHA-256 a token is stored and looked up by."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class TokenExpired(AuthenticationError):
    """A known token past its expiry: refused with a 401 that names the date."""

    def __init__(self, expires: datetime.datetime) -> None:
        self.expires = expires
        super().__init__()


def api_token_create(
    *, user: SignedInUser, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for the user, valid for `days` (EDUPLAN_API_TOKEN_DAYS by default); the
    key is returned once and only its hash is stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    valid = datetime.timedelta(days=settings.EDUPLAN_API_TOKEN_DAYS if days is None else days)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), key_hash=token_hash(key), expires=timezone.now() + valid
    )
    return token, key


def _token_by_hash(key_hash: str) -> QuerySet[ApiToken]:
    # The user's membership comes in the same query, with what every access check asks of
    # it (org/access.py `membership_of` finds it there and reads it no more).
    return ApiToken.objects.select_related(
        "user", "user__membership__scope", "user__membership__department"
    ).filter(key_hash=key_hash)[:1]


# Every API request makes this read: compiled once per connection (core/compiled_reads.py).
_TOKEN_BY_HASH = CompiledRead(ApiToken, _token_by_hash, key_hash=str)


def api_token_user(*, key: str) -> SignedInUser | None:
    """The active user the token belongs to, or None; raises TokenExpired for a token
    past its expiry; notes when it was last used."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = _TOKEN_BY_HASH.first(key_hash=token_hash(key))
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires <= now:
        raise TokenExpired(token.expires)
    if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ep_…`"""

    def authenticate(self, request: HttpRequest, token: str) -> SignedInUser | None:
        user = api_token_user(key=token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session, with Django's CSRF check on unsafe methods."""

    def __call__(self, request: HttpRequest) -> Any | None:
        if "Authorization" in request.headers or not request.user.is_authenticated:
            return None
        return super().__call__(request)
