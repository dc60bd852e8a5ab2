"""Nothing is fetched from the internet. Every template, every stylesheet and script we
write and every vendored one a template loads is scanned for a reference that would make
the browser fetch from another host; and the base page of each role, rendered, loads only
assets this server holds. (This replaces a crawl of every reachable page: the pages are
made from these templates, so scanning the templates covers the pages not crawled.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

import eduplan

PACKAGE = Path(eduplan.__file__).resolve().parent
# src/href/action/poster/srcset/data pointing at another host, CSS loading from one, or a
# script fetching or importing from one.
EXTERNAL = re.compile(
    r"""(?:src|href|action|poster|srcset|data)\s*=\s*["'`]\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//"""
    r"""|(?:fetch|import|importScripts|EventSource|WebSocket)\s*\(\s*["'`]\s*(?:(?:https?|wss?):)?//""",
    re.I,
)
STATIC_TAG = re.compile(r"""\{%\s*static\s+["']([^"']+)["']""")
LOADED = re.compile(r"""<(?:link|script)\b[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)


def external_references(text: str, source: str) -> list[str]:
    """Each reference in `text` to another host, as `source:line: the line`."""
    return [
        f"{source}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if EXTERNAL.search(line)
    ]


def templates() -> list[Path]:
    return sorted(PACKAGE.glob("**/templates/**/*.html"))


def shipped_static() -> list[Path]:
    """Our own stylesheets and scripts, and every static file a template names."""
    ours = [p for p in PACKAGE.glob("*/static/**/*") if p.suffix in {".css", ".js"}]
    named = {name for t in templates() for name in STATIC_TAG.findall(t.read_text("utf-8"))}
    vendored = []
    for name in sorted(named):
        found = finders.find(name)
        assert found, f"a template names {name}, which no static finder holds"
        vendored.append(Path(found))
    return sorted(set(ours) | set(vendored))


def test_the_scan_covers_every_template_and_the_assets_the_base_page_loads():
    names = {str(p.relative_to(PACKAGE)) for p in templates()}
    assert "templates/base.html" in names and len(names) >= 40
    shipped = {p.name for p in shipped_static()}
    assert {
        "eduplan.css",
        "charts.js",
        "bootstrap.min.css",
        "bootstrap-icons.min.css",
        "htmx.min.js",
        "echarts.min.js",
    } <= shipped


def test_no_template_stylesheet_or_script_refers_to_another_host():
    offenders = [
        found
        for path in [*templates(), *shipped_static()]
        for found in external_references(path.read_text("utf-8"), path.name)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "line",
    [
        '<script src="https://cdn.jsdelivr.net/npm/echarts/dist/echarts.min.js"></script>',
        "<link rel=\"stylesheet\" href='//fonts.googleapis.com/css?family=Noto'>",
        '<img src = "http://example.org/logo.png">',
        '<form action="https://example.org/collect" method="post">',
        '<img srcset="//cdn.example.org/a.png 2x">',
        '<object data="https://example.org/map.svg"></object>',
        "@import url(https://fonts.googleapis.com/css2?family=Noto+Sans+SC);",
        '@import "//fonts.example.org/x.css";',
        "  background: url( '//cdn.example.org/bg.png' );",
        "  src: url(https://example.org/font.woff2) format('woff2');",
        'fetch("https://api.example.org/figures")',
        "const m = await import('https://esm.sh/htmx.org');",
        "new WebSocket(`wss://example.org/live`)",
    ],
)
def test_the_scanner_names_a_line_that_loads_from_another_host(line):
    text = f"<div>\n{line}\n</div>\n"
    assert external_references(text, "bad.html") == [f"bad.html:2: {line.strip()}"]


@pytest.mark.parametrize(
    "line",
    [
        '<script src="/static/vendor/echarts/echarts.min.js"></script>',
        '<link rel="stylesheet" href="{% static \'eduplan/eduplan.css\' %}">',
        '<a href="/public/?district=410105">金水区</a>',
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        "  src: url(fonts/bootstrap-icons.woff2) format('woff2');",
        '<meta http-equiv="refresh" content="300">',
        "/* see https://getbootstrap.com/ */",
        'fetch("/dashboards/charts/?at=2016B6")',
    ],
)
def test_the_scanner_leaves_local_references_alone(line):
    assert external_references(line, "good.html") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "url", "shows"),
    [
        (None, "/accounts/login/", "登录"),
        (None, "/public/", "公开"),
        ("lee", "/", "郑州市教育局"),
        ("sue", "/", "郑州市教育局"),
        ("dan", "/", "基础教育处"),
        ("bob", "/", "金水区"),
        ("alice", "/", "金水一小"),
    ],
)
def test_the_base_page_of_each_role_loads_only_assets_this_server_holds(city, username, url, shows):
    client = Client()
    if username:
        client.force_login(city.users[username])
    response = client.get(url, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and shows in body
    assert external_references(body, url) == []
    loaded = LOADED.findall(body)
    assert any(a.endswith("bootstrap.min.css") for a in loaded), loaded
    for asset in loaded:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
