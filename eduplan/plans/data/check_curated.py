"""Check the curated Zhengzhou 2016 plan (zhengzhou-2016.yaml) against its sources.

Run:  .venv/bin/python eduplan/plans/data/check_curated.py
      [--yaml F] [--gold F] [--plan F] [--org F]

Checks the structure (17 projects, 8 sections, 28 work points), owners (codes exist in
org/data/zhengzhou.yaml, exactly one lead), work point -> project links, and that every
gold target appears exactly once at its place with identical fields and that there are no
extra targets. The one allowed difference from gold: a gold 学前教育双90% target is curated
as two targets (学前三年毛入园率 and 普惠率, both with pair: 双90%). When the plan text is
available it also checks that names, titles, goal texts, measures, milestones and work
point texts are quoted from it verbatim. Exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eduplan.core.numbers import chinese_number, chinese_number_value

HERE = Path(__file__).resolve().parent
DEFAULT_YAML = HERE / "zhengzhou-2016.yaml"
DEFAULT_ORG = HERE.parent.parent / "org" / "data" / "zhengzhou.yaml"
# The plan text, its gold targets and their exchange format, kept in the repository so
# that every check runs everywhere (CI included) and none can skip for a missing file.
SOURCES = HERE / "sources"
DEFAULT_GOLD = SOURCES / "zhengzhou-2016-plan.gold.json"
DEFAULT_PLAN = SOURCES / "zhengzhou-2016-plan.txt"

FIELDS = (
    "value",
    "value_max",
    "unit",
    "comparator",
    "change",
    "baseline_year",
    "year",
    "indicator",
    "source",
)
OPTIONAL_TARGET_KEYS = {"pair", "note", "restates"}
COMPARATORS = {">=", "<=", "=", "between"}
CHANGES = {None, "increase", "decrease"}
HORIZON_YEAR = {"three_year": 2018, "annual": 2016}
WORK_POINT_YEAR = 2016
PAIR_GOLD_INDICATOR = "学前教育双90%"
PAIR_NAME = "双90%"
PAIR_INDICATORS = ("学前三年毛入园率", "普惠率")
N_PROJECTS, N_SECTIONS, N_WORK_POINTS = 17, 8, 28
TRAILING_PUNCT = "，。；、：！？,.;:!?"

# A target's place: ("project", 3, "annual") or ("work_point", 12).
Place = tuple[Any, ...]
Data = dict[str, Any]  # a mapping read from YAML or JSON


@dataclass
class Checker:
    """The problems found so far, the plan text the checks quote from (None when the
    file is missing: the verbatim checks are skipped) and every curated target met, with
    its place, for the comparison with gold."""

    plan_text: str | None
    errors: list[str] = field(default_factory=list)
    curated: list[tuple[Place, Data]] = field(default_factory=list)
    plan_lines: set[str] = field(init=False)  # the text's paragraphs, stripped

    def __post_init__(self) -> None:
        text = self.plan_text
        self.plan_lines = {ln.strip() for ln in text.splitlines()} if text else set()

    def check(self, cond: bool, msg: str) -> bool:
        if not cond:
            self.errors.append(msg)
        return cond

    def quoted(self, s: Any, what: str) -> None:
        """s must occur verbatim in the plan text."""
        if self.plan_text is None:
            return
        self.check(
            bool(isinstance(s, str) and s and s in self.plan_text),
            f"{what}: not found verbatim in plan text: {s!r}",
        )


@dataclass
class Counts:
    """What the report prints besides the problems."""

    goals: int = 0
    measures: int = 0
    milestones: int = 0
    work_points: list[Any] = field(default_factory=list)  # their numbers, in order
    gold: int = 0
    split: int = 0  # gold 双90% targets curated as two


def gold_place(section: str) -> Place:
    m = re.fullmatch(r"第(.+)项工程 (三年总目标|2016年)", section)
    number = chinese_number_value(m.group(1)) if m else None
    if m and number is not None:
        return (
            "project",
            number,
            "three_year" if m.group(2) == "三年总目标" else "annual",
        )
    m = re.fullmatch(r"工作要点 (\d+)", section)
    if m:
        return ("work_point", int(m.group(1)))
    raise ValueError(f"unknown gold section: {section!r}")


def fmt_place(place: Place) -> str:
    return " ".join(str(p) for p in place)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)


def check_header(c: Checker, plan: Data, org: Data) -> None:
    """Code, organisation, years; name, intro and work points' intro quoted from the text."""
    c.check(plan.get("code") == "zhengzhou-2016", f"code is {plan.get('code')!r}")
    c.check(
        plan.get("organisation") == org["root"]["code"],
        f"organisation {plan.get('organisation')!r} is not the bureau code {org['root']['code']!r}",
    )
    c.check(
        plan.get("start_year") == 2016 and plan.get("end_year") == 2018,
        "start_year/end_year must be 2016/2018",
    )
    for key in ("name", "intro", "work_points_intro"):
        c.check(isinstance(plan.get(key), str) and plan[key], f"{key} missing")
    if c.plan_text is not None:
        c.check(
            plan.get("name", "") in c.plan_text.replace("\n", ""), "name is not the plan's title"
        )
        c.check(plan.get("intro") in c.plan_lines, "intro is not a paragraph of the plan text")
        c.check(
            plan.get("work_points_intro") in c.plan_lines,
            "work_points_intro is not a paragraph of the plan text",
        )


