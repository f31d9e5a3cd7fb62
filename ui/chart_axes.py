"""Axes for ``ui.chart_view``: tick labels a person reads (thousands separators, calendar
ticks chosen as the SVG export chooses them) and the ranges a chart is shown over, with ends
that stay put while a value moves a little (a range change costs the axes a full repaint)."""

from __future__ import annotations

import datetime as _dt
import math

import pyqtgraph as pg

from planner import svgplot
from planner.charts import Chart, x_extent

NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # axis ends: stay put while a value moves a little


def nice_ceiling(v: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k at or above ``v`` (> 0)."""
    if not (v > 0 and math.isfinite(v)):
        return 1.0
    scale = 10.0 ** math.floor(math.log10(v))
    return next(m * scale for m in NICE if m * scale >= v * (1 - 1e-12))


class NumberAxis(pg.AxisItem):
    """Tick labels with thousands separators and as many decimals as the spacing needs
    (``15,000``, ``2.5``), never pyqtgraph's ``1e+04`` or a scale factor."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        if self.logMode or not spacing:
            return super().tickStrings(values, scale, spacing)
        step = spacing * scale
        places = max(0, -math.floor(math.log10(step)))
        while places < 12 and abs(step * 10**places - round(step * 10**places)) > 1e-6:
            places += 1  # a step of 0.025 needs three decimals
        return [f"{v * scale:,.{places}f}" for v in values]


class DateAxis(pg.AxisItem):
    """Calendar ticks chosen as the SVG export chooses them (years, months or days by span:
    ``planner.svgplot.date_ticks``), for whatever range is shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._labels: dict[float, str] = {}

    EDGE_PX = 28  # a label centred nearer the ends than this would be cut, and pyqtgraph drops it

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph's name
        margin = (maxVal - minVal) * self.EDGE_PX / max(size, 1.0)
        ticks = [(v, t) for v, t in svgplot.date_ticks(minVal, maxVal) if minVal + margin <= v <= maxVal - margin]
        if ticks and not any(ch.isdigit() for ch in ticks[0][1][-4:]):  # the first label shown names its year
            year = _dt.datetime.fromtimestamp(ticks[0][0], _dt.UTC).year
            ticks[0] = (ticks[0][0], f"{ticks[0][1]} {year}")
        self._labels = dict(ticks)
        values = [v for v, _ in ticks]
        spacing = (values[-1] - values[0]) / (len(values) - 1) if len(values) > 1 else 86400.0
        return [(spacing, values)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        return [self._labels.get(v, "") for v in values]




def view_ranges(chart: Chart, panel):
    """(x range, y range) to show a panel over (y None: pyqtgraph's own, on a log axis). A
    numeric y axis runs from 0 (or the lowest value) to a nice ceiling above the highest, with
    room below 0 for its label; a log x axis to whole twentieths of a decade beyond the data; a
    date axis ends where the last step ends, nothing drawn after it."""
    lo, hi = x_extent(chart)
    if chart.x.log:
        lo, hi = math.floor(math.log10(lo) * 20 - 0.5) / 20, math.ceil(math.log10(hi) * 20 + 0.5) / 20
    elif chart.x.dates and any(s.style == "step" and s.y for s in panel.series):
        first = min(s.x[0] for s in panel.series if s.style == "step" and s.y)
        hi = max(s.x[-1] for s in panel.series if s.style == "step" and s.y)
        lo = first - 0.06 * (hi - first)
    elif any(s.style == "stacked-horizontal-bars" for s in panel.series):
        hi = nice_ceiling(hi)
    y = None
    if panel.y.categories:
        y = (-0.5, len(panel.y.categories) - 0.5)
    elif not panel.y.log:
        values = [v for s in panel.series if s.style != "vline" for v in s.y]
        top, bottom = max(values, default=0.0), min(values, default=0.0)
        y_hi = nice_ceiling(top * 1.05) if top > 0 else 1.0
        y_lo = -nice_ceiling(-bottom * 1.05) if bottom < 0 else -0.03 * y_hi
        y = (y_lo, y_hi)
    return (lo, hi), y
