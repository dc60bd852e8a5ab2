"""The catalogue keeps the glossary's words (docs/glossary.md): 目标 for a target and
指标 only for an indicator or a metric; 推进步骤 for a milestone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every live entry (plural forms joined)."""
    entries = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        name = ""
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if match:
                name = match.group(1)
                fields[name] = json.loads(match.group(2))
            elif line.startswith('"') and name:
                fields[name] += json.loads(line)
        if fields.get("msgid"):
            msgid = fields["msgid"] + " " + fields.get("msgid_plural", "")
            msgstr = " ".join(v for k, v in fields.items() if k.startswith("msgstr"))
            entries.append((msgid, msgstr))
    return entries


ENTRIES = _entries()


def test_the_catalogue_is_read():
    assert len(ENTRIES) > 500


@pytest.mark.parametrize(
    ("msgid", "msgstr"), [e for e in ENTRIES if re.search(r"\btargets?\b", e[0], re.I)]
)
def test_a_target_is_a_目标_never_an_指标(msgid, msgstr):
    if not re.search(r"\b(metric|indicator)s?\b", msgid, re.I):
        assert "指标" not in msgstr


@pytest.mark.parametrize(
    ("msgid", "msgstr"), [e for e in ENTRIES if re.search(r"milestone", e[0], re.I)]
)
def test_a_milestone_is_a_推进步骤(msgid, msgstr):
    assert "推进步骤" in msgstr


def test_no_other_word_for_a_milestone_is_left():
    assert [e for e in ENTRIES if re.search("里程碑|节点", e[1])] == []
