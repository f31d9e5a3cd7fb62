"""ChartView: draws a chart description (``planner.charts.Chart``) with pyqtgraph. Created once
per chart; each new description updates the same items (setData/setOpts). Hovering shows the
nearest point's text; Export PNG renders the plot, Export SVG writes ``planner.svgplot.render``
of the same description."""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner import svgplot
from planner.atomic import write_text
from planner.charts import DATE_AXIS_END, DATE_AXIS_START, HBAR_HALF, Chart, Series, stack_starts

from .chart_axes import DateAxis, NumberAxis, view_ranges
from .chart_hover import Hover, hit_boxes
from .theme import apply_to_plot, watcher

__all__ = ["ChartView", "Hover", "hit_boxes"]

pg.setConfigOptions(antialias=False, background="w", foreground="#222")
def _item(s: Series):
    """A new pyqtgraph item for a series' style (its data is set by ``_update``). A step series
    is its outline (holding the description's edges and values) with a fill beneath as
    ``fill_item``: the outline never drops to zero at the right edge, which would read as the
    cluster being taken down."""
    if s.style == "step":
        item = pg.PlotDataItem(pen=pg.mkPen(s.colour, width=2), stepMode="center")
        item.fill_item = pg.PlotDataItem(pen=None, stepMode="center", fillLevel=0, brush=pg.mkBrush(s.colour + "40"))
        return item
    if s.style == "line":
        return pg.PlotDataItem(pen=pg.mkPen(s.colour, width=2))
    if s.style == "marker":
        return pg.PlotDataItem(pen=None, symbol="o", symbolSize=12, symbolBrush=pg.mkBrush(s.colour),
                               symbolPen=pg.mkPen("w"))
    if s.style == "bars":
        return pg.BarGraphItem(x=[], height=[], width=0.6)
    if s.style == "stacked-horizontal-bars":
        return pg.BarGraphItem(x0=[], y=[], width=[], height=0.8)
    if s.style == "horizontal-bars":
        return pg.BarGraphItem(x0=[], x1=[], y=[], height=2 * HBAR_HALF)
    return pg.InfiniteLine(angle=90, pen=pg.mkPen(s.colour, width=2, style=Qt.PenStyle.DashLine))


def _update(item, s: Series, start) -> None:
    if s.style == "step":
        xy = (np.array(s.x, dtype=float), np.array(s.y, dtype=float)) if s.y else ([], [])
        item.setData(*xy)
        item.fill_item.setData(*xy)
    elif s.style in ("line", "marker"):
        item.setData(np.array(s.x, dtype=float), np.array(s.y, dtype=float))
    elif s.style == "bars":
        item.setOpts(x=np.array(s.x), height=np.array(s.y),
                     brushes=[pg.mkBrush(s.colour_of(i)) for i in range(len(s.y))])
    elif s.style == "stacked-horizontal-bars":
        item.setOpts(x0=np.array(start), y=np.array(s.y), width=np.array(s.x), brush=pg.mkBrush(s.colour))
    elif s.style == "horizontal-bars":
        item.setOpts(x0=np.array([s.start(i) for i in range(len(s.x))], dtype=float), x1=np.array(s.x, dtype=float),
                     y=np.array(s.y, dtype=float), brushes=[pg.mkBrush(s.colour_of(i)) for i in range(len(s.y))])
    else:
        item.setVisible(bool(s.x))
        if s.x:
            item.setValue(s.x[0])


