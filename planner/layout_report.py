"""The layout search as text: the best layouts of a workload, and why each wins or loses."""

from __future__ import annotations

import time

from . import catalog as _catalog
from .kinds import DEFAULT_KIND
from .model.cluster import phase_result
from .perf.parts import PART_NAMES
from .perf.predict import MEMORY_PARTS, STEP_PARTS, ranked_table
from .units import format_quantity as q

__all__ = ["MEMORY_PARTS", "PART_NAMES", "STEP_PARTS", "layout_rows", "layout_text", "performance_view"]



def performance_view(plan, results, index: int):
    """The Performance-tab view a workload's kind brings (planner.performance_view), or None
    (training shows its prediction and layout search instead)."""
    from .kinds import evaluator_of

    if results is None or not 0 <= index < len(results.workloads):
        return None
    own = getattr(evaluator_of(plan.workloads[index]), "performance", None)
    return own(plan, results, index) if own is not None else None


def layout_rows(plan, name: str | None, top: int):
    """(workload, Ranking, seconds) for the named training run, or the first with a model shape."""
    candidates = [w for w in plan.workloads if w.kind == DEFAULT_KIND and w.model is not None
                  and (name is None or w.name == name)]
    if not candidates:
        return None
    w = candidates[0]
    cat = _catalog.for_plan(plan)
    index = plan.workload_phase(w)
    phase = phase_result(plan, cat, index)
    gpus = w.gpus if w.gpus is not None else phase.gpus
    t0 = time.perf_counter()
    ranking = ranked_table(plan, cat, w, index, phase, gpus, top)
    return w, ranking, time.perf_counter() - t0


def _view_text(plan, index: int, top: int) -> str:
    """A kind's own ranked table (planner.performance_view) as text."""
    from .evaluation import evaluate

    t0 = time.perf_counter()
    view = performance_view(plan, evaluate(plan), index)
    seconds = time.perf_counter() - t0
    rows = [view.headers] + list(view.rows[:top])
    widths = [max(len(r[c]) for r in rows) for c in range(len(view.headers))]
    lines = [f"{plan.workloads[index].name}: {view.title}; the best {len(rows) - 1} ({seconds * 1e3:.0f} ms)", "",
             view.summary, ""]
    for n, row in enumerate(rows):
        cells = (cell.ljust(widths[c]) if c == 0 else cell.rjust(widths[c]) for c, cell in enumerate(row))
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("-" * len(lines[-1]))
    return "\n".join(lines + ["", view.note]) + "\n"


def layout_text(plan, name: str | None, top: int) -> tuple[str, int]:
    own = [i for i, w in enumerate(plan.workloads) if w.name == name and w.kind != DEFAULT_KIND]
    if own:
        return _view_text(plan, own[0], top), 0
    found = layout_rows(plan, name, top)
    if found is None:
        names = ", ".join(w.name for w in plan.workloads if w.model is not None and w.kind == DEFAULT_KIND) or "none"
        others = [w.name for w in plan.workloads if w.kind != DEFAULT_KIND]
        if others:
            names += "; other kinds rank their own layouts: --workload " + ", ".join(repr(n) for n in others)
        return (f"cluster-planner: no workload {'named ' + repr(name) + ' ' if name else ''}with a model shape "
                f"(model: {{layers, hidden, heads}}); workloads with one: {names}\n", 1)
    w, ranking, seconds = found
    rows = ranking.rows
    lines = [f"{w.name}: {ranking.searched:,} layouts searched in {seconds * 1e3:.0f} ms; best {len(rows)}:", ""]
    if ranking.search_truncated:
        lines[-1:] = [f"Note: {ranking.search_note}.", ""]
    head = f"{'#':>3}  {'layout':<30} {'GPUs':>7} {'step':>9} {'MFU':>6} {'tokens/s':>11} {'memory':>9}  limited by"
    lines += [head, "-" * len(head)]
    best = rows[0]["step_time_s"] if rows else 0
    for i, r in enumerate(rows, 1):
        fits = "" if r["fits"] else " (does not fit)"
        slower = "" if i == 1 else f", {r['step_time_s'] / best - 1:+.0%} vs #1"
        lines.append(f"{i:>3}  {r['layout'].text():<30} {r['gpus_used']:>7,} {r['step_time_s']:>8.2f}s "
                     f"{r['mfu']:>6.1%} {r['tokens_per_s']:>11,.0f} {q(r['memory_per_gpu_bytes'], 'bytes'):>9}  "
                     f"{PART_NAMES.get(r['dominant'], r['dominant'])} "
                     f"{r['parts'][r['dominant'] + '_s'] / r['step_time_s']:.0%}{slower}{fits}")
    lines += ["", "layout: t tensor, p pipeline, d data, m microbatch, v interleave, z ZeRO stage, recompute",
              "ranking: layouts that fit first; within 1% of the best step time, the fewest accelerators first"]
    return "\n".join(lines) + "\n", 0
