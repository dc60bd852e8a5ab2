"""Rules the test suite keeps: every `pytest.raises` pins the message it expects, and
nothing in the test commands deselects the browser tests."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def raises_without_match(source: str, name: str) -> list[str]:
    """Each `pytest.raises(...)` call in `source` that has no `match=`, as `name:line`."""
    return [
        f"{name}:{node.lineno}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "raises"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "pytest"
        and not any(keyword.arg == "match" for keyword in node.keywords)
    ]


def test_every_pytest_raises_pins_the_message():
    tests = sorted(p for folder in ("eduplan", "bench") for p in (REPO / folder).rglob("test_*.py"))
    assert len(tests) > 50
    unpinned = [
        found
        for path in tests
        for found in raises_without_match(path.read_text("utf-8"), str(path.relative_to(REPO)))
    ]
    assert unpinned == []


def test_the_scanner_finds_a_raises_without_match():
    source = (
        "import pytest\n"
        "def test_x():\n"
        "    with pytest.raises(ValueError):\n"
        "        int('x')\n"
        "    with pytest.raises(ValueError, match='invalid literal'):\n"
        "        int('x')\n"
    )
    assert raises_without_match(source, "t.py") == ["t.py:3"]


@pytest.mark.parametrize("path", ["run", ".ci/run"])
def test_the_test_commands_do_not_deselect_the_browser_tests(path):
    text = (REPO / path).read_text("utf-8")
    assert "not browser" not in text and "--deselect" not in text
    runs = [
        line
        for line in text.splitlines()
        if ("pytest" in line or "./run test" in line) and not line.lstrip().startswith("#")
    ]
    assert runs and not [line for line in runs if " -m " in line or " -k " in line]


def test_the_pytest_settings_do_not_deselect_the_browser_tests():
    options = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    settings = options["ini_options"]
    assert "-m" not in settings["addopts"].split() and "not browser" not in settings["addopts"]
    assert any(marker.startswith("browser:") for marker in settings["markers"])