class ChartView(QWidget):
    """One chart: its title and export buttons, the plots (one per panel, x axes linked), a
    legend and the chart's notes. ``compact``: small export buttons and margins, for a strip
    of charts above a table. Axis ranges are set from the data with ends that stay put while
    a value moves a little (each range change costs the axes a full repaint)."""

    def __init__(self, chart: Chart, parent=None, compact: bool = False):
        super().__init__(parent)
        self.compact = compact
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(1 if compact else 4)
        head = QHBoxLayout()
        self.title = QLabel()
        # a narrow window clips the title (its full text is the tooltip) rather than widening itself
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(40)
        head.addWidget(self.title, 1)
        self.busy = QLabel("updating…")
        self.busy.setObjectName("chart_busy")
        self.busy.setStyleSheet("color: #b35900")
        self.busy.setToolTip("Computed in the background; the plot follows when it is ready")
        self.busy.hide()
        head.addWidget(self.busy)
        for fmt in ("PNG", "SVG"):
            b = QToolButton()
            b.setText(fmt if compact else f"{fmt}…")
            b.setToolTip(f"Save this plot as {fmt}")
            b.setAccessibleName(f"Export {fmt}")
            if compact:
                b.setAutoRaise(True)
            b.clicked.connect(lambda _=False, f=fmt: self._on_export_clicked(f))
            head.addWidget(b)
        layout.addLayout(head)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setObjectName(f"plot_{chart.key}")
        self.graphics.ci.setContentsMargins(2, 2, 6, 2)
        layout.addWidget(self.graphics, 1)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setStyleSheet("color: #b35900")
        layout.addWidget(self.legend)
        layout.addWidget(self.notes)
        self.chart: Chart | None = None
        self.plot_items: list[pg.PlotItem] = []
        self.items: list[list] = []  # per panel, ((style, colour), pyqtgraph item) of each series
        self._hovers: list[Hover] = []
        self._shape = None
        self._configs: list = []  # per panel, the axis settings last applied
        self._ranges: list = []  # per panel, the (x, y) ranges last set
        self.set_chart(chart)
        watcher().changed.connect(self.apply_theme)

    def apply_theme(self) -> None:
        """Background, axes and titles from the application's palette (dark or light)."""
        apply_to_plot(self.graphics)

    def set_chart(self, chart: Chart) -> None:
        """Show a new description, reusing the plots and items where the shape allows. Axes,
        labels and ranges are set only when they change: each change costs an axis repaint."""
        shape = (len(chart.panels), chart.x.dates)
        restyle = shape != self._shape
        if restyle:
            self._build(chart)
            self._shape = shape
        self.chart = chart
        self._set_text(self.title, f"<b>{escape(chart.title)}</b>")
        self.title.setToolTip(chart.title)
        stacked = len(chart.panels) > 1
        for j, (plot, panel) in enumerate(zip(self.plot_items, chart.panels, strict=True)):
            last = j == len(chart.panels) - 1
            config = (chart.x, panel.y, chart.subtitle if j == 0 else "", last, stacked, self._x_ticks(chart))
            if config != self._configs[j]:
                self._configs[j] = config
                self._configure(plot, chart, panel, j, last, stacked, config[-1])
                restyle = True
            self._set_series(j, plot, panel)
            ranges = view_ranges(chart, panel)
            if ranges != self._ranges[j]:
                self._ranges[j] = ranges
                x, y = ranges
                plot.setXRange(*x, padding=0)
                if y is None:
                    plot.enableAutoRange(y=True)
                else:
                    plot.setYRange(*y, padding=0)
        self.legend.setVisible(chart.legend)
        self._set_text(self.legend, "  ".join(
            f"<span style='color:{s.colour}'>{'┆' if s.style == 'vline' else '■'}</span> {escape(s.name)}"
            for p in chart.panels for s in p.series if s.name))
        self.notes.setVisible(bool(chart.notes))
        self._set_text(self.notes, "\n".join(chart.notes))
        if restyle:  # new plots or titles take the palette's colours
            self.apply_theme()

    def set_pending(self, pending: bool) -> None:
        """Say that newer figures are being computed: the plot shows the last ones, dimmed."""
        self.busy.setVisible(pending)
        for plot in self.plot_items:
            plot.vb.setOpacity(0.35 if pending else 1.0)

    def is_pending(self) -> bool:
        return not self.busy.isHidden()

    @staticmethod
    def _set_text(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)

    def _configure(self, plot: pg.PlotItem, chart: Chart, panel, j: int, last: bool, stacked: bool, ticks) -> None:
        plot.setLogMode(x=chart.x.log, y=panel.y.log)
        left = plot.getAxis("left")
        left.setLabel(panel.y.title())
        # stacked panels are short: their names go above them, not along axes they would overflow
        left.showLabel(not stacked)
        plot.showAxis("left", not panel.y.hidden)
        numeric_x = not (chart.x.dates or chart.x.categories)
        plot.showGrid(x=numeric_x and not panel.y.hidden, y=not (panel.y.hidden or panel.y.categories), alpha=0.25)
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(maxTickLevel=0)  # minor grid lines cost most of a repaint
        title = " — ".join(t for t in (chart.subtitle if j == 0 else "", panel.y.title() if stacked else "") if t)
        plot.setTitle(escape(title) if title else None, size="8pt" if stacked else "9pt",
                      justify="left" if stacked else "center")  # the title is HTML
        if title and stacked:
            plot.titleLabel.setMaximumHeight(16)
            plot.layout.setRowFixedHeight(0, 16)
        plot.showAxis("bottom", last or not stacked)
        if last:
            plot.setLabel("bottom", chart.x.title())
        plot.getAxis("bottom").setTicks(ticks)
        # a row label per category (a tornado's inputs); the axis's own ticks otherwise
        left.setTicks([list(enumerate(panel.y.categories))] if panel.y.categories else None)
        fixed = bool(chart.x.categories) or panel.y.hidden
        plot.setMouseEnabled(x=not fixed, y=not fixed)

    def _build(self, chart: Chart) -> None:
        for hover in self._hovers:
            hover.close()
        self.graphics.clear()
        self.plot_items, self.items, self._hovers = [], [], []
        for j, _panel in enumerate(chart.panels):
            bottom = DateAxis(orientation="bottom") if chart.x.dates else NumberAxis(orientation="bottom")
            plot = self.graphics.addPlot(row=j, col=0, axisItems={"bottom": bottom,
                                                                   "left": NumberAxis(orientation="left")})
            if chart.x.dates:  # the calendar pyqtgraph's date axes and ours can draw
                plot.setLimits(xMin=DATE_AXIS_START, xMax=DATE_AXIS_END)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.enableAutoSIPrefix(False)
                # an axis (and its grid) is redrawn from a cached image unless its range changed
                axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.getAxis("left").setWidth(52)  # stacked panels line up
            if j:
                plot.setXLink(self.plot_items[0])
            self.plot_items.append(plot)
            self.items.append([])
        self._configs = [None] * len(chart.panels)
        self._ranges = [None] * len(chart.panels)
        self._hovers = [Hover(self, j) for j in range(len(self.plot_items))]

    @staticmethod
    def _x_ticks(chart: Chart):
        """Ticks for the x axis, or None for the axis' own (numbers, dates)."""
        if chart.x.categories:
            return [list(enumerate(chart.x.categories))]
        if not chart.x.log:
            return None
        xs = [v for p in chart.panels for s in p.series for v in s.x if v > 0]
        ticks = [(float(np.log10(v)), f"{v:,.0f}" if v >= 1 else f"{v:g}")
                 for v in (svgplot.log_ticks(min(xs), max(xs)) if xs else [])]
        major = [t for t in ticks if abs(t[0] - round(t[0])) < 1e-9]  # the powers of ten
        return [major, [t for t in ticks if t not in major]]

    def _set_series(self, j: int, plot: pg.PlotItem, panel) -> None:
        items = self.items[j]
        starts = stack_starts(panel.series)
        for k, s in enumerate(panel.series):
            kind = (s.style, s.colour)  # an item is reused for the same style and colour
            if k < len(items) and items[k][0] == kind:
                item = items[k][1]
            else:
                if k < len(items):
                    self._remove(plot, items[k][1])
                item = _item(s)
                if s.style == "step":
                    plot.addItem(item.fill_item)
                plot.addItem(item)
                if k < len(items):
                    items[k] = (kind, item)
                else:
                    items.append((kind, item))
            _update(item, s, starts.get(k, ()))
        for _, item in items[len(panel.series):]:
            self._remove(plot, item)
        del items[len(panel.series):]

    @staticmethod
    def _remove(plot: pg.PlotItem, item) -> None:
        plot.removeItem(item)
        if hasattr(item, "fill_item"):
            plot.removeItem(item.fill_item)

    def series_item(self, panel: int, series: int):
        """The pyqtgraph item drawing series ``series`` of panel ``panel``."""
        return self.items[panel][series][1]

    def _on_export_clicked(self, fmt: str) -> None:
        title = self.chart.title if self.chart else "chart"
        path, _ = QFileDialog.getSaveFileName(self, f"Export {title}", f"{title}.{fmt.lower()}",
                                              f"{fmt} (*.{fmt.lower()})")
        if path:
            self.export(path)

    def export(self, path: str, width: int = 1200) -> None:
        """PNG (or any image suffix) from the plots; SVG from the description."""
        if str(path).lower().endswith(".svg"):
            write_text(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + svgplot.render(self.chart))
            return
        exporter = pg_exporters.ImageExporter(self.graphics.ci)
        exporter.parameters()["width"] = width
        exporter.export(str(path))
