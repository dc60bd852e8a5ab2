"""Idempotency keys: a write retried with the same key is stored once and answered as the
first time; the same key with another request is refused. One store (`IdempotencyKey`)
for every way in (web form, xlsx, API)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from eduplan.core.db import insert_unless_present
from eduplan.core.errors import InputError
from eduplan.org.access import SignedInUser
from eduplan.reporting.models import IdempotencyKey, Submission

ERR_KEY_REUSED = gettext_lazy("This idempotency key was used for a different request.")


class KeyReused(InputError):
    """The idempotency key was used before for a different request; nothing was stored."""

    def __init__(self, key: str) -> None:
        super().__init__(str(ERR_KEY_REUSED), where=key)


def _fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotency_key_claim(
    *, user: SignedInUser, key: str, request: dict[str, Any]
) -> tuple[IdempotencyKey | None, Submission | None]:
    """Claim an idempotency key for a save: (the key's new row, None), or (None, the
    submission the first save with this key returned) for a retry to replay. Refuses a
    key already used for a different save."""
    fingerprint = _fingerprint(request)
    # Claim the key first: a concurrent retry waits on this row and then replays. One
    # statement, no savepoint: a key already there is not an error to roll back.
    claimed = IdempotencyKey(user=user, key=key, fingerprint=fingerprint)
    if insert_unless_present(claimed):
        return claimed, None
    replay = IdempotencyKey.objects.select_related("submission").get(user=user, key=key)
    if replay.fingerprint != fingerprint or replay.submission is None:
        raise KeyReused(key)
    return None, replay.submission


@transaction.atomic(savepoint=False)  # inside the write's transaction: no savepoint of its own
def idempotency_key_response(
    *, user: SignedInUser, key: str, build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The response to the keyed write just saved: `build()` the first time, stored with the
    key, and the stored one, unchanged, for every retry (call it in the write's transaction,
    after `submission_save` with the same key)."""
    row = IdempotencyKey.objects.select_for_update().get(user=user, key=key)
    if row.response is None:
        row.response = build()
        row.save(update_fields=["response"])
    response: dict[str, Any] = row.response
    return response
