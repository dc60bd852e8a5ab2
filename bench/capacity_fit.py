"""The fitted growth of bench_capacity's figures across scales, and the extrapolation
to a country (scale 100).

    .venv/bin/python bench/capacity_fit.py /tmp/capacity-s1.json /tmp/capacity-s3.json \
        /tmp/capacity-s10.json [--to 100]

A least-squares line `cost = intercept + slope × scale` for each job (wall and CPU
seconds: this process plus its PostgreSQL backend), the database's size and the rows
dated in a plan year (the mean of 2016–2018), with the value the line gives at `--to`.
Measured points are printed beside the line, so a curve that is not a line shows.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

PLAN_YEARS = ("2016", "2017", "2018")


def line(scales: list[float], values: list[float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line through the points."""
    slope, intercept = np.polyfit(np.array(scales), np.array(values), 1)
    return float(intercept), float(slope)


def series(runs: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Each figure's values at the runs' scales."""
    out: dict[str, list[float]] = {
        "database MiB": [r["database_bytes"] / 2**20 for r in runs],
        "rows (all tables)": [float(r["rows"]) for r in runs],
        "rows dated per plan year": [
            sum(r["rows_per_year"].get(y, 0) for y in PLAN_YEARS) / len(PLAN_YEARS) for r in runs
        ],
        "demo load s": [float(r["demo_load_s"] or 0) for r in runs],
    }
    for name in runs[0]["jobs"]:
        out[f"{name}: wall s"] = [r["jobs"][name]["wall"] for r in runs]
        out[f"{name}: cpu s (process + pg)"] = [
            r["jobs"][name]["cpu"] + r["jobs"][name]["server_cpu"] for r in runs
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="bench_capacity --json files")
    parser.add_argument("--to", type=float, default=100.0)
    args = parser.parse_args()
    runs = sorted((json.loads(p.read_text()) for p in args.runs), key=lambda r: r["scale"])
    scales = [float(r["scale"]) for r in runs]
    head = " ".join(f"{'s' + format(s, 'g'):>10}" for s in scales)
    print(f"{'figure':62} {head} {'intercept':>10} {'slope':>10} {'s' + format(args.to, 'g'):>10}")
    for name, values in series(runs).items():
        intercept, slope = line(scales, values) if len(scales) > 1 else (values[0], 0.0)
        points = " ".join(f"{v:10.3f}" for v in values)
        print(
            f"{name[:62]:62} {points} {intercept:10.3f} {slope:10.3f} "
            f"{intercept + slope * args.to:10.1f}"
        )


if __name__ == "__main__":
    main()
