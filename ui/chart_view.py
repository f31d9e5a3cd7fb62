"""ChartView: draws a chart description (``planner.charts.Chart``) with pyqtgraph. Created once
per chart; each new description updates the same items (setData/setOpts). Hovering shows the
nearest point's text; Export PNG renders the plot, Export SVG writes ``planner.svgplot.render``
of the same description."""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from planner import svgplot
from planner.atomic import write_text
from planner.charts import HBAR_HALF, Chart, Series, stack_starts, x_extent

pg.setConfigOptions(antialias=False, background="w", foreground="#222")
HOVER_PX = 40  # how near (pixels) the mouse must be to a point to show its text


def _item(s: Series):
    """A new pyqtgraph item for a series' style (its data is set by ``_update``)."""
    if s.style in ("line", "step"):
        kw = dict(stepMode="center", fillLevel=0, brush=pg.mkBrush(s.colour + "40")) if s.style == "step" else {}
        return pg.PlotDataItem(pen=pg.mkPen(s.colour, width=2), **kw)
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
    if s.style == "step" and not s.y:
        item.setData(x=[], y=[])
    elif s.style in ("line", "step", "marker"):
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


def hit_boxes(chart: Chart, panel_index: int) -> list[tuple[float, float, float, float, str]]:
    """(x0, x1, y0, y1, text) in view coordinates (log10 of x on a log axis) for each point
    of a panel: the area the mouse may be in to show the point's text."""
    panel = chart.panels[panel_index]
    fx = np.log10 if chart.x.log else (lambda v: v)
    starts = stack_starts(panel.series)
    out = []
    for k, s in enumerate(panel.series):
        for i in range(len(s.x) if s.style == "vline" else len(s.y)):
            text = s.label_of(i, chart.x, panel.y)
            if s.style == "step":
                box = (fx(s.x[i]), fx(s.x[i + 1]), min(0, s.y[i]), max(0, s.y[i]))
            elif s.style == "bars":
                box = (s.x[i] - 0.3, s.x[i] + 0.3, min(0, s.y[i]), max(0, s.y[i]))
            elif s.style == "stacked-horizontal-bars":
                box = (starts[k][i], starts[k][i] + s.x[i], s.y[i] - 0.4, s.y[i] + 0.4)
            elif s.style == "horizontal-bars":
                a, b = sorted((s.start(i), s.x[i]))
                box = (a, b, s.y[i] - HBAR_HALF, s.y[i] + HBAR_HALF)
            elif s.style == "vline":
                box = (fx(s.x[i]), fx(s.x[i]), -np.inf, np.inf)
            else:
                box = (fx(s.x[i]), fx(s.x[i]), s.y[i], s.y[i])
            out.append((*box, text))
    return out


class Hover:
    """Shows the text of the point under (or nearest to) the mouse in one plot of a view."""

    def __init__(self, view: ChartView, index: int):
        self.view, self.index = view, index
        self.plot = view.plot_items[index]
        self.label = pg.TextItem(anchor=(0, 1), color="#222", fill=pg.mkBrush(255, 255, 255, 220))
        self.label.setZValue(100)
        self.label.hide()
        self.plot.addItem(self.label, ignoreBounds=True)
        self._boxes: tuple = (None, None, [])
        self.plot.scene().sigMouseMoved.connect(self._on_moved)

    def close(self) -> None:
        self.plot.scene().sigMouseMoved.disconnect(self._on_moved)

    def _on_moved(self, pos: QPointF) -> None:
        chart = self.view.chart
        if chart is None or not self.plot.sceneBoundingRect().contains(pos) or self.index >= len(chart.panels):
            self.label.hide()
            return
        if self._boxes[0] is not chart:  # once per description, not on every move
            boxes = hit_boxes(chart, self.index)
            self._boxes = (chart, np.array([box[:4] for box in boxes], dtype=float).reshape(-1, 4),
                           [box[4] for box in boxes])
        _, b, texts = self._boxes
        if not texts:
            self.label.hide()
            return
        vb = self.plot.vb
        p = vb.mapSceneToView(pos)
        pw, ph = vb.viewPixelSize()
        dx = np.maximum(np.maximum(b[:, 0] - p.x(), p.x() - b[:, 1]), 0) / max(pw, 1e-300)
        dy = np.maximum(np.maximum(b[:, 2] - p.y(), p.y() - b[:, 3]), 0) / max(ph, 1e-300)
        d = np.hypot(dx, dy)
        i = int(np.argmin(d))
        if d[i] > HOVER_PX:
            self.label.hide()
            return
        self.label.setText(texts[i])
        self.label.setPos(p.x(), p.y())
        self.label.show()


