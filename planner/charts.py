"""A chart as plain data: what to draw, not how. Built once in ``planner.chart_builders``; drawn
on screen by ``ui.chart_view`` (pyqtgraph) and into reports and exports by ``planner.svgplot``,
so both show the same numbers in the same units.

Values are stored in the display unit their axis names (``MW``, ``days``, ``h``): the builders
choose the unit, the renderers only draw. Dates are POSIX seconds (UTC). Every value is finite
and within ``LIMIT``; ``clean`` drops or clamps the rest and says so in the chart's notes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .units import best_unit

STYLES = ("line", "step", "bars", "stacked-horizontal-bars", "horizontal-bars", "marker", "vline")
# Dates are drawn between 0001-01-01 and 9999-01-01: pyqtgraph's DateAxisItem limits its view to these
DATE_AXIS_START = -62135596800.0
DATE_AXIS_END = 253370764800.0
LIMIT = 1e15  # largest magnitude drawn, in display units (renderers keep precision well past it)
HBAR_HALF = 0.2  # half the thickness of a horizontal bar, in rows: two fit in a row (a tornado's low and high)

BLUE, LIGHT_BLUE, GREEN, ORANGE, RED, PURPLE, GREY = (
    "#3b78c2", "#7aa6d9", "#5cb85c", "#f0ad4e", "#d9534f", "#b07cc6", "#999999")


@dataclass(frozen=True)
class Axis:
    label: str = ""
    unit: str = ""  # display unit of the values; "" for counts and categories
    log: bool = False  # values are drawn on a log10 scale (ticks 1-2-5)
    dates: bool = False  # values are POSIX seconds, drawn as calendar dates
    categories: tuple[str, ...] = ()  # tick labels at 0, 1, 2, ...
    hidden: bool = False

    def title(self) -> str:
        """The axis title as shown: ``Power under load (MW)``."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class Series:
    """One set of points. ``style``:

    - ``line``, ``marker``: points (x[i], y[i]).
    - ``step``: x holds len(y) + 1 edges; y[i] holds from x[i] to x[i + 1].
    - ``bars``: vertical bars of height y[i] at category position x[i].
    - ``stacked-horizontal-bars``: a bar of length x[i] in row y[i], after the bars of the
      series before it in the same panel.
    - ``horizontal-bars``: a bar in row y[i] from base[i] (0 when ``base`` is empty) to x[i]:
      either side of zero (a tornado chart), or from one value to another (an interval).
    - ``vline``: a dashed vertical reference line at x[0] (y is empty; x may be empty too).

    ``labels`` are the hover texts, one per point (per y value; per x for a vline)."""

    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    style: str = "line"
    colour: str = BLUE
    colours: tuple[str, ...] = ()  # per point (bars); empty: all ``colour``
    labels: tuple[str, ...] = ()
    base: tuple[float, ...] = ()  # horizontal-bars: where each bar starts (empty: at 0)

    def __post_init__(self):
        assert self.style in STYLES, self.style
        points = len(self.x) if self.style == "vline" else len(self.y)
        xs = (len(self.y) + 1 if self.y else 0) if self.style == "step" else points
        assert len(self.x) == xs, (self.name, self.style, len(self.x), len(self.y))
        assert not self.labels or len(self.labels) == points, (self.name, len(self.labels), points)
        assert self.style != "vline" or (len(self.x) <= 1 and not self.y), self.name
        assert not self.colours or len(self.colours) == points, (self.name, len(self.colours), points)
        assert not self.base or (self.style == "horizontal-bars" and len(self.base) == points), self.name

    def start(self, i: int) -> float:
        """Where horizontal bar i starts."""
        return self.base[i] if self.base else 0.0

    def colour_of(self, i: int) -> str:
        return self.colours[i] if self.colours else self.colour

    def label_of(self, i: int, x_axis: Axis, y_axis: Axis) -> str:
        if self.labels:
            return self.labels[i]
        if self.style == "vline":
            return f"{self.name}: {number(self.x[i])} {x_axis.unit}".rstrip()
        if self.style in ("stacked-horizontal-bars", "horizontal-bars"):
            return f"{self.name}: {number(self.x[i])} {x_axis.unit}".rstrip()
        if self.style == "bars" and x_axis.categories:
            return f"{x_axis.categories[int(self.x[i])]}: {number(self.y[i])} {y_axis.unit}".rstrip()
        return f"{self.name}: {number(self.x[i])} {x_axis.unit}, {number(self.y[i])} {y_axis.unit}".rstrip()


