"""A chart drawn as a PNG for documents (the project .docx): the same `Chart` the page
hands to ECharts, drawn with matplotlib on the server, fonts from the machine (Noto CJK
where installed, so Chinese labels show; without it the labels fall back and the figures
stay right)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on a server

from matplotlib import font_manager
from matplotlib.figure import Figure

from eduplan.core.text import text_clean
from eduplan.dashboards.charts import Chart

# The page's colours for each role of a series (see eduplan.js's chart drawing).
COLOURS = {
    "actual": "#0d6efd",
    "expected": "#6c757d",
    "forecast": "#fd7e14",
    "goal": "#198754",
    "bar": "#0d6efd",
}
STYLES = {"expected": "--", "forecast": ":", "goal": "-."}
CJK = sorted({f.name for f in font_manager.fontManager.ttflist if "CJK SC" in f.name})
# Chinese glyphs from Noto CJK where the machine has it, the rest from matplotlib's own font.
matplotlib.rcParams["font.family"] = [*CJK, "DejaVu Sans"]


def chart_png(chart: Chart, *, width_cm: float = 15.0, height_cm: float = 7.0) -> bytes:
    """The chart as a PNG at print resolution."""
    figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=200)
    figure.set_layout_engine("tight")
    axes = figure.subplots()
    positions = list(range(len(chart.categories)))
    for series in chart.series:
        values = [float(v) if v is not None else float("nan") for v in series.data]
        values += [float("nan")] * (len(positions) - len(values))
        colour = COLOURS.get(series.role, "#0d6efd")
        if chart.kind == "bar" or series.role == "bar":
            axes.bar(positions, values, color=colour, label=text_clean(series.name))
        else:
            axes.plot(
                positions,
                values,
                color=colour,
                linestyle=STYLES.get(series.role, "-"),
                marker="o" if series.role == "actual" else None,
                markersize=3,
                label=text_clean(series.name),
            )
    step = max(1, len(positions) // 8)
    ticks = [text_clean(c) for c in chart.categories[::step]]
    axes.set_xticks(positions[::step], ticks, fontsize=6)
    axes.tick_params(axis="y", labelsize=6)
    axes.set_title(text_clean(chart.title)[:60], fontsize=8)  # a title, not a paragraph
    if chart.unit:
        axes.set_ylabel(text_clean(chart.unit), fontsize=6)
    axes.grid(axis="y", linewidth=0.3)
    axes.legend(fontsize=6, frameon=False)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