def check_targets(c: Checker, place: Place, targets: Any, context_text: str, year: int) -> None:
    """A goal's or work point's targets: their keys and values, their source quoted from
    the goal's or work point's text; each is kept for the comparison with gold."""
    c.check(isinstance(targets, list), f"{fmt_place(place)}: targets must be a list")
    for t in targets or []:
        keys = set(t)
        c.check(
            set(FIELDS) <= keys,
            f"{fmt_place(place)}: target missing fields {set(FIELDS) - keys}: {t}",
        )
        c.check(
            keys <= set(FIELDS) | OPTIONAL_TARGET_KEYS,
            f"{fmt_place(place)}: unknown target keys {keys - set(FIELDS) - OPTIONAL_TARGET_KEYS}",
        )
        c.check(
            t.get("comparator") in COMPARATORS,
            f"{fmt_place(place)}: bad comparator {t.get('comparator')!r}",
        )
        c.check(t.get("change") in CHANGES, f"{fmt_place(place)}: bad change {t.get('change')!r}")
        c.check(
            t.get("year") == year,
            f"{fmt_place(place)}: target year {t.get('year')} != {year}: {t.get('source')}",
        )
        c.check(
            isinstance(t.get("source"), str) and t["source"] in context_text,
            f"{fmt_place(place)}: source not in its text: {t.get('source')!r}",
        )
        if "note" in t:
            c.check(
                bool(isinstance(t["note"], str) and t["note"]),
                f"{fmt_place(place)}: note must be a non-empty string",
            )
        c.curated.append((place, t))


def check_owners(c: Checker, tag: str, owners: list[Data], dept_codes: set[str]) -> None:
    """Exactly one lead, known departments, each once."""
    roles = Counter(o.get("role") for o in owners)
    c.check(roles.get("lead", 0) == 1, f"{tag}: needs exactly one lead, has {roles.get('lead', 0)}")
    c.check(set(roles) <= {"lead", "responsible"}, f"{tag}: bad owner roles {set(roles)}")
    depts = [o.get("department") for o in owners]
    c.check(len(depts) == len(set(depts)), f"{tag}: duplicate owner departments {depts}")
    for d in depts:
        c.check(d in dept_codes, f"{tag}: unknown department code {d!r}")


def check_goals(c: Checker, tag: str, n: Any, goals: list[Data]) -> None:
    """At least one goal; each with a known horizon and its year, its text quoted."""
    c.check(len(goals) >= 1, f"{tag}: has no goal")
    for g in goals:
        h: Any = g.get("horizon")
        if not c.check(h in HORIZON_YEAR, f"{tag}: bad horizon {h!r}"):
            continue
        c.check(
            g.get("year") == HORIZON_YEAR[h],
            f"{tag}: {h} goal year {g.get('year')} != {HORIZON_YEAR[h]}",
        )
        c.quoted(g.get("text"), f"{tag} {h} goal text")
        check_targets(c, ("project", n, h), g.get("targets"), g.get("text") or "", HORIZON_YEAR[h])


