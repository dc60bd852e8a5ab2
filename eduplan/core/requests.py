"""The edge of every request: its size and its text.

`RequestEdgeMiddleware` refuses a body larger than EDUPLAN_REQUEST_MAX_BYTES by its
Content-Length before reading a byte of it (413), reads a form's body itself so that a
file growing past EDUPLAN_UPLOAD_MAX_BYTES (`UploadLimitHandler`, first of
FILE_UPLOAD_HANDLERS) or fields past DATA_UPLOAD_MAX_MEMORY_SIZE stop the reading at the
limit (413 again, the rest never read), and cleans every text value of the query string
and the form (`core.text.text_clean`) before any view sees it. JSON bodies are cleaned
by the API's parser. The gateway in front should refuse large bodies too
(docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy

from eduplan.core.text import text_clean

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

ERR_REQUEST_TOO_LARGE = gettext_lazy(
    "The request is too large: at most %(max)s may be sent at once (a file at most %(file)s)."
)
ERR_FILE_TOO_LARGE = gettext_lazy("The file %(name)s is larger than %(max)s; nothing was stored.")
ERR_BROKEN_FORM = gettext_lazy(
    "The form could not be read (the upload was cut off or is malformed)."
)
TOO_LARGE_KEY = "eduplan.upload_too_large"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class UploadLimitHandler(FileUploadHandler):
    """Stops reading the request as soon as one file passes EDUPLAN_UPLOAD_MAX_BYTES
    (the rest of the body is never read); the middleware answers 413."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.EDUPLAN_UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.META[TOO_LARGE_KEY] = self.file_name or "file"
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _too_large(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def _sizes() -> dict[str, str]:
    """The limits as a refusal states them (made only for a refusal: formatting them in
    the reader's language costs every request a tenth of a millisecond otherwise)."""
    return {
        "max": filesizeformat(settings.EDUPLAN_REQUEST_MAX_BYTES),
        "file": filesizeformat(settings.EDUPLAN_UPLOAD_MAX_BYTES),
    }


def _cleaned(data: _ImmutableQueryDict) -> _ImmutableQueryDict:
    if not any(text_clean(v) != v for values in data.lists() for v in values[1]) and not any(
        text_clean(k) != k for k in data
    ):
        return data
    copy = QueryDict(mutable=True)
    for key, values in data.lists():
        copy.setlist(text_clean(key), [text_clean(v) for v in values])
    copy._mutable = False
    return cast("_ImmutableQueryDict", copy)


class RequestEdgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.EDUPLAN_REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return _too_large(request, str(ERR_REQUEST_TOO_LARGE) % _sizes())
        if (
            request.content_type != "multipart/form-data"
            and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ):
            return _too_large(request, str(ERR_REQUEST_TOO_LARGE) % _sizes())
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                request.POST  # noqa: B018 -- read here, where a limit can answer 413
            except RequestDataTooBig:
                return _too_large(request, str(ERR_REQUEST_TOO_LARGE) % _sizes())
            except (MultiPartParserError, UnreadablePostError):
                return HttpResponse(
                    str(ERR_BROKEN_FORM), status=400, content_type="text/plain; charset=utf-8"
                )
            name = request.META.get(TOO_LARGE_KEY)
            if name is not None:
                message = str(ERR_FILE_TOO_LARGE) % {"name": name, "max": _sizes()["file"]}
                return _too_large(request, message)
            request.POST = _cleaned(request.POST)
        request.GET = _cleaned(request.GET)
        return self.get_response(request)
