"""Charts that help decide between designs, as descriptions (planner.charts): a tornado of what
moves a figure most (planner.sensitivity) and interval bars of how sure each figure is
(planner.uncertainty). The window (ui/chart_view.py) and the HTML report (planner/svgplot.py)
draw these same descriptions."""

from __future__ import annotations

import math

from .charts import BLUE, GREY, HBAR_HALF, ORANGE, Axis, Chart, Panel, Series, drawable
from .metrics import value_text

TORNADO_ROWS = 12


def short_path(path: str) -> str:
    """A row label: ``catalog.systems.dgx-a100.price`` -> ``dgx-a100 price``; plan paths as written."""
    if path.startswith("catalog."):
        _, _, entry, rest = path.split(".", 3)
        return f"{entry} {rest}"
    return path


def build_tornado(s, rows: int = TORNADO_ROWS) -> Chart:
    """The ``rows`` inputs that move the metric most: for each, the metric's change (%) with the
    input lowered and raised by the step, the largest at the top."""
    title = f"What moves {s.label[0].lower() + s.label[1:]} most"
    step = f"{s.step:.0%}"
    subtitle = (f"{s.workload}: " if s.workload else "") + f"each input -{step} and +{step}, one at a time"
    chosen = s.effects[:rows]
    n = len(chosen)
    names = [short_path(e.path) for e in chosen]
    categories = tuple(reversed(names))
    notes: list[str] = []
    series = []
    for which, sign, colour, offset in (("low", "-", BLUE, HBAR_HALF), ("high", "+", ORANGE, -HBAR_HALF)):
        xs = [100 * e.change(which, s.base) for e in chosen]
        ys = [n - 1 - k + offset for k in range(n)]  # the lowered input's bar above the raised one's: both show
        labels = [f"{e.path} {value_text(getattr(e, which), e.dim)} ({sign}{step}): "
                  f"{value_text(getattr(e, 'metric_' + which), s.dim)} ({x:+.1f}%)"
                  + (f", elasticity {e.elasticity:+.2f}" if e.elasticity is not None else "")
                  for e, x in zip(chosen, xs, strict=True)]
        x, y, kept = drawable(xs, ys, notes, [f"{nm} {sign}{step}" for nm in names])
        series.append(Series(f"input {sign}{step}", x, y, "horizontal-bars", colour,
                             labels=tuple(labels[i] for i in kept)))
    steps = [short_path(e.path) for e in chosen if not e.monotone(s.base)]
    if steps:
        notes.append(f"{', '.join(steps)}: lowering and raising move it the same way (a step, not a slope)")
    if not math.isfinite(s.base):
        notes.append(f"{s.label} is infinite (the run never finishes): no input moves it by a percentage.")
    elif not chosen:
        notes.append(f"No input of the plan moves {s.label.lower()}.")
    elif len(s.effects) > rows:
        notes.append(f"{len(s.effects) - rows} more inputs with smaller effects not shown")
    return Chart("tornado", title, Axis(f"Change of {s.label.lower()}", "%"),
                 (Panel(Axis(categories=categories), tuple(series)),), subtitle=subtitle, legend=True,
                 notes=tuple(notes))


def build_intervals(u) -> Chart:
    """One bar per figure from its P10 to its P90, relative to its median (%), with a dot at
    the value every input's mode gives (what the dashboard shows)."""
    spreads = [s for s in u.spreads if s.p50 and s.p50 == s.p50]
    categories = tuple(reversed([s.label for s in spreads]))
    n = len(spreads)
    notes: list[str] = list(u.notes)
    ys = [float(n - 1 - k) for k in range(n)]

    def rel(v: float, s) -> float:
        return 100 * (v / s.p50 - 1)

    texts = [f"{s.label}: P10 {value_text(s.p10, s.dim)}, P50 {value_text(s.p50, s.dim)}, "
             f"P90 {value_text(s.p90, s.dim)}" + (f"; {s.never:.1%} never finish" if s.never else "") for s in spreads]
    lo = [rel(s.p10, s) for s in spreads]
    hi = [rel(s.p90, s) for s in spreads]
    _, _, keep = drawable(hi, ys, notes, [s.label for s in spreads])  # P10 <= P50: only P90 can be infinite
    bars = Series("P10 to P90", tuple(hi[i] for i in keep), tuple(ys[i] for i in keep), "horizontal-bars", BLUE,
                  labels=tuple(texts[i] for i in keep), base=tuple(lo[i] for i in keep))
    modes = [rel(s.at_modes, s) for s in spreads]
    mx, my, mk = drawable(modes, ys, notes, [s.label + " at the modes" for s in spreads])
    dots = Series("at the modes", mx, my, "marker", GREY,
                  labels=tuple(f"{spreads[i].label} at the modes: {value_text(spreads[i].at_modes, spreads[i].dim)}"
                               for i in mk))
    subtitle = f"{u.samples:,} samples of {len(u.inputs)} ranged input{'s' if len(u.inputs) != 1 else ''}" + (
        f"; {u.workload}" if u.workload else "")
    return Chart("intervals", "How sure each figure is (P10 to P90)", Axis("Relative to the median (P50)", "%"),
                 (Panel(Axis(categories=categories), (bars, dots)),), subtitle=subtitle, legend=True,
                 notes=tuple(notes))
