"""Benchmark of the plan parser (eduplan.planimport.parsing): speed, memory and accuracy.

Run:  .venv/bin/python bench/bench_parse.py [--runs 50] [--big-runs 7] [--mb 1.0]

Times parse_plan on the seed plan (aim: median <= 50 ms) and on ~1 MB of plan text made
of the seed and the test documents concatenated with projects and work points renumbered
(aim: median <= 2 s); measures peak memory with tracemalloc; and times a reference pass
over the same text in the same process (splitlines + one regex scan for figures), so the
figures are also given as a ratio that is comparable across machines. It also scores the
parser against the gold files with the library's own scoring, as the tests do.
Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import io
import re
import shlex
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eduplan.core.numbers import chinese_number  # noqa: E402
from eduplan.planimport.parsing import (  # noqa: E402
    Score,
    load_gold,
    parse_plan,
    read_plan_bytes,
    read_plan_file,
    score,
)

SOURCES = ROOT / "eduplan" / "plans" / "data" / "sources"
SEED = SOURCES / "zhengzhou-2016-plan.txt"
SEED_GOLD = SOURCES / "zhengzhou-2016-plan.gold.json"
DOCUMENTS = ROOT / "eduplan" / "planimport" / "tests" / "documents"
DOCX_SOURCE = DOCUMENTS / "district-2021-safety.docx.txt"

PROJECT_RE = re.compile(r"^(\s*)第[一二三四五六七八九十百千零两]+项(重点)?工程", re.MULTILINE)
POINT_RE = re.compile(
    r"^(\s*)(?:\d{1,4}(?=\s*[.．、](?![\d.．]))|[（(]\d{1,4}(?=[）)]))", re.MULTILINE
)
FIGURE_RE = re.compile(r"\d+(?:\.\d+)?|[一二三四五六七八九十百千万亿两]+")


def corpus_texts() -> list[tuple[str, str]]:
    """(name, text) of the seed plan and the documents."""
    texts = [(SEED.name, read_plan_file(SEED))]
    for path in sorted(DOCUMENTS.glob("*.txt")):
        texts.append((path.name, read_plan_bytes(path.read_bytes(), path.name)))
    return texts


def big_text(texts: list[tuple[str, str]], megabytes: float) -> str:
    """The documents repeated to the size asked, projects and work points renumbered."""
    parts: list[str] = []
    size = 0
    project = 0
    point = 0

    def next_project(m: re.Match[str]) -> str:
        nonlocal project
        project += 1
        return f"{m.group(1)}第{chinese_number(project)}项{m.group(2) or ''}工程"

    def next_point(m: re.Match[str]) -> str:
        nonlocal point
        point += 1
        text = m.group(0)
        return f"{m.group(1)}（{point}" if "（" in text or "(" in text else f"{m.group(1)}{point}"

    while size < megabytes * 1024 * 1024:
        for _, text in texts:
            text = POINT_RE.sub(next_point, PROJECT_RE.sub(next_project, text))
            parts.append(text)
            size += len(text.encode("utf-8")) + 2
    return "\n\n".join(parts)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Seconds taken by each of `runs` calls, after one warm-up call."""
    fn()
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes allocated during one call."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered)) - 1))]


def reference_pass(text: str) -> int:
    """What any reader of the text costs at least: split it into lines, scan for figures."""
    lines = text.splitlines()
    return len(lines) + sum(1 for _ in FIGURE_RE.finditer(text))


def accuracy() -> list[tuple[str, Score]]:
    """Scores against the gold files: the seed, and the documents (the .docx built here)."""
    rows: list[tuple[str, Score]] = []
    plan = parse_plan(read_plan_file(SEED))
    rows.append(("seed plan", score(plan.targets, load_gold(SEED_GOLD))))
    total = Score(0, 0, 0, 0, 0, 0)
    for gold in sorted(DOCUMENTS.glob("*.gold.json")):
        name = gold.name.removesuffix(".gold.json")
        source = DOCUMENTS / f"{name}.txt"
        if source.exists():
            text = read_plan_bytes(source.read_bytes(), source.name)
        else:
            text = read_plan_bytes(build_docx(DOCUMENTS / f"{name}.docx.txt"), f"{name}.docx")
        total = total + score(parse_plan(text).targets, load_gold(gold))
    rows.append(("documents (combined)", total))
    tests = ROOT / "eduplan" / "planimport" / "tests"
    for label, root in (("devset", tests / "devset"), ("held out", tests / "heldout")):
        for genre in sorted(p.name for p in root.iterdir() if p.is_dir()):
            part = Score(0, 0, 0, 0, 0, 0)
            for source in sorted((root / genre).glob("*.txt")):
                gold = load_gold(source.with_name(source.stem + ".gold.json"))
                part = part + score(parse_plan(read_plan_file(source)).targets, gold)
            rows.append((f"{label} {genre}", part))
    return rows


def build_docx(source: Path) -> bytes:
    """The .docx the documents test builds: `#.` lines auto-numbered, tab lines a table."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []
    for line in [*source.read_text(encoding="utf-8").splitlines(), ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
            rows = []
        if line.startswith("#."):
            document.add_paragraph(line[2:], style="List Number")
        elif line:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed runs on the seed plan")
    parser.add_argument("--big-runs", type=int, default=7, help="timed runs on the big text")
    parser.add_argument("--mb", type=float, default=1.0, help="size of the big text in MB")
    args = parser.parse_args()

    texts = corpus_texts()
    seed_name, seed_text = texts[0]
    big = big_text(texts, args.mb)
    cases = [
        (seed_name, seed_text, args.runs, 0.050),
        (f"~{args.mb:g} MB concatenated", big, args.big_runs, 2.0),
    ]
    print(
        f"{'text':28s} {'size':>9s} {'targets':>8s} {'median':>9s} {'p95':>9s} "
        f"{'aim':>7s} {'peak mem':>9s} {'reference':>9s} {'ratio':>6s}"
    )
    for name, text, runs, aim in cases:
        cpu_start = time.process_time()
        times = timed(partial(parse_plan, text), runs)
        cpu = (time.process_time() - cpu_start) / runs
        reference = timed(partial(reference_pass, text), max(5, runs))
        plan = parse_plan(text)
        peak = peak_memory(partial(parse_plan, text))
        median = statistics.median(times)
        ref = statistics.median(reference)
        print(
            f"{name[:28]:28s} {len(text.encode()) / 1024:8.0f}K {len(plan.targets):8d} "
            f"{median * 1000:7.1f}ms {p95(times) * 1000:7.1f}ms {aim * 1000:5.0f}ms "
            f"{peak / 1024 / 1024:7.1f}MB {ref * 1000:7.2f}ms {median / ref:5.0f}x"
            + f"  cpu {cpu * 1000:.1f}ms/run"
            + ("" if median <= aim else "  (over aim)")
        )
    print("\naccuracy (scoring.score, as the tests use it):")
    for name, result in accuracy():
        print(f"  {name:22s} {result.summary()}")
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    print(f"\ncommand: {command}")


if __name__ == "__main__":
    main()
