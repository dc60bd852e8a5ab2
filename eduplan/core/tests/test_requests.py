"""Request bodies are bounded at the edge (413 before or while reading, the rest never
read) and every text value is cleaned before a view sees it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.test import RequestFactory

from eduplan.core.requests import RequestEdgeMiddleware

GB = 1024**3


class StreamedBody(io.RawIOBase):
    """A request body of `size` bytes made on demand (never held whole), counting what
    the server reads of it."""

    def __init__(self, size: int, head: bytes = b"") -> None:
        self.size, self.head, self.sent = size, head, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.size - self.sent)
        if n <= 0:
            return 0
        chunk = (self.head[self.sent : self.sent + n]).ljust(n, b"x")
        buffer[:n] = chunk
        self.sent += n
        return n


def call(environ: dict[str, Any]) -> tuple[str, bytes]:
    status: list[str] = []

    def start_response(s: str, _headers: Any, _exc: Any = None) -> None:
        status.append(s)

    body = b"".join(WSGIHandler()(environ, start_response))
    return status[0], body


def environ(body: StreamedBody, content_type: str) -> dict[str, Any]:
    request = RequestFactory().post("/accounts/login/", content_type=content_type)
    env = dict(request.environ)
    env["wsgi.input"] = io.BufferedReader(body)
    env["CONTENT_LENGTH"] = str(body.size)
    return env


def multipart_head(name: str) -> tuple[bytes, str]:
    boundary = "hostileboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    return head, f"multipart/form-data; boundary={boundary}"


@pytest.mark.django_db
def test_a_2_gb_body_is_refused_by_its_length_before_a_byte_is_read(settings) -> None:
    head, content_type = multipart_head("big.pdf")
    body = StreamedBody(2 * GB, head)
    status, text = call(environ(body, content_type))
    limit = filesizeformat(settings.EDUPLAN_REQUEST_MAX_BYTES)
    assert status.startswith("413") and limit in text.decode()
    assert body.sent == 0


@pytest.mark.django_db
def test_a_2_gb_upload_the_gateway_let_through_stops_at_the_file_limit(settings) -> None:
    settings.EDUPLAN_REQUEST_MAX_BYTES = 4 * GB  # as if nothing in front refused it
    head, content_type = multipart_head("视频.pdf")
    body = StreamedBody(2 * GB, head)
    status, text = call(environ(body, content_type))
    assert status.startswith("413") and "视频.pdf" in text.decode()
    # Read up to the limit and one buffer past it, never the rest.
    assert settings.EDUPLAN_UPLOAD_MAX_BYTES < body.sent < settings.EDUPLAN_UPLOAD_MAX_BYTES + 2**20


@pytest.mark.django_db
def test_a_json_body_over_the_data_limit_is_refused_before_it_is_read() -> None:
    body = StreamedBody(2 * GB)
    env = environ(body, "application/json")
    env["PATH_INFO"] = "/api/v1/forms/"
    env["CONTENT_LENGTH"] = str(10 * 1024 * 1024)
    status, text = call(env)
    assert status.startswith("413") and b'"detail"' in text and body.sent == 0


def test_form_fields_and_query_values_reach_the_view_cleaned() -> None:
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["post"], seen["get"] = request.POST.dict(), request.GET.dict()
        return HttpResponse()

    hostile = "进度\x0b过半\x00\x1b\u202e\u200f"
    request = RequestFactory().post(f"/x/?q={hostile}", {"narrative": hostile, "n": "1"})
    RequestEdgeMiddleware(view)(request)
    assert seen["post"] == {"narrative": "进度\n过半\u202e\u200f", "n": "1"}
    assert seen["get"] == {"q": "进度\n过半\u202e\u200f"}


def test_a_clean_form_is_passed_on_as_it_came() -> None:
    seen: list[Any] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.POST)
        return HttpResponse()

    request = RequestFactory().post("/x/", {"narrative": "已完成\n第二行"})
    original = request.POST
    RequestEdgeMiddleware(view)(request)
    assert seen == [original]
