"""The charts of a plan's results as descriptions (``planner.charts``): the build-out timeline,
power and time breakdowns, run time against GPU count, and a predicted step's parts and memory.
The desktop app and the HTML report draw these same descriptions."""

from __future__ import annotations

import datetime as _dt
import math

from .charts import (
    BLUE,
    DATE_AXIS_END,
    GREEN,
    GREY,
    LIGHT_BLUE,
    ORANGE,
    PURPLE,
    RED,
    Axis,
    Chart,
    Panel,
    Series,
    blank,
    drawable,
    unit_for,
)
from .kinds import evaluator_of, training_charts
from .kinds.training_charts import build_memory_parts, build_step_parts, build_time_breakdown, build_time_vs_gpus
from .units import format_quantity as q

__all__ = ["build_cost_breakdown", "build_memory_parts", "build_power_breakdown", "build_rack_power",
           "build_step_parts",
           "build_time_breakdown", "build_time_vs_gpus", "build_timeline", "charts_for", "phase_dates"]

POWER_PARTS = ("accelerators", "rest of nodes", "network", "storage", "cooling etc.")
POWER_COLOURS = (BLUE, LIGHT_BLUE, GREEN, ORANGE, RED)
UNDATED_GAP = _dt.timedelta(days=180)  # an undated phase comes this long after the one before
_DAY = 86400.0
LAST_ONLINE = DATE_AXIS_END - 30 * _DAY  # a later online date is drawn here (noted)


def phase_dates(phases) -> list[_dt.date]:
    """Online dates. An undated phase comes 180 days after the one before (the first, undated,
    is today), never past 9999-12-31."""
    out, last = [], None
    for ph in phases:
        if ph.online is not None:
            d = ph.online
        elif last is not None:
            d = last + UNDATED_GAP if last <= _dt.date.max - UNDATED_GAP else _dt.date.max
        else:
            d = _dt.date.today()
        last = d
        out.append(d)
    return out


def build_timeline(results, precision: str) -> Chart:
    """Accelerators, peak at ``precision`` and facility power of each phase, as steps from its
    online date; the last step runs on a quarter of the span (at least 90 days) past it, and
    90 days past a single online date, so that its axis reads in months, not days."""
    phases = results.phases
    notes: list[str] = []
    dates = phase_dates(phases)
    xs = [_dt.datetime(d.year, d.month, d.day, tzinfo=_dt.UTC).timestamp() for d in dates]
    for i, (ph, d) in enumerate(zip(phases, dates, strict=True)):
        if xs[i] > LAST_ONLINE:
            xs[i] = LAST_ONLINE
            drawn = _dt.datetime.fromtimestamp(LAST_ONLINE, _dt.UTC).date()
            notes.append(f"{ph.name}: online {d.isoformat()}{'' if ph.online else ' (undated)'}, past the end of "
                         f"the date axis, drawn on {drawn.isoformat()}")
    edges: tuple = ()
    if xs:
        span = xs[-1] - xs[0]
        tail = max(span, 90 * _DAY) * 0.25 if span > 0 else 90 * _DAY
        edges = tuple(xs) + (min(xs[-1] + tail, DATE_AXIS_END),)
    when = [ph.online.isoformat() if ph.online else "undated" for ph in phases]
    peak_unit, peak_f = unit_for([ph.peak_flops.get(precision, 0.0) for ph in phases], "flop_rate")
    power_unit, power_f = unit_for([ph.power.facility_w for ph in phases], "power")
    rows = (
        ("Accelerators", "", 1.0, BLUE, [float(ph.gpus) for ph in phases],
         [f"{ph.name} ({d}): {ph.gpus:,} accelerators" for ph, d in zip(phases, when, strict=True)]),
        (f"Peak {precision}", peak_unit, peak_f, GREEN, [ph.peak_flops.get(precision, 0.0) for ph in phases],
         [f"{ph.name} ({d}): {q(ph.peak_flops.get(precision, 0.0), 'flop_rate')} {precision}"
          for ph, d in zip(phases, when, strict=True)]),
        ("Facility power", power_unit, power_f, ORANGE, [ph.power.facility_w for ph in phases],
         [f"{ph.name} ({d}): {q(ph.power.facility_w, 'power')} facility" for ph, d in zip(phases, when, strict=True)]),
    )
    panels = []
    for label, unit, factor, colour, values, texts in rows:
        # a step per phase, aligned with the dates: what cannot be drawn is drawn as 0
        _, drawn, kept = drawable(range(len(values)), [v / factor for v in values], [],
                                  [f"{label} of {ph.name}" for ph in phases])
        ys = tuple(drawn[kept.index(i)] if i in kept else 0.0 for i in range(len(values)))
        notes += [f"{label} of {ph.name}: {v:.3g}, drawn as {y:g}" for ph, v, y in zip(phases, values, ys, strict=True)
                  if v / factor != y]
        series = Series(label, edges if ys else (), ys, "step", colour, labels=tuple(texts))
        panels.append(Panel(Axis(label, unit), (series,)))
    return Chart("timeline", "Build-out timeline", Axis("Online date", dates=True), tuple(panels), notes=tuple(notes))