@dataclass(frozen=True)
class Panel:
    y: Axis
    series: tuple[Series, ...] = ()


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    x: Axis
    panels: tuple[Panel, ...]  # stacked top to bottom, sharing the x axis
    subtitle: str = ""  # e.g. the workload's name, shown inside the plot
    legend: bool = False  # show the series names with their colours
    notes: tuple[str, ...] = field(default=())  # what was left out or clamped, for the reader


def stack_starts(series: tuple[Series, ...]) -> dict[int, list[float]]:
    """Start of each stacked-horizontal-bar segment, by series index."""
    ends: dict[float, float] = {}
    out: dict[int, list[float]] = {}
    for k, s in enumerate(series):
        if s.style == "stacked-horizontal-bars":
            out[k] = []
            for x, y in zip(s.x, s.y, strict=True):
                out[k].append(ends.get(y, 0.0))
                ends[y] = ends.get(y, 0.0) + x
    return out


def x_extent(chart: Chart) -> tuple[float, float]:
    """The x range to show: the categories, the bars from 0 with 5% to spare, else the data
    with 2% each side (on a log axis, a ratio)."""
    if chart.x.categories:
        return -0.5, len(chart.x.categories) - 0.5
    xs = []
    for p in chart.panels:
        starts = stack_starts(p.series)
        for k, s in enumerate(p.series):
            if s.style == "stacked-horizontal-bars":
                xs += [0.0] + [a + x for a, x in zip(starts[k], s.x, strict=True)]
            elif s.style == "horizontal-bars":
                xs += [0.0] + list(s.x) + list(s.base)
            else:
                xs += list(s.x)
    if chart.x.log:
        xs = [v for v in xs if v > 0]
    if not xs:
        return (1.0, 10.0) if chart.x.log else (0.0, 1.0)
    lo, hi = min(xs), max(xs)
    if any(s.style == "stacked-horizontal-bars" for p in chart.panels for s in p.series):
        return 0.0, (hi * 1.05 if hi > 0 else 1.0)
    if any(s.style == "horizontal-bars" for p in chart.panels for s in p.series):  # 0 included: 5% to spare
        if hi <= lo:  # nothing drawn but the zero line
            return lo - 1.0, hi + 1.0
        pad = (hi - lo) * 0.05
        return lo - (pad if lo < 0 else 0.0), hi + (pad if hi > 0 else 0.0)
    if hi <= lo:
        return (lo / 2, lo * 2) if chart.x.log else (lo - 0.5, lo + 0.5)
    if chart.x.log:
        pad = (hi / lo) ** 0.02
        return lo / pad, hi * pad
    pad = (hi - lo) * 0.02
    return lo - pad, hi + pad


def number(v: float) -> str:
    """Short human text for a value in display units: 6,080 / 1.234 / 3.2e-09."""
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e7 or a < 1e-3:
        return f"{v:.4g}"
    if a >= 100:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def drawable(xs, ys, notes: list[str], names=None, what: str = "points", positive_x: bool = False):
    """The points that can be drawn, as (x tuple, y tuple, indices kept): points with a
    non-finite value (a run that never finishes) or, on a log axis, x <= 0 are dropped; values
    beyond ``LIMIT`` are clamped. Each change is said once in ``notes``, naming the points by
    ``names[i]`` when given, else counting ``what``."""
    out_x, out_y, kept, dropped, zero, clamped = [], [], [], [], [], []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        x, y = float(x), float(y)
        if not (math.isfinite(x) and math.isfinite(y)):
            dropped.append(i)
            continue
        if positive_x and x <= 0:
            zero.append(i)
            continue
        if abs(x) > LIMIT or abs(y) > LIMIT:
            clamped.append(i)
            x, y = max(-LIMIT, min(LIMIT, x)), max(-LIMIT, min(LIMIT, y))
        out_x.append(x)
        out_y.append(y)
        kept.append(i)

    def which(idx):
        return ", ".join(str(names[i]) for i in idx) if names is not None else f"{len(idx)} {what}"

    if dropped:
        notes.append(f"{which(dropped)}: infinite (never finishes), not drawn")
    if zero:
        notes.append(f"{which(zero)}: zero or less, not drawn on a log scale")
    if clamped:
        notes.append(f"{which(clamped)}: beyond ±{LIMIT:.0e}, drawn clamped")
    return tuple(out_x), tuple(out_y), kept


def unit_for(values, dim: str) -> tuple[str, float]:
    """(display unit, SI per display unit) chosen for the largest finite value: a run under a
    day in hours, power in MW or kW by magnitude."""
    top = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return best_unit(top, dim)


def blank(key: str, title: str, note: str) -> Chart:
    """A chart with nothing to draw and the reason as its note (a plan that cannot be evaluated)."""
    return Chart(key, title, Axis(), (Panel(Axis()),), notes=(note,))
