"""The SVG renderer of a chart description (``planner.charts``), dependency-free, for the HTML
report and the app's Export SVG. Each series is a ``<g class="series">`` carrying its values
exactly (``data-x``, ``data-y``: Python float reprs); each point has a ``<title>`` (hover text)."""

from __future__ import annotations

import datetime as _dt
import math
from html import escape

from .charts import (
    DATE_AXIS_END,
    DATE_AXIS_START,
    HBAR_HALF,
    Axis,
    Chart,
    Panel,
    Series,
    number,
    stack_starts,
    x_extent,
)

W, L, R = 560, 70, 20
TITLE_H, SUBTITLE_H, BOTTOM = 28, 14, 44
ONE_PANEL_H, PANEL_H, GAP = 188, 104, 26
CATEGORY_H, CHAR_W = 20, 6.2  # height of a row of a category axis; width of a character of its labels
_DAY = 86400.0


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """At most about ``n`` + 1 round values (1, 2, 5 x 10^k apart) covering [lo, hi]. Never
    raises: an empty, reversed or non-finite range gives the finite ends alone."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [v for v in (lo,) if math.isfinite(v)]
    step = 10.0 ** math.floor(math.log10((hi - lo) / n))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= n:
            step *= m
            break
    start = math.ceil(lo / step) * step
    count = min(int((hi - start) / step + 1e-9) + 1, 50)
    return [start + i * step for i in range(count)]


def log_ticks(lo: float, hi: float) -> list[float]:
    """1, 2, 5 x 10^k between lo and hi (both > 0)."""
    if not (0 < lo <= hi and math.isfinite(hi)):
        return []
    return [m * 10.0**k for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
            for m in (1, 2, 5) if lo * (1 - 1e-9) <= m * 10.0**k <= hi * (1 + 1e-9)]


def date_ticks(lo: float, hi: float) -> list[tuple[float, str]]:
    """Calendar ticks (years, months or days by span) between two POSIX times."""
    lo, hi = max(lo, DATE_AXIS_START), min(hi, DATE_AXIS_END)
    if not hi > lo:
        return []
    a, b = (_dt.datetime.fromtimestamp(v, _dt.UTC) for v in (lo, hi))
    days = (hi - lo) / _DAY
    out = []
    if days > 3 * 365:
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
                    if (b.year - a.year) / s <= 6)
        for y in range((a.year // step + 1) * step, b.year + 1, step):
            out.append((_dt.datetime(y, 1, 1, tzinfo=_dt.UTC).timestamp(), str(y)))
    elif days > 60:
        months = (b.year - a.year) * 12 + b.month - a.month
        step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 7)
        m = a.year * 12 + a.month  # the month after a's (a month index is year * 12 + month - 1)
        while True:
            y, mo = divmod(m, 12)
            if mo % step == 0:
                t = _dt.datetime(y, mo + 1, 1, tzinfo=_dt.UTC).timestamp()
                if t > hi:
                    break
                out.append((t, f"{_dt.date(y, mo + 1, 1):%b}" + (f" {y}" if mo == 0 or not out else "")))
            m += 1
    else:
        step = next(s for s in (1, 2, 7, 14, 28) if days / s <= 7)
        d = _dt.date(a.year, a.month, a.day)
        while d < _dt.date.max:
            d += _dt.timedelta(days=1)
            t = _dt.datetime(d.year, d.month, d.day, tzinfo=_dt.UTC).timestamp()
            if t > hi:
                break
            if (d.toordinal() % step) == 0:
                out.append((t, f"{d:%d %b}"))
    return out


def _y_extent(panel: Panel) -> tuple[float, float]:
    if panel.y.categories:
        return -0.5, len(panel.y.categories) - 0.5
    ys = [v for s in panel.series for v in s.y]
    if panel.y.log:
        ys = [v for v in ys if v > 0]
        return (min(ys), max(ys) * 1.1) if ys else (1.0, 10.0)
    lo, hi = min(ys + [0.0]), max(ys + [0.0])
    hi = hi + (hi - lo) * 0.08
    if hi <= lo:
        hi = lo + 1
    return lo, hi


class _Scale:
    def __init__(self, lo: float, hi: float, a: float, b: float, log: bool):
        self.log = log
        self.lo, self.hi = (math.log10(lo), math.log10(hi)) if log else (lo, hi)
        self.a, self.b = a, b

    def __call__(self, v: float) -> float:
        v = math.log10(max(v, 1e-300)) if self.log else v
        return self.a + (self.b - self.a) * (v - self.lo) / (self.hi - self.lo)


def _data_attrs(s: Series) -> str:
    base = f' data-base="{" ".join(repr(v) for v in s.base)}"' if s.base else ""
    return (f'class="series" data-name="{escape(s.name)}" data-style="{s.style}" '
            f'data-x="{" ".join(repr(v) for v in s.x)}" data-y="{" ".join(repr(v) for v in s.y)}"{base}')


def _series(s: Series, k: int, starts, sx, sy, x_axis: Axis, y_axis: Axis, top: float, bottom: float) -> str:
    def tip(i):
        return f"<title>{escape(s.label_of(i, x_axis, y_axis))}</title>"

    c = escape(s.colour)
    body = []
    if s.style in ("line", "marker") and s.x:
        if s.style == "line":
            d = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}"
                         for i, (x, y) in enumerate(zip(s.x, s.y, strict=True)))
            body.append(f'<path d="{d}" fill="none" stroke="{c}" stroke-width="2"/>')
        r, fill = (4, "transparent") if s.style == "line" else (5, c)
        stroke = "none" if s.style == "line" else "#fff"
        body += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="{r}" fill="{fill}" stroke="{stroke}">'
                 f"{tip(i)}</circle>" for i, (x, y) in enumerate(zip(s.x, s.y, strict=True))]
    elif s.style == "step" and s.y:
        base = bottom if sy.log else sy(0.0)
        pts = []
        for i, y in enumerate(s.y):
            pts += [(sx(s.x[i]), sy(y)), (sx(s.x[i + 1]), sy(y))]
        line = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(pts))
        fill = f"M{pts[0][0]:.1f},{base:.1f} " + line.replace("M", "L", 1) + f" L{pts[-1][0]:.1f},{base:.1f} Z"
        # the outline does not drop to zero at the right edge: the cluster is not taken down there
        body.append(f'<path d="{fill}" fill="{c}" fill-opacity="0.25" stroke="none"/>'
                    f'<path d="{line}" fill="none" stroke="{c}" stroke-width="2"/>')
        body += [f'<rect x="{sx(s.x[i]):.1f}" y="{top:.1f}" width="{max(sx(s.x[i + 1]) - sx(s.x[i]), 0):.1f}" '
                 f'height="{bottom - top:.1f}" fill="transparent">{tip(i)}</rect>' for i in range(len(s.y))]
    elif s.style == "bars":
        zero = sy(0.0) if not sy.log else bottom
        half = abs(sx(0.3) - sx(0.0))
        for i, (x, y) in enumerate(zip(s.x, s.y, strict=True)):
            y0, y1 = sorted((zero, sy(y)))
            body.append(f'<rect x="{sx(x) - half:.1f}" y="{y0:.1f}" width="{2 * half:.1f}" height="{y1 - y0:.1f}" '
                        f'fill="{escape(s.colour_of(i))}" stroke="#222" stroke-width="0.5">{tip(i)}</rect>')
    elif s.style == "stacked-horizontal-bars":
        half = abs(sy(0.4) - sy(0.0))
        for i, (x, y) in enumerate(zip(s.x, s.y, strict=True)):
            a, b = sorted((sx(starts[k][i]), sx(starts[k][i] + x)))
            body.append(f'<rect x="{a:.1f}" y="{sy(y) - half:.1f}" width="{b - a:.1f}" height="{2 * half:.1f}" '
                        f'fill="{escape(s.colour_of(i))}" stroke="#222" stroke-width="0.5">{tip(i)}</rect>')
    elif s.style == "horizontal-bars":
        half = abs(sy(HBAR_HALF) - sy(0.0))
        for i, (x, y) in enumerate(zip(s.x, s.y, strict=True)):
            a, b = sorted((sx(s.start(i)), sx(x)))
            body.append(f'<rect x="{a:.1f}" y="{sy(y) - half:.1f}" width="{b - a:.1f}" height="{2 * half:.1f}" '
                        f'fill="{escape(s.colour_of(i))}" stroke="#222" stroke-width="0.5">{tip(i)}</rect>')
    elif s.style == "vline":
        body += [f'<line x1="{sx(x):.1f}" x2="{sx(x):.1f}" y1="{top:.1f}" y2="{bottom:.1f}" stroke="{c}" '
                 f'stroke-width="2" stroke-dasharray="6 4">{tip(i)}</line>' for i, x in enumerate(s.x)]
    return f"<g {_data_attrs(s)}>" + "".join(body) + "</g>"


def _x_ticks(axis: Axis, sx: _Scale, lo: float, hi: float) -> list[tuple[float, str]]:
    if axis.categories:
        return [(float(i), c) for i, c in enumerate(axis.categories)]
    if axis.dates:
        return date_ticks(lo, hi)
    if axis.log:
        return [(v, f"{v:,.0f}" if v >= 1 else f"{v:g}") for v in log_ticks(lo, hi)]
    return [(v, number(v)) for v in ticks(lo, hi)]


def _legend_rows(items: list[tuple[str, str, bool]]) -> list[list[tuple[float, str, str, bool]]]:
    """(x, name, colour, dashed) per legend entry, wrapped into rows that fit the width."""
    rows: list[list[tuple[float, str, str, bool]]] = []
    x = W
    for name, colour, dashed in items:
        width = 26 + 7 * len(name)
        if x + width > W - R:
            rows.append([])
            x = L
        rows[-1].append((x, name, colour, dashed))
        x += width
    return rows


def render(chart: Chart) -> str:
    """The chart as an ``<svg>`` element (no XML declaration): title, stacked panels sharing the
    x axis, legend and notes."""
    n = max(len(chart.panels), 1)
    ph = ONE_PANEL_H if n == 1 else PANEL_H
    rows = max((len(p.y.categories) for p in chart.panels if not p.y.hidden), default=0)
    ph = max(ph, CATEGORY_H * rows)  # a row per category label (a tornado's inputs)
    left = max(L, min(W // 2, 12 + int(CHAR_W * max((len(c) for p in chart.panels if not p.y.hidden
                                                        for c in p.y.categories), default=0))))
    top0 = TITLE_H + (SUBTITLE_H if chart.subtitle else 0)
    legend = _legend_rows([(s.name, s.colour, s.style == "vline") for p in chart.panels for s in p.series
                           if chart.legend and s.name])
    legend_h = 16 * len(legend)
    height = top0 + n * ph + (n - 1) * GAP + BOTTOM + legend_h + 14 * len(chart.notes)
    xlo, xhi = x_extent(chart)
    sx = _Scale(xlo, xhi, left, W - R, chart.x.log)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="{W}" height="{height}" '
           f'font-family="sans-serif" font-size="11" data-chart="{escape(chart.key)}">',
           f'<text x="{W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">'
           f"{escape(chart.title)}</text>"]
    if chart.subtitle:
        out.append(f'<text x="{W / 2}" y="{TITLE_H + 4}" text-anchor="middle" fill="#444">'
                   f"{escape(chart.subtitle)}</text>")
    xt = _x_ticks(chart.x, sx, xlo, xhi)
    for j, panel in enumerate(chart.panels):
        top = top0 + j * (ph + GAP)
        bottom = top + ph
        ylo, yhi = _y_extent(panel)
        sy = _Scale(ylo, yhi, bottom, top, panel.y.log)
        out.append(f'<g class="panel" data-panel="{j}">')
        if panel.y.categories and not panel.y.hidden:  # each row's label, left of the plot
            out += [f'<text x="{left - 6}" y="{sy(float(i)) + 4:.1f}" text-anchor="end">{escape(c)}</text>'
                    for i, c in enumerate(panel.y.categories)]
        elif not panel.y.hidden:
            yt = log_ticks(ylo, yhi) if panel.y.log else ticks(ylo, yhi)
            for t in yt:
                out.append(f'<line x1="{left}" x2="{W - R}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" stroke="#ddd"/>'
                           f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end">{escape(number(t))}</text>')
            mid = (top + bottom) / 2
            out.append(f'<text x="14" y="{mid:.1f}" text-anchor="middle" font-size="{11 if n == 1 else 10}" '
                       f'transform="rotate(-90 14 {mid:.1f})">{escape(panel.y.title())}</text>')
        if not chart.x.categories and not chart.x.dates:
            out += [f'<line x1="{sx(v):.1f}" x2="{sx(v):.1f}" y1="{top}" y2="{bottom}" stroke="#eee"/>' for v, _ in xt]
        out.append(f'<line x1="{left}" x2="{W - R}" y1="{bottom}" y2="{bottom}" stroke="#888"/>')
        out += [f'<text x="{sx(v):.1f}" y="{bottom + 14}" text-anchor="middle">{escape(label)}</text>'
                for v, label in xt]
        starts = stack_starts(panel.series)
        out += [_series(s, k, starts, sx, sy, chart.x, panel.y, top, bottom) for k, s in enumerate(panel.series)]
        out.append("</g>")
    y = top0 + n * ph + (n - 1) * GAP + 34
    out.append(f'<text x="{(left + W - R) / 2}" y="{y}" text-anchor="middle">{escape(chart.x.title())}</text>')
    for row in legend:
        y += 16
        out += [(f'<line x1="{x + 5}" x2="{x + 5}" y1="{y - 10}" y2="{y + 1}" stroke="{escape(colour)}" '
                 'stroke-width="2" stroke-dasharray="3 2"/>' if dashed else
                 f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{escape(colour)}"/>')
                + f'<text x="{x + 13}" y="{y}">{escape(name)}</text>' for x, name, colour, dashed in row]
    for note in chart.notes:
        y += 14
        out.append(f'<text x="{L}" y="{y}" fill="#b35900" font-size="10" class="note">{escape(note)}</text>')
    out.append("</svg>")
    return "".join(out)
