"""Nothing is fetched from the internet: every page reachable by following links, for a
leader, a district official, a school and an anonymous visitor, and every stylesheet those
pages load, name only this server."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client

# src/href/action/poster/srcset pointing at another host, or CSS loading from one.
EXTERNAL = re.compile(
    r"""(?:src|href|action|poster|srcset|data)\s*=\s*["']\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.I,
)
LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#]+)""", re.I)
SKIP = ("/accounts/logout/", "/admin/", "/i18n/", "/api/")
LIMIT = 120


def crawl(client: Client, start: list[str]) -> dict[str, str]:
    """Every same-site page and asset reachable from `start` (up to LIMIT pages)."""
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        if url.startswith("/static/"):
            seen[url] = "asset"
            continue
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            seen[url] = ""
            continue
        body = response.content.decode()
        seen[url] = body
        for link in LINK.findall(body):
            absolute = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(absolute)
            if parts.netloc or parts.scheme:
                continue  # an external link: caught by EXTERNAL below
            if "export=" in parts.query or parts.path.endswith((".docx", ".xlsx")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def test_no_page_or_stylesheet_refers_to_another_host(as_user):
    starts = ["/", "/dashboards/", "/dashboards/districts/", "/public/", "/targets/", "/reports/"]
    pages: dict[str, str] = {}
    for username in ("leader", "jinshui", "jinshui-school1", None):
        pages.update({f"{username}:{u}": b for u, b in crawl(_client(username), starts).items()})
    html = {url: body for url, body in pages.items() if body and body != "asset"}
    assert len(html) >= 25, sorted(html)
    offenders = {url: EXTERNAL.findall(body) for url, body in html.items() if EXTERNAL.search(body)}
    assert offenders == {}
    stylesheets = {u.split(":", 1)[1] for u in pages if u.endswith(".css")}
    assert stylesheets
    for url in stylesheets:
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        assert not EXTERNAL.search(Path(path).read_text(encoding="utf-8")), url
