"""The charts of a plan's results as descriptions (``planner.charts``): the build-out timeline,
power and time breakdowns, run time against GPU count, and a predicted step's parts and memory.
The desktop app and the HTML report draw these same descriptions."""

from __future__ import annotations

import dataclasses
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
    drawable,
)
from .layout_report import PART_NAMES
from .perf.predict import MEMORY_PARTS, STEP_PARTS
from .sweep import time_vs_gpus
from .units import best_unit
from .units import format_quantity as q

POWER_PARTS = ("accelerators", "rest of nodes", "network", "storage", "cooling etc.")
POWER_COLOURS = (BLUE, LIGHT_BLUE, GREEN, ORANGE, RED)
TIME_PARTS = ("compute", "I/O", "total")
TIME_COLOURS = (BLUE, ORANGE, GREEN)
STEP_LABELS = ("matmuls",) + tuple(PART_NAMES[p.removesuffix("_s")] for p in STEP_PARTS[1:])
STEP_COLOURS = (BLUE, LIGHT_BLUE, ORANGE, RED, PURPLE, GREEN, GREY)
MEMORY_LABELS = ("weights", "gradients", "optimizer states", "activations")
MEMORY_COLOURS = (BLUE, LIGHT_BLUE, ORANGE, GREEN)
UNDATED_GAP = _dt.timedelta(days=180)  # an undated phase comes this long after the one before
_DAY = 86400.0
LAST_ONLINE = DATE_AXIS_END - 30 * _DAY  # a later online date is drawn here (noted)


def unit_for(values, dim: str) -> tuple[str, float]:
    """(display unit, SI per display unit) chosen for the largest finite value: a run under a
    day in hours, power in MW or kW by magnitude."""
    top = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return best_unit(top, dim)


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
    online date; the last step runs on a quarter of the span (at least 90 days) past it."""
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
        span = max(xs[-1] - xs[0], 90 * _DAY)
        edges = tuple(xs) + (min(xs[-1] + span * 0.25, DATE_AXIS_END),)
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


def _workload(results, index: int):
    if not results.workloads:
        return None
    return results.workloads[max(0, min(index, len(results.workloads) - 1))]


def build_time_breakdown(results, workload_index: int) -> Chart:
    w = _workload(results, workload_index)
    if w is None:
        return Chart("time", "Time breakdown", Axis(categories=TIME_PARTS), (Panel(Axis("Time")),),
                     notes=("The plan has no workloads.",))
    seconds = [w.compute_time_s, w.io_time_s, w.time_s]
    unit, factor = unit_for(seconds, "time")
    notes: list[str] = []
    xs, ys, kept = drawable(range(3), [s / factor for s in seconds], notes, TIME_PARTS)
    series = Series("time", xs, ys, "bars", colours=tuple(TIME_COLOURS[i] for i in kept),
                    labels=tuple(f"{TIME_PARTS[i]}: {q(seconds[i], 'time')}" for i in kept))
    return Chart("time", "Time breakdown", Axis(categories=TIME_PARTS), (Panel(Axis("Time", unit), (series,)),),
                 subtitle=w.name, notes=tuple(notes))


def build_time_vs_gpus(plan, results, workload_index: int) -> Chart:
    """Run time of the workload against its GPU count (``planner.sweep``), the design marked."""
    x_axis = Axis("Accelerators", log=True)
    w = _workload(results, workload_index)
    if w is None:
        return Chart("scaling", "Training time against GPU count", x_axis, (Panel(Axis("Training time")),),
                     notes=("The plan has no workloads.",))
    index = results.workloads.index(w)
    counts, times = time_vs_gpus(plan, index)
    # the unit that reads best for this design's run (else for the longest run of the sweep)
    unit, factor = unit_for([w.time_s] if math.isfinite(w.time_s) else list(times), "time")
    notes: list[str] = []
    xs, ys, kept = drawable(counts, times / factor, notes, what="GPU counts", positive_x=True)
    curve = Series("training time", xs, ys, "line", BLUE,
                   labels=tuple(f"{counts[i]:,.0f} GPUs: {q(times[i], 'time')}" for i in kept))
    mx, my, _ = drawable([w.gpus], [w.time_s / factor], notes, ["this design"], positive_x=True)
    mark = Series("this design", mx, my, "marker", RED,
                  labels=(f"this design: {w.gpus:,} GPUs, {q(w.time_s, 'time')}",) if mx else ())
    return Chart("scaling", "Training time against GPU count", x_axis,
                 (Panel(Axis("Training time", unit), (curve, mark)),), subtitle=w.name, notes=tuple(notes))


def _stacked(key: str, title: str, label: str, names, colours, values, unit: str, factor: float, dim: str,
             extra=()) -> Chart:
    notes: list[str] = []
    total = sum(v for v in values if math.isfinite(v))
    series = []
    for name, colour, v in zip(names, colours, values, strict=True):
        xs, ys, _ = drawable([v / factor], [0.0], notes, [name])
        share = f" ({v / total:.0%})" if total > 0 and math.isfinite(v) else ""
        series.append(Series(name, xs, ys, "stacked-horizontal-bars", colour,
                             labels=(f"{name}: {q(v, dim)}{share}",) if xs else ()))
    return Chart(key, title, Axis(label, unit), (Panel(Axis(categories=("",), hidden=True),
                                                       tuple(series) + tuple(extra)),),
                 legend=True, notes=tuple(notes))


def build_step_parts(workload_result) -> Chart:
    """The predicted step time split into its parts (they add up to the step time)."""
    pr = getattr(workload_result, "predicted", None)
    if pr is None:
        return Chart("step_parts", "Step time by part", Axis("Step time", "s"), (Panel(Axis(hidden=True)),),
                     notes=("No prediction: the workload has no model shape.",))
    values = [pr.step_parts[p] for p in STEP_PARTS]
    unit, factor = unit_for([pr.step_time_s], "time")
    return _stacked("step_parts", "Step time by part", "Step time", STEP_LABELS, STEP_COLOURS, values, unit,
                    factor, "time")


def build_memory_parts(workload_result) -> Chart:
    """Memory per accelerator by part, with the usable memory as a dashed line."""
    title = "Memory per accelerator (dashed: usable)"
    pr = getattr(workload_result, "predicted", None)
    if pr is None:
        return Chart("memory_parts", title, Axis("Memory", "GB"), (Panel(Axis(hidden=True)),),
                     notes=("No prediction: the workload has no model shape.",))
    values = [pr.memory_parts[p] for p in MEMORY_PARTS]
    cap = pr.memory_capacity_bytes
    unit, factor = unit_for([sum(values), cap], "bytes")
    notes: list[str] = []
    xs, _, _ = drawable([cap / factor], [0.0], notes, ["usable memory"])
    line = Series("usable", xs, (), "vline", RED, labels=(f"usable: {q(cap, 'bytes')}",) if xs else ())
    chart = _stacked("memory_parts", title, "Memory", MEMORY_LABELS, MEMORY_COLOURS, values, unit, factor, "bytes",
                     (line,))
    return dataclasses.replace(chart, notes=chart.notes + tuple(notes))


def charts_for(plan, results, workload_index: int, precision: str) -> dict[str, Chart]:
    """Every chart of the app for the selected workload and precision, by key."""
    w = _workload(results, workload_index)
    return {
        "timeline": build_timeline(results, precision),
        "scaling": build_time_vs_gpus(plan, results, workload_index),
        "power": build_power_breakdown(results),
        "time": build_time_breakdown(results, workload_index),
        "step_parts": build_step_parts(w),
        "memory_parts": build_memory_parts(w),
    }
