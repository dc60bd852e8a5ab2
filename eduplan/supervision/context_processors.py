from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from eduplan.org.access import granted_actions
from eduplan.supervision.selectors import inbox_unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's unread inbox messages, for the menu (one query a page)."""
    if not request.user.is_authenticated or not granted_actions(request.user):
        return {"unread": 0}
    return {"unread": inbox_unread_count(user=request.user)}
