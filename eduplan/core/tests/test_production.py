"""Production settings: the Content-Security-Policy's promise that no template carries an
inline script, event handler or style; `check --deploy` clean with production settings;
no start on the public development key; the secure settings production turns on."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_ROOTS = [settings.BASE_DIR]
TEMPLATE_TAG = re.compile(r"{%.*?%}|{#.*?#}", re.S)
TEMPLATE_VARIABLE = re.compile(r"{{.*?}}", re.S)
HTML_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>", re.S)
EVENT_HANDLER = re.compile(r"(?:^|\s)on[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.I)
SCRIPT_SOURCE = re.compile(r"(?:^|\s)src\s*=", re.I)


def inline_code(html: str) -> list[str]:
    """What in a template the Content-Security-Policy would refuse: an inline <script>,
    a <style> element, an on…= handler, a style= attribute or a javascript: URL."""
    text = TEMPLATE_VARIABLE.sub("X", TEMPLATE_TAG.sub(" ", html))
    found = []
    for match in HTML_TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2)
        if (
            (name == "script" and not SCRIPT_SOURCE.search(attributes))
            or name == "style"
            or EVENT_HANDLER.search(attributes)
            or STYLE_ATTRIBUTE.search(attributes)
            or "javascript:" in attributes.lower()
        ):
            found.append(match.group(0))
    return found


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<select onchange="this.form.submit()">',
        '<td style="width: 5rem">',
        '<div class="x" style="grid-row: {{ t.row }}">',
        "<style>.a { color: red }</style>",
        '<a href="javascript:void(0)">',
        '<button type="button"\n  onclick="go()">',
    ],
)
def test_the_scan_finds_each_kind_of_inline_code(html):
    assert inline_code(html)


@pytest.mark.parametrize(
    "html",
    [
        "<script src=\"{% static 'eduplan/eduplan.js' %}\" defer></script>",
        '<select data-autosubmit name="at">',
        '{% include "dashboards/_status.html" with style=row.style label=row.label %}',
        '<div class="district-tile" data-colour="{{ t.colour }}">',
        '{{ charts|json_script:"charts-data" }}',
    ],
)
def test_the_scan_lets_external_scripts_data_attributes_and_template_tags_pass(html):
    assert inline_code(html) == []


def test_no_template_carries_inline_script_handler_or_style():
    templates = sorted(
        path
        for root in TEMPLATE_ROOTS
        for path in Path(root).rglob("*.html")
        if "templates" in path.parts
    )
    assert len(templates) > 50
    found = {
        str(path.relative_to(settings.BASE_DIR)): hits
        for path in templates
        if (hits := inline_code(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_every_page_carries_the_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def eduplan(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `eduplan ARGS` in a fresh process with only the given settings variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "EDUPLAN"))}
    base.pop("SECRET_KEY", None)
    base.pop("DEBUG", None)
    base.update(
        {
            "EDUPLAN_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/eduplan.sqlite3",
            "ALLOWED_HOSTS": "eduplan.example",
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "eduplan", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_with_production_settings_prints_no_warning(tmp_path):
    done = eduplan(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues (0 silenced)" in done.stdout
    assert "WARNINGS" not in done.stdout + done.stderr


@pytest.mark.parametrize("environment", [{}, {"DJANGO_ENV": "production"}])
def test_production_refuses_to_start_on_the_development_key(tmp_path, environment):
    """Production is the default when DJANGO_ENV is unset."""
    done = eduplan(tmp_path, "check", **environment)
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr and "DJANGO_ENV=development" in done.stderr


def test_a_wsgi_server_refuses_to_serve_on_the_development_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "SECRET_KEY", "DEBUG"}}
    served = subprocess.run(
        [sys.executable, "-c", "import eduplan.wsgi"],
        env=env | {"EDUPLAN_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert served.returncode != 0 and "SECRET_KEY is not set" in served.stderr


def test_development_runs_on_the_development_key(tmp_path):
    done = eduplan(tmp_path, "check", DJANGO_ENV="development")
    assert done.returncode == 0, done.stderr


# The settings module alone (no app loaded): what production and development set.
SHOW_SETTINGS = (
    "import eduplan.settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (
            {"DJANGO_ENV": "production"},
            "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')",
        ),
        ({"DJANGO_ENV": "development"}, "False False False 0 None"),
        (
            {"DJANGO_ENV": "production", "EDUPLAN_SSL_REDIRECT": "false"},
            "True True False 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')",
        ),
    ],
)
def test_production_turns_on_secure_cookies_hsts_redirect_and_the_proxy_header(
    tmp_path, environment, expected
):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_ENV", "EDUPLAN_"))}
    env |= {"EDUPLAN_VAR_DIR": str(tmp_path), "SECRET_KEY": secrets.token_urlsafe(50)}
    done = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        env=env | environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == expected
