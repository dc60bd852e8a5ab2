"""Modules a newcomer can hold in their head: no source module runs past 600 lines and no
function past 80 (tests and migrations aside), as docs/ARCHITECTURE.md says."""

from __future__ import annotations

import ast
from pathlib import Path

import eduplan

SOURCE = Path(eduplan.__file__).resolve().parent
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(SOURCE.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(SOURCE).parts)
    ]


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(SOURCE).as_posix()}:{node.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_the_source_holds_modules_to_measure() -> None:
    assert len(_modules()) > 100


def test_no_source_module_runs_past_600_lines() -> None:
    long = {
        path.relative_to(SOURCE).as_posix(): n
        for path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, "split these into a package by sub-domain"


def test_no_function_runs_past_80_lines() -> None:
    long = {name for path in _modules() for name in _long_functions(path)}
    assert long == set(), "split these into named steps"