class ChartView(QWidget):
    """One chart: its title and export buttons, the plots (one per panel, x axes linked), a
    legend and the chart's notes."""

    def __init__(self, chart: Chart, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        head = QHBoxLayout()
        self.title = QLabel()
        head.addWidget(self.title)
        head.addStretch(1)
        for fmt in ("PNG", "SVG"):
            b = QPushButton(f"Export {fmt}…")
            b.setToolTip(f"Save this plot as {fmt}")
            b.clicked.connect(lambda _=False, f=fmt: self._on_export_clicked(f))
            head.addWidget(b)
        layout.addLayout(head)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setObjectName(f"plot_{chart.key}")
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
        self._extents: list = []  # per panel, the x range last set (stacked bars)
        self.set_chart(chart)

    def set_chart(self, chart: Chart) -> None:
        """Show a new description, reusing the plots and items where the shape allows. Axes,
        labels and ranges are set only when they change: each change costs an axis repaint."""
        shape = (len(chart.panels), chart.x.dates)
        if shape != self._shape:
            self._build(chart)
            self._shape = shape
        self.chart = chart
        self._set_text(self.title, f"<b>{escape(chart.title)}</b>")
        for j, (plot, panel) in enumerate(zip(self.plot_items, chart.panels, strict=True)):
            last = j == len(chart.panels) - 1
            config = (chart.x, panel.y, chart.subtitle if j == 0 else "", last, self._x_ticks(chart))
            if config != self._configs[j]:
                self._configs[j] = config
                self._configure(plot, chart, panel, j, last, config[-1])
            self._set_series(j, plot, panel)
            if panel.y.categories:  # stacked bars: from 0 to the longest, 5% to spare
                extent = x_extent(chart)
                if extent != self._extents[j]:
                    self._extents[j] = extent
                    plot.setXRange(*extent)
        self.legend.setVisible(chart.legend)
        self._set_text(self.legend, "  ".join(
            f"<span style='color:{s.colour}'>{'┆' if s.style == 'vline' else '■'}</span> {escape(s.name)}"
            for p in chart.panels for s in p.series))
        self.notes.setVisible(bool(chart.notes))
        self._set_text(self.notes, "\n".join(chart.notes))

    @staticmethod
    def _set_text(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)

    @staticmethod
    def _configure(plot: pg.PlotItem, chart: Chart, panel, j: int, last: bool, ticks) -> None:
        plot.setLogMode(x=chart.x.log, y=panel.y.log)
        plot.getAxis("left").setLabel(panel.y.title())
        plot.showAxis("left", not panel.y.hidden)
        numeric_x = not (chart.x.dates or chart.x.categories)
        plot.showGrid(x=numeric_x and not panel.y.hidden, y=not (panel.y.hidden or panel.y.categories), alpha=0.25)
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(maxTickLevel=0)  # minor grid lines cost most of a repaint
        if j == 0:
            plot.setTitle(escape(chart.subtitle) if chart.subtitle else None, size="9pt")  # the title is HTML
        if last:
            plot.setLabel("bottom", chart.x.title())
        plot.getAxis("bottom").setTicks(ticks)
        fixed = bool(chart.x.categories) or panel.y.hidden
        plot.setMouseEnabled(x=not fixed, y=not fixed)
        if chart.x.categories:  # every category shown, drawn or not
            plot.setXRange(*x_extent(chart))
        if panel.y.categories:
            plot.setYRange(-0.5, len(panel.y.categories) - 0.5)
        # a row label per category (a tornado's inputs); pyqtgraph's own ticks otherwise
        plot.getAxis("left").setTicks([list(enumerate(panel.y.categories))] if panel.y.categories else None)

    def _build(self, chart: Chart) -> None:
        for hover in self._hovers:
            hover.close()
        self.graphics.clear()
        self.plot_items, self.items, self._hovers = [], [], []
        for j, _panel in enumerate(chart.panels):
            axes = {"bottom": pg.DateAxisItem(orientation="bottom")} if chart.x.dates else None
            plot = self.graphics.addPlot(row=j, col=0, axisItems=axes)
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.getAxis("bottom").enableAutoSIPrefix(False)
            if j:
                plot.setXLink(self.plot_items[0])
            self.plot_items.append(plot)
            self.items.append([])
        self._configs = [None] * len(chart.panels)
        self._extents = [None] * len(chart.panels)
        self._hovers = [Hover(self, j) for j in range(len(self.plot_items))]

    @staticmethod
    def _x_ticks(chart: Chart):
        """Ticks for the x axis, or None for pyqtgraph's own (numbers, dates)."""
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
                    plot.removeItem(items[k][1])
                item = _item(s)
                plot.addItem(item)
                if k < len(items):
                    items[k] = (kind, item)
                else:
                    items.append((kind, item))
            _update(item, s, starts.get(k, ()))
        for _, item in items[len(panel.series):]:
            plot.removeItem(item)
        del items[len(panel.series):]

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
