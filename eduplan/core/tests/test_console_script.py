"""The installed `eduplan` console script, run as a user runs it, on a fresh SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eduplan.demo.services import ORG_FILE, PLAN_FILE


def _eduplan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("eduplan", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "eduplan"]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env["EDUPLAN_VAR_DIR"] = str(tmp_path)
    return env


def test_plan_show_json_from_the_console_script(fresh_env):
    assert _eduplan("migrate", "--verbosity", "0", env=fresh_env).returncode == 0
    assert _eduplan("org", "load", str(ORG_FILE), env=fresh_env).returncode == 0
    assert _eduplan("plan", "load", str(PLAN_FILE), env=fresh_env).returncode == 0
    shown = _eduplan("plan", "show", "--json", env=fresh_env)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert len(data["projects"]) == 17
    assert len(data["work_points"]) == 28
    assert set(data["projects"][0]) >= {"number", "name", "goals", "targets", "measures"}
    assert set(data["work_points"][0]) >= {"number", "section", "text", "projects", "targets"}


def test_a_bad_org_file_exits_non_zero_naming_the_place(fresh_env, tmp_path):
    assert _eduplan("migrate", "--verbosity", "0", env=fresh_env).returncode == 0
    bad = tmp_path / "org.yaml"
    bad.write_text(
        "root: {code: '410100', name: 郑州市教育局}\nunits:\n"
        "  - {code: X1, name: 学校, type: primary, parent: '999'}\n",
        encoding="utf-8",
    )
    result = _eduplan("org", "load", str(bad), env=fresh_env)
    assert result.returncode != 0
    assert "999" in result.stderr and "org.yaml" in result.stderr
    count = _eduplan(
        "shell",
        "-c",
        "from eduplan.org.models import OrgUnit; print(OrgUnit.objects.count())",
        env=fresh_env,
    )
    assert count.stdout.strip().splitlines()[-1] == "0"


def test_help_lists_eduplans_own_commands_first_and_exits_zero(fresh_env):
    shown = _eduplan("--help", env=fresh_env)
    assert shown.returncode == 0, shown.stderr
    ours = shown.stdout.split("EduPlan 命令 / commands:")[1]
    for name in ("plan", "demo", "forms", "ledger", "targets", "worker"):
        assert f"\n  {name} " in ours
    assert "runserver" not in ours.split("\n\n")[0]  # Django's own come after, by name only


def test_a_command_on_an_unmigrated_database_says_to_migrate_instead_of_a_traceback(fresh_env):
    shown = _eduplan("plan", "show", env=fresh_env)
    assert shown.returncode == 1
    assert "请先运行 eduplan migrate" in shown.stderr
    assert "Traceback" not in shown.stderr


def test_opening_periods_with_no_schools_loaded_says_how_to_load_them(fresh_env):
    assert _eduplan("migrate", "--verbosity", "0", env=fresh_env).returncode == 0
    assert _eduplan("org", "load", str(ORG_FILE), env=fresh_env).returncode == 0  # no schools
    assert _eduplan("forms", "load", env=fresh_env).returncode == 0
    opened = _eduplan("forms", "open", "2016B1", env=fresh_env)
    assert opened.returncode == 0, opened.stderr
    assert "应报单位 +0（组织树中还没有" in opened.stdout
    assert "eduplan org load" in opened.stdout


def test_run_help_is_not_an_error():
    script = Path(__file__).resolve().parents[3] / "run"
    shown = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    assert "./run demo" in shown.stdout and "./run test" in shown.stdout
