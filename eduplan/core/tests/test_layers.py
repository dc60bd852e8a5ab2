"""The data-flow layers: the import contract holds, and docs/ARCHITECTURE.md lists the
same layers as the contract that `lint-imports` checks in ./run test."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import eduplan

ROOT = Path(eduplan.__file__).resolve().parent.parent


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return [
        " | ".join(name.strip().removeprefix("eduplan.") for name in layer.split("|"))
        for layer in contract["layers"]
    ]


def _documented_layers() -> list[str]:
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = doc.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert match, "docs/ARCHITECTURE.md: the Layers section has no list"
    return match.group(1).split("\n")[:-1]


def test_the_architecture_page_lists_the_layers_of_the_contract() -> None:
    assert _documented_layers() == _contract_layers()
    assert _contract_layers()[-1] == "core"


def test_every_app_stands_in_a_layer() -> None:
    apps = {path.parent.name for path in (ROOT / "eduplan").glob("*/apps.py")}
    layered = {name.strip() for layer in _contract_layers() for name in layer.split("|")}
    assert apps == layered


def test_no_app_imports_from_a_layer_above_its_own() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-logo", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout
