"""Deliverables (里程碑) named in a measure's or a work point's text: a document issued
(出台《…》, 制订/制定/拟定《…》), a body set up (成立…领导小组/工作室/委员会), a meeting held
(召开…会), a system built or put into trial (建成…平台并试运行), a pilot or piece of work
started (启动…, 开展…试点).

Pure Python: the plan import proposes these as unconfirmed tasks and milestones, and the
curated Zhengzhou breakdown is checked against the same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCUMENT = "document"
BODY = "body"
MEETING = "meeting"
SYSTEM = "system"
PILOT = "pilot"
KINDS = (DOCUMENT, BODY, MEETING, SYSTEM, PILOT)

# A clause ends at a comma, full stop, semicolon or colon.
_CLAUSE = r"[^，,。；;：:]"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        DOCUMENT,
        re.compile(r"((?:研究)?(?:出台|制订|制定|拟定))(?:并落实)?《([^》]{2,80})》"),
    ),
    (
        BODY,
        re.compile(
            rf"成立({_CLAUSE}{{0,60}}?(?:领导小组|工作室|委员会|推进办|工作组))"
            r"(?=[，,。；;和及]|$)"
            rf"(?:[和及]{_CLAUSE}*?(?:领导小组|工作室|委员会|推进办|工作组))*"
        ),
    ),
    (MEETING, re.compile(rf"(?:召开|承办)({_CLAUSE}{{1,40}}?会)(?=[，,。；;]|$)")),
    (
        SYSTEM,
        re.compile(
            rf"建成({_CLAUSE}{{1,80}}(?:平台|系统|中心|基地))(?:[，,]?并试运行)?"
            rf"|推动({_CLAUSE}{{1,30}}?平台)试运行"
        ),
    ),
    (PILOT, re.compile(rf"启动(?![、])({_CLAUSE}{{2,60}})|开展({_CLAUSE}{{2,60}}?试点)")),
)
_YEAR_RE = re.compile(r"(20\d\d)年")


@dataclass(frozen=True)
class Deliverable:
    """One deliverable found in a text: its kind, a title as the plan words it, the
    document's title for a document, its year, and where it was written."""

    kind: str
    title: str
    document: str
    year: int | None
    start: int
    end: int


def _title(kind: str, match: re.Match[str]) -> str:
    text = match.group(0)
    if kind == SYSTEM:
        text = text.replace("，并试运行", "并试运行").replace(",并试运行", "并试运行")
    if kind == DOCUMENT and text.startswith("研究"):
        text = text[len("研究") :]
    if kind == PILOT and text.startswith("启动开展"):
        text = "启动" + text[len("启动开展") :]
    return text


def deliverables_find(text: str, *, year: int | None = None) -> list[Deliverable]:
    """Every deliverable in `text`, in the order written; `year` is the year the text is
    about (a year written in the clause wins). One match per place: a document set up
    by 启动 is not found twice."""
    found: list[Deliverable] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            clause_start = max(text.rfind(c, 0, start) for c in "，,。；;") + 1
            written = _YEAR_RE.search(text, clause_start, end)
            found.append(
                Deliverable(
                    kind=kind,
                    title=_title(kind, match),
                    document=match.group(2) if kind == DOCUMENT else "",
                    year=int(written.group(1)) if written else year,
                    start=start,
                    end=end,
                )
            )
    return sorted(found, key=lambda d: d.start)
