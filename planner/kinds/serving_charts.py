"""The charts of a serving deployment (``charts`` of the serving kind) and its Performance-tab
view: the latency-throughput curve (output tokens/s per GPU against time per output token, one
point per batch size), its latencies against the targets, memory per accelerator, and the
ranked replica layouts."""

from __future__ import annotations

import math

from ..charts import BLUE, GREEN, GREY, LIGHT_BLUE, ORANGE, PURPLE, RED, Axis, Chart, Panel, Series, drawable, unit_for
from ..performance_view import PerformanceView
from ..units import format_quantity as q
from .serving_cost import gpu_cost_per_s
from .serving_cost import latency_text as _t
from .serving_cost import usd_text as _usd
from .serving_model import USABLE_MEMORY_FRACTION
from .serving_search import search

CURVE_COLOURS = (BLUE, GREEN, ORANGE, PURPLE)
TOP = 12  # rows of the ranked table


def _context(plan, results, index: int):
    w = plan.workloads[index]
    r = results.workloads[index]
    phase = next(p for p in results.phases if p.name == r.phase)
    return w, r, phase


def ranked(plan, results, index: int) -> list:
    """Every layout of the search over tensor sizes and precisions, best first."""
    w, _, phase = _context(plan, results, index)
    return search(w, phase.machine, all_precisions=True)


def build_curve(plan, results, index: int, designs=None) -> Chart:
    w, r, phase = _context(plan, results, index)
    s = r.serving
    designs = ranked(plan, results, index) if designs is None else designs
    shown: list = []
    seen: set = set()
    for d in designs:  # this deployment's layout first, then the best others that fit
        if d.layout == s.layout and d.points and d.layout not in seen:
            shown.insert(0, d)
            seen.add(d.layout)
    for d in designs:
        if len(shown) >= len(CURVE_COLOURS):
            break
        if d.replica.fits and d.points and d.layout not in seen:
            shown.append(d)
            seen.add(d.layout)
    notes: list[str] = []
    series = []
    for colour, d in zip(CURVE_COLOURS, shown, strict=False):
        pts = d.points
        xs, ys, kept = drawable([p.tpot_s * 1e3 for p in pts], [p.tokens_per_s_per_gpu for p in pts], notes,
                                [f"{d.layout} batch {p.batch}" for p in pts])
        labels = tuple(f"{d.layout}, batch {pts[i].batch}: TPOT {_t(pts[i].tpot_s)}, "
                       f"{pts[i].tokens_per_s_per_gpu:,.0f} tokens/s per GPU" for i in kept)
        series.append(Series(d.layout, xs, ys, "line", colour, labels=labels))
    if s.output_tokens_per_s and s.gpus:
        mx, my, _ = drawable([s.tpot_s * 1e3], [s.output_tokens_per_s / s.gpus], notes, ["this deployment"])
        series.append(Series("this deployment", mx, my, "marker", RED,
                             labels=(f"this deployment: batch {s.batch}, TPOT {_t(s.tpot_s)}, "
                                     f"{s.output_tokens_per_s / s.gpus:,.0f} tokens/s per GPU",) if mx else ()))
    target = r.slo_tpot_s * 1e3
    series.append(Series("TPOT target", (target,), (), "vline", GREY, labels=(f"target: {_t(r.slo_tpot_s)}",)))
    if not shown:
        notes.append("No layout fits: nothing to draw (see warnings).")
    return Chart("scaling", "Throughput against latency (one point per batch)",
                 Axis("Time per output token", "ms"),
                 (Panel(Axis("Output tokens/s per GPU"), tuple(series)),), subtitle=w.name, legend=True,
                 notes=tuple(notes))


def build_latency(results, index: int) -> Chart:
    r = results.workloads[index]
    s = r.serving
    names = ("time to first token", "time per output token")
    values, targets = (s.ttft_s, s.tpot_s), (r.slo_ttft_s, r.slo_tpot_s)
    notes: list[str] = []
    xs, ys, kept = drawable(range(2), [100.0 * v / t for v, t in zip(values, targets, strict=True)], notes, names)
    series = Series("latency", xs, ys, "bars",
                    colours=tuple(GREEN if values[i] <= targets[i] else RED for i in kept),
                    labels=tuple(f"{names[i]}: {_t(values[i])} of {_t(targets[i])} ({ys[k]:.0f}%)"
                                 for k, i in enumerate(kept)))
    return Chart("time", "Latency against the targets (median)", Axis(categories=names),
                 (Panel(Axis("Share of the target", "%"), (series,)),), subtitle=r.name, notes=tuple(notes))


def build_memory(plan, results, index: int, designs=None) -> Chart:
    w, r, phase = _context(plan, results, index)
    s = r.serving
    designs = ranked(plan, results, index) if designs is None else designs
    usable = phase.machine.memory_bytes * USABLE_MEMORY_FRACTION
    mine = next((d.replica for d in designs if d.layout == s.layout), None)
    held = w.demand.input_tokens + w.demand.output_tokens / 2
    kv = s.batch / mine.expert * held * mine.kv_bytes_per_token_per_gpu if mine is not None and s.fits else 0.0
    free = max(usable - s.weights_bytes_per_gpu - kv, 0.0)
    parts = (("weights", s.weights_bytes_per_gpu, BLUE), ("KV cache at the batch", kv, ORANGE),
             ("free", free, LIGHT_BLUE))
    unit, factor = unit_for([s.weights_bytes_per_gpu + kv + free, usable], "bytes")
    notes: list[str] = []
    series = []
    for name, value, colour in parts:
        xs, ys, _ = drawable([value / factor], [0.0], notes, [name])
        series.append(Series(name, xs, ys, "stacked-horizontal-bars", colour,
                             labels=(f"{name}: {q(value, 'bytes')}",) if xs else ()))
    lx, _, _ = drawable([usable / factor], [0.0], notes, ["usable memory"])
    series.append(Series("usable", lx, (), "vline", RED, labels=(f"usable: {q(usable, 'bytes')}",) if lx else ()))
    return Chart("serving_memory", "Memory per accelerator (dashed: usable)", Axis("Memory", unit),
                 (Panel(Axis(categories=("",), hidden=True), tuple(series)),), subtitle=r.name, legend=True,
                 notes=tuple(notes))


def charts(plan, results, index: int) -> dict:
    designs = ranked(plan, results, index)
    return {"scaling": build_curve(plan, results, index, designs), "time": build_latency(results, index),
            "serving_memory": build_memory(plan, results, index, designs)}


def performance(plan, results, index: int) -> PerformanceView:
    w, r, phase = _context(plan, results, index)
    s = r.serving
    designs = ranked(plan, results, index)
    per_s, _ = gpu_cost_per_s(w, plan, phase)
    rows, failing = [], []
    for d in designs[:TOP]:
        usd = d.gpus * per_s / d.output_tokens_per_s * 1e6 if d.output_tokens_per_s else math.inf
        ok = d.replica.fits and d.meets_slo
        rows.append((d.layout, str(d.replica.gpus), f"{d.replicas:,}", f"{d.gpus:,}", f"{d.batch:,}" if d.batch else
                     "—", _t(d.ttft_s) if d.replica.fits else "—", _t(d.tpot_s) if d.replica.fits else "—",
                     f"{d.output_tokens_per_s / d.gpus:,.0f}" if d.gpus else "—", _usd(usd),
                     "yes" if ok else ("does not fit" if not d.replica.fits else "no")))
        failing.append(not ok)
    summary = (f"{r.name}: {s.layout} does not fit: {q(s.weights_bytes_per_gpu, 'bytes')} of weights per "
               f"accelerator, {q(phase.machine.memory_bytes * USABLE_MEMORY_FRACTION, 'bytes')} usable. The layouts "
               "below are those of the search over tensor sizes and precisions; the first that fits is the "
               "cheapest." if not s.fits else
               f"{r.name}: {s.replicas:,} replicas x {s.gpus_per_replica} = {s.gpus:,} accelerators ({s.layout}), "
               f"batch {s.batch:,} per replica (the KV cache holds {s.max_batch:,}); {s.output_tokens_per_s:,.0f} "
               f"output tokens/s; TTFT {_t(s.ttft_s)}, TPOT {_t(s.tpot_s)} (targets {_t(r.slo_ttft_s)}, "
               f"{_t(r.slo_tpot_s)}: {'met' if s.meets_slo else 'not met'}); {_usd(s.usd_per_million_tokens)} per "
               f"million tokens, {_usd(s.cost_usd_per_year)} per year ({r.cost_basis}).")
    return PerformanceView(
        title=f"{len(designs)} replica layouts searched",
        summary=summary,
        charts=(build_curve(plan, results, index, designs), build_memory(plan, results, index, designs)),
        headers=("Layout", "GPUs/replica", "Replicas", "GPUs", "Batch", "TTFT", "TPOT", "Tokens/s/GPU",
                 "$/M tokens", "Meets SLO"),
        rows=tuple(rows), failing=tuple(failing),
        note="t tensor, p pipeline, e expert; the cheapest per token that meet the SLO first")