def build_power_breakdown(results) -> Chart:
    p = results.power
    watts = [p.accelerators_w, p.node_other_w, p.network_w, p.storage_w, p.cooling_overhead_w]
    unit, factor = unit_for(watts, "power")
    notes: list[str] = []
    xs, ys, kept = drawable(range(len(watts)), [v / factor for v in watts], notes, POWER_PARTS)
    series = Series("power", xs, ys, "bars", colours=tuple(POWER_COLOURS[i] for i in kept),
                    labels=tuple(f"{POWER_PARTS[i]}: {q(watts[i], 'power')}" for i in kept))
    return Chart("power", "Power breakdown", Axis(categories=POWER_PARTS),
                 (Panel(Axis("Power under training load", unit), (series,)),), notes=tuple(notes))


COST_COLOURS = (BLUE, GREEN, ORANGE, GREY, PURPLE, LIGHT_BLUE, RED)  # in TcoResult.parts() order


def build_cost_breakdown(results) -> Chart:
    """The total cost of ownership per year by part (planner/model/tco.py): depreciation of
    each component class, maintenance, facility and electricity; the cost of a GPU-hour above."""
    t = results.tco
    if t is None:
        return blank("cost", "Cost of ownership per year", "No cost of ownership for these results.")
    parts = t.parts()
    names = tuple(name for name, _ in parts)
    short = {"facility build-out": "build-out"}  # tick labels that fit side by side
    categories = tuple(short.get(n, n) for n in names)
    top = max((v for _, v in parts if math.isfinite(v)), default=0.0)
    unit, factor = next(((u, f) for u, f in (("M USD", 1e6), ("k USD", 1e3)) if top >= f), ("USD", 1.0))
    notes: list[str] = []
    xs, ys, kept = drawable(range(len(parts)), [v / factor for _, v in parts], notes, names)
    series = Series("cost", xs, ys, "bars", colours=tuple(COST_COLOURS[i] for i in kept),
                    labels=tuple(f"{names[i]}: {parts[i][1] / 1e6:,.2f} M USD a year" for i in kept))
    if not t.complete:
        n = len(results.cost.unpriced)
        notes.append(f"Incomplete: {n} component{'s' if n > 1 else ''} without a price (warning price-unknown)")
    per_hour = (f"{t.usd_per_gpu_hour:.3g} USD per GPU-hour" if math.isfinite(t.usd_per_gpu_hour)
                else "no accelerators: no GPU-hours")
    return Chart("cost", "Cost of ownership per year", Axis(categories=categories),
                 (Panel(Axis("Cost per year", unit), (series,)),),
                 subtitle=f"{t.usd_per_year / 1e6:,.1f} M USD a year; {per_hour}", notes=tuple(notes))


def build_rack_power(results) -> Chart:
    """Power per rack for each phase: the densest rack at maximum (what it is provisioned for;
    red above the limit) as a bar, under training load as a marker, and the provisioned limit
    as a line across."""
    phases = results.phases
    names = tuple(ph.name for ph in phases)
    loads = [ph.racks.rack_power_w for ph in phases]
    maxima = [ph.racks.rack_power_max_w for ph in phases]
    limits = [ph.racks.limit_w for ph in phases]
    unit, factor = unit_for(maxima + limits, "power")
    notes: list[str] = []
    xs, ys, kept = drawable(range(len(phases)), [v / factor for v in maxima], notes, names)
    bars = Series("at maximum", xs, ys, "bars",
                  colours=tuple(RED if maxima[i] > limits[i] * (1 + 1e-9) else BLUE for i in kept),
                  labels=tuple(f"{names[i]}: {q(maxima[i], 'power')} per rack at maximum "
                               f"({phases[i].racks.nodes_per_rack} nodes)" for i in kept))
    mx, my, kept = drawable(range(len(phases)), [v / factor for v in loads], notes, names)
    marks = Series("under training load", mx, my, "marker", GREEN,
                   labels=tuple(f"{names[i]}: {q(loads[i], 'power')} per rack under training load" for i in kept))
    series = [bars, marks]
    for i, ph in enumerate(phases):  # the limit of each phase, across its category
        label = f"{ph.name}: limit {q(limits[i], 'power')} per rack ({ph.racks.cooling})"
        series.append(Series("provisioned limit" if i == 0 else "", (i - 0.45, i + 0.45),
                             (limits[i] / factor,) * 2, "line", ORANGE, labels=(label, label)))
    return Chart("rack_power", "Power per rack against the limit", Axis(categories=names),
                 (Panel(Axis("Power per rack", unit), tuple(series)),), legend=True, notes=tuple(notes))


def charts_for(plan, results, workload_index: int, precision: str) -> dict[str, Chart]:
    """Every chart of the app for the selected workload and precision, by key: the cluster's,
    then the workload's, as its kind draws them (``charts`` of planner/kinds/<kind>.py)."""
    out = {"timeline": build_timeline(results, precision), "power": build_power_breakdown(results),
           "cost": build_cost_breakdown(results)}
    if results.workloads:
        index = max(0, min(workload_index, len(results.workloads) - 1))
        out.update(evaluator_of(plan.workloads[index]).charts(plan, results, index))
    else:
        out.update(training_charts.charts(plan, results, 0))  # say "no workloads" in the usual places
    return out
