"""Refusals at start: EduPlan does not run in production on the public development key.

Django's system checks run before every server and command (`runserver`, `migrate`,
`eduplan …`); `eduplan/wsgi.py` asks the same question before a WSGI server serves.
Settings themselves never raise, so tools that only read them (mypy) still work.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

ERR_DEVELOPMENT_KEY = (
    "SECRET_KEY is not set: EduPlan will not run in production (DEBUG off) on the public "
    "development key. Set SECRET_KEY to a long random value (python3 -c 'import secrets; "
    "print(secrets.token_urlsafe(50))'), or DJANGO_ENV=development on a development machine."
)


def development_key_in_production() -> bool:
    """Whether this production process (DEBUG off) would sign with the public key."""
    return (
        settings.PRODUCTION
        and not settings.DEBUG
        and settings.SECRET_KEY in {settings.DEVELOPMENT_SECRET_KEY, ""}
    )


@checks.register(checks.Tags.security)
def secret_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if development_key_in_production():
        return [checks.Error(ERR_DEVELOPMENT_KEY, id="eduplan.E001")]
    return []


def refuse_insecure_start() -> None:
    """Raise, with the message, if this process must not serve."""
    if development_key_in_production():
        raise ImproperlyConfigured(ERR_DEVELOPMENT_KEY)