def check_measures(c: Checker, tag: str, measures: Any) -> None:
    """A list of measures quoted from the text, without trailing punctuation."""
    c.check(isinstance(measures, list), f"{tag}: measures must be a list")
    for m in measures or []:
        text = m.get("text")
        c.quoted(text, f"{tag} measure")
        c.check(
            bool(isinstance(text, str) and text and text[-1] not in TRAILING_PUNCT),
            f"{tag}: measure has trailing punctuation: {text!r}",
        )


def check_milestones(c: Checker, tag: str, milestones: Any, plan: Data) -> None:
    """A list of milestones within the plan's years, their titles quoted."""
    c.check(isinstance(milestones, list), f"{tag}: milestones must be a list")
    for ms in milestones or []:
        c.check(
            ms.get("year") in range(plan["start_year"], plan["end_year"] + 1),
            f"{tag}: milestone year {ms.get('year')}",
        )
        c.quoted(ms.get("title"), f"{tag} milestone")


def check_projects(c: Checker, plan: Data, org: Data, counts: Counts) -> None:
    """The 17 projects in order: name (the plan's heading), owners, goals, measures and
    milestones."""
    dept_codes = {d["code"] for d in org["departments"]}
    projects = plan.get("projects") or []
    numbers = [p.get("number") for p in projects]
    c.check(
        numbers == list(range(1, N_PROJECTS + 1)),
        f"projects must be numbered 1..{N_PROJECTS}, got {numbers}",
    )
    for p in projects:
        n = p.get("number")
        tag = f"project {n}"
        c.check(
            isinstance(p.get("name"), str) and p["name"] and "“" not in p["name"],
            f"{tag}: bad name {p.get('name')!r}",
        )
        if c.plan_text is not None and isinstance(n, int):
            c.check(
                f"第{chinese_number(n)}项工程——“{p.get('name')}”" in c.plan_lines,
                f"{tag}: name {p.get('name')!r} not the plan's heading",
            )
        check_owners(c, tag, p.get("owners") or [], dept_codes)
        goals = p.get("goals") or []
        counts.goals += len(goals)
        check_goals(c, tag, n, goals)
        counts.measures += len(p.get("measures") or [])
        check_measures(c, tag, p.get("measures"))
        counts.milestones += len(p.get("milestones") or [])
        check_milestones(c, tag, p.get("milestones"), plan)


def check_sections(c: Checker, plan: Data, counts: Counts) -> None:
    """The 8 sections (titles the plan's headings) and the 28 work points in order: no
    owners, text the plan's paragraph, links to known projects, their targets."""
    project_numbers = {p.get("number") for p in plan.get("projects") or []}
    sections = plan.get("sections") or []
    c.check(
        [s.get("number") for s in sections] == list(range(1, N_SECTIONS + 1)),
        f"sections must be numbered 1..{N_SECTIONS}, got {[s.get('number') for s in sections]}",
    )
    for s in sections:
        sn = s.get("number")
        if c.plan_text is not None and isinstance(sn, int):
            c.check(
                f"{chinese_number(sn)}、{s.get('title')}" in c.plan_lines,
                f"section {sn}: title {s.get('title')!r} not the plan's heading",
            )
        for wp in s.get("work_points") or []:
            n = wp.get("number")
            counts.work_points.append(n)
            tag = f"work point {n}"
            c.check("owners" not in wp, f"{tag}: work points have no owners")
            if c.plan_text is not None:
                c.check(
                    f"{n}.{wp.get('text')}" in c.plan_lines,
                    f"{tag}: text is not the plan's paragraph {n}.",
                )
            links = wp.get("projects")
            if c.check(isinstance(links, list), f"{tag}: projects must be a list"):
                for pn in links:
                    c.check(pn in project_numbers, f"{tag}: links to unknown project {pn!r}")
                c.check(len(links) == len(set(links)), f"{tag}: duplicate project links {links}")
            check_targets(
                c, ("work_point", n), wp.get("targets"), wp.get("text") or "", WORK_POINT_YEAR
            )
    c.check(
        counts.work_points == list(range(1, N_WORK_POINTS + 1)),
        f"work points must be numbered 1..{N_WORK_POINTS}, got {counts.work_points}",
    )


