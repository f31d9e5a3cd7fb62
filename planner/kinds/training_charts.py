"""The charts of a training run (``charts`` of the training kind): its time breakdown, its run
time against GPU count, and a predicted step's parts and memory, as Qt-free descriptions."""

from __future__ import annotations

import dataclasses
import math

from ..charts import (
    BLUE,
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
    unit_for,
)
from ..perf.parts import PART_NAMES
from ..perf.predict import MEMORY_PARTS, STEP_PARTS
from ..units import format_quantity as q
from .sweep import time_vs_gpus

TIME_PARTS = ("compute", "I/O", "total")
TIME_COLOURS = (BLUE, ORANGE, GREEN)
STEP_LABELS = ("matmuls",) + tuple(PART_NAMES[p.removesuffix("_s")] for p in STEP_PARTS[1:])
STEP_COLOURS = (BLUE, LIGHT_BLUE, ORANGE, "#8c6d31", "#e377c2", "#9c4f96", "#b5651d", RED, PURPLE, GREEN, GREY,
                "#17becf", "#555555")
MEMORY_LABELS = ("weights", "gradients", "optimizer states", "activations")
MEMORY_COLOURS = (BLUE, LIGHT_BLUE, ORANGE, GREEN)


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


def charts(plan, results, index: int) -> dict:
    """The workload's charts, by key."""
    w = _workload(results, index)
    return {
        "scaling": build_time_vs_gpus(plan, results, index),
        "time": build_time_breakdown(results, index),
        "step_parts": build_step_parts(w),
        "memory_parts": build_memory_parts(w),
    }
