"""A self-contained HTML report of a plan: the figures, the build-out, the plots (inline SVG)
and the plan itself. No Qt, no network: one file to mail or archive. All plan text is escaped."""

from __future__ import annotations

from html import escape

from . import svgplot
from .atomic import write_text
from .chart_builders import build_cost_breakdown, build_power_breakdown, build_timeline, charts_for
from .evaluation import evaluate
from .plan import Plan
from .planio import dumps
from .summary import sections

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1180px;color:#222}
h1{margin-bottom:0}.desc{color:#555;max-width:900px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td{padding:2px 14px 2px 0;vertical-align:top}
td:first-child{color:#555}section{display:inline-block;vertical-align:top;width:560px;margin-right:20px}
.plots svg{border:1px solid #eee;margin:6px}pre{background:#f6f6f6;padding:1em;overflow:auto}
.warn td:first-child{color:#b35900;font-family:monospace}
"""


def html(plan: Plan, precision: str = "bf16") -> str:
    r = evaluate(plan)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(plan.name)}</title>"
             f"<style>{_CSS}</style></head><body>",
             f"<h1>{escape(plan.name)}</h1><p class='desc'>{escape(plan.description)}</p>"]
    for title, rows in sections(r, precision):
        cls = " class='warn'" if title == "Warnings" else ""
        parts.append(f"<section><h3>{escape(title)}</h3><table{cls}>")
        parts += [f"<tr><td>{escape(label)}</td><td>{escape(value)}</td></tr>" for label, value in rows]
        parts.append("</table></section>")
    parts.append("<h2>Plots</h2><div class='plots'>")
    parts += [svgplot.render(build_timeline(r, precision)), svgplot.render(build_power_breakdown(r)),
              svgplot.render(build_cost_breakdown(r))]
    for i in range(len(r.workloads)):  # the app's charts of each workload, as its kind draws them
        for key, chart in charts_for(plan, r, i, precision).items():
            if key not in ("timeline", "power", "cost") and _has_points(chart):
                parts.append(svgplot.render(chart))
    parts += decide_section(plan, r)
    parts.append("</div><h2>The plan</h2><pre>" + escape(dumps(plan)) + "</pre></body></html>")
    return "\n".join(parts)


def _has_points(chart) -> bool:
    """A chart with something to draw, not one that only says why it is empty (no prediction)."""
    return any(s.x or s.y for p in chart.panels for s in p.series if s.style != "vline")


def decide_section(plan: Plan, r) -> list[str]:
    """What moves each run's time most (a tornado per workload) and, when the plan gives inputs as
    ranges, how sure its figures are (P10 to P90 bars)."""
    from .decide_charts import build_intervals, build_tornado
    from .sensitivity import sensitivity
    from .uncertainty import uncertainty

    parts = ["</div><h2>Sensitivity and uncertainty</h2><div class='plots'>"]
    training = [i for i, w in enumerate(r.workloads) if w.kind == "training"]  # the kind both models know
    for i in training:
        if 0 < r.workloads[i].time_s < float("inf"):
            parts.append(svgplot.render(build_tornado(sensitivity(plan, "time", i, results=r))))
    ranged = uncertainty(plan, training[0] if training else 0, results=r)
    if ranged.inputs:
        parts += [svgplot.render(build_intervals(uncertainty(plan, i, results=r))) for i in training]
    else:
        parts.append(f"<p class='desc'>{escape(ranged.notes[0])}</p>")
    return parts


def write_report(plan: Plan, path, precision: str = "bf16") -> None:
    """Write the report atomically."""
    write_text(path, html(plan, precision))
