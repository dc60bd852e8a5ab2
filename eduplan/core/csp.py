"""django-csp's middleware with the site's policy built once.

django-csp builds the header from the settings on every response, and the report-only
one too: a fifth of a millisecond of every request, for a string that only changes with
the settings. Here a response that asks for nothing of its own (no nonce read, no view's
`csp_update`/`csp_replace`/`csp_exempt`, no report-only policy configured) gets the policy
built once per settings object; any other goes through django-csp unchanged.
"""

from __future__ import annotations

import http.client
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# What a view or the settings may set that makes a response's policy its own.
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
# The policy built, by the settings object it was built from (kept, so its id is not
# reused): a test's override_settings gets its own.
_built: dict[int, tuple[Any, str]] = {}


def _site_policy(config: Any) -> str:
    found = _built.get(id(config))
    if found is None or found[0] is not config:
        found = _built[id(config)] = (config, build_policy())
    return found[1]


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        plain = (
            config
            and not config.get("EXCLUDE_URL_PREFIXES")
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in _OWN_POLICY)
        )
        if not plain:
            return super().process_response(request, response)
        if not (settings.DEBUG and response.status_code in _DEBUG_EXEMPT):
            if HEADER not in response:
                response[HEADER] = _site_policy(config)
            # As django-csp does: a nonce asked for after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