def check_against_gold(c: Checker, gold: Data, counts: Counts) -> None:
    """Every gold target appears exactly once at its place with identical fields (the
    双90% target as its two halves), and no curated target is missing from gold."""
    unused = list(range(len(c.curated)))

    def take(place: Place, expected: Data, extra: Data | None = None) -> bool:
        for i in unused:
            cp, t = c.curated[i]
            if cp != place:
                continue
            if all(same(t.get(f), expected[f]) for f in FIELDS) and all(
                t.get(k) == v for k, v in (extra or {}).items()
            ):
                if not extra and "pair" in t:  # a plain gold target is never part of a pair
                    continue
                unused.remove(i)
                return True
        return False

    for g in gold["targets"]:
        counts.gold += 1
        place = gold_place(g["section"])
        if g["indicator"] == PAIR_GOLD_INDICATOR:
            counts.split += 1
            for ind in PAIR_INDICATORS:
                c.check(
                    take(place, dict(g, indicator=ind), {"pair": PAIR_NAME}),
                    f"gold {g['section']} {g['source']!r}: split target {ind} "
                    f"(pair {PAIR_NAME}) not found or fields differ",
                )
        elif not take(place, g):
            near = [
                t
                for cp, t in (c.curated[i] for i in unused)
                if cp == place and t.get("source") == g["source"]
            ]
            diff = ""
            if near:
                diff = "; differs in " + ", ".join(
                    f"{f}: {near[0].get(f)!r} != gold {g[f]!r}"
                    for f in FIELDS
                    if not same(near[0].get(f), g[f])
                )
            c.check(
                False,
                f"gold {g['section']} {g['source']!r}: not found at {fmt_place(place)}{diff}",
            )
    for i in unused:
        cp, t = c.curated[i]
        c.check(
            False,
            f"extra target at {fmt_place(cp)} not in gold: "
            f"{t.get('indicator')} {t.get('source')!r}",
        )


def report(c: Checker, plan: Data, counts: Counts, plan_path: Path) -> int:
    """Print the counts and the problems; 1 if there is any."""
    projects = plan.get("projects") or []
    sections = plan.get("sections") or []
    n_wp_links = sum(1 for s in sections for wp in s.get("work_points") or [] if wp.get("projects"))
    no_measures = [p.get("number") for p in projects if not p.get("measures")]
    print(
        f"projects:       {len(projects)} "
        f"(goals {counts.goals}, measures {counts.measures}, milestones {counts.milestones})"
    )
    print(
        f"owners:         {sum(len(p.get('owners') or []) for p in projects)} assignments, "
        f"{len({o.get('department') for p in projects for o in p.get('owners') or []})} departments"
    )
    print(f"sections:       {len(sections)}")
    print(f"work points:    {len(counts.work_points)} ({n_wp_links} linked to projects)")
    print(f"gold targets:   {counts.gold} ({counts.split} 双90% split into two)")
    print(
        f"curated targets:{len(c.curated):>3} "
        f"(project goals {sum(1 for p, _ in c.curated if p[0] == 'project')}, "
        f"work points {sum(1 for p, _ in c.curated if p[0] == 'work_point')})"
    )
    if no_measures:
        print(f"note: projects without measures: {no_measures}")
    if c.plan_text is None:
        print(f"warning: plan text {plan_path} not found; verbatim text checks skipped")
    if c.errors:
        print(f"\nFAILED: {len(c.errors)} problem(s)")
        for e in c.errors:
            print("  - " + e)
        return 1
    print("\nOK")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--yaml", type=Path, default=DEFAULT_YAML)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--org", type=Path, default=DEFAULT_ORG)
    ap.add_argument("--plan", type=Path, default=DEFAULT_PLAN)
    args = ap.parse_args(argv)

    plan = yaml.safe_load(args.yaml.read_text(encoding="utf-8"))
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    org = yaml.safe_load(args.org.read_text(encoding="utf-8"))
    c = Checker(plan_text=args.plan.read_text(encoding="utf-8") if args.plan.exists() else None)
    counts = Counts()
    check_header(c, plan, org)
    check_projects(c, plan, org, counts)
    check_sections(c, plan, counts)
    check_against_gold(c, gold, counts)
    return report(c, plan, counts, args.plan)


if __name__ == "__main__":
    sys.exit(main())
