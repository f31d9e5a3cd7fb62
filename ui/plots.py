"""The plots: build-out timeline, training time against GPU count, power breakdown and time
breakdown. Each is created once and updated with setData/setOpts when new results arrive;
hovering shows values; each exports to PNG and SVG."""

from __future__ import annotations

import datetime as _dt
import math
from html import escape as html_escape

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QFileDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from planner import svgplot
from planner.sweep import time_vs_gpus

pg.setConfigOptions(antialias=False, background="w", foreground="#222")
BLUE, GREEN, ORANGE, RED = "#3b78c2", "#5cb85c", "#f0ad4e", "#d9534f"
POWER_PARTS = ["accelerators", "rest of nodes", "network", "storage", "cooling etc."]
TIME_PARTS = ["compute", "I/O", "total"]


def export_png(item, path: str, width: int = 1200) -> None:
    exporter = pg_exporters.ImageExporter(item)
    exporter.parameters()["width"] = width
    exporter.export(str(path))


def log_ticks(values) -> list:
    """Readable ticks for a log axis of counts: 1, 2, 5 x 10^k, labelled 1,000 / 2,000 / 5,000."""
    if len(values) == 0:
        return [[]]
    lo, hi = float(np.min(values)), float(np.max(values))
    major, minor = [], []
    for k in range(int(math.floor(math.log10(lo))), int(math.ceil(math.log10(hi))) + 1):
        for m in (1, 2, 5):
            v = m * 10**k
            if lo <= v <= hi:
                (major if m == 1 else minor).append((math.log10(v), f"{v:,}"))
    return [major, minor]


class Hover:
    """Shows the nearest data point's values as text while the mouse moves over a plot."""

    def __init__(self, plot: pg.PlotItem, points, fmt):
        self.plot, self.points, self.fmt = plot, points, fmt
        self.label = pg.TextItem(anchor=(0, 1), color="#222", fill=pg.mkBrush(255, 255, 255, 220))
        self.label.setZValue(100)
        self.label.hide()
        plot.addItem(self.label, ignoreBounds=True)
        plot.scene().sigMouseMoved.connect(self._on_moved)

    def _on_moved(self, pos: QPointF) -> None:
        vb = self.plot.vb
        if not self.plot.sceneBoundingRect().contains(pos):
            self.label.hide()
            return
        xs, ys = self.points()
        if len(xs) == 0:
            return
        p = vb.mapSceneToView(pos)
        # nearest in screen distance
        scene = [vb.mapViewToScene(QPointF(x, y)) for x, y in zip(xs, ys, strict=True)]
        d = [(s.x() - pos.x()) ** 2 + (s.y() - pos.y()) ** 2 for s in scene]
        i = int(np.argmin(d))
        self.label.setText(self.fmt(i, xs[i], ys[i]))
        self.label.setPos(p.x(), p.y())
        self.label.show()


def light_grid(plot: pg.PlotItem, x: bool = True, y: bool = True) -> None:
    """Grid lines at the major ticks only: minor grid lines cost most of a repaint."""
    plot.showGrid(x=x, y=y, alpha=0.25)
    for name in ("left", "bottom"):
        plot.getAxis(name).setStyle(maxTickLevel=0)


class PlotBox(QWidget):
    """A plot with its title and PNG/SVG export buttons."""

    def __init__(self, title: str, widget, export_item, svg_source, parent=None):
        """``svg_source()`` returns the plot as SVG text. It is drawn from the plot's data by
        planner.svgplot, as in the HTML report: pyqtgraph's SVGExporter fails on the path syntax
        of current Qt (pyqtgraph issue #3485), and Qt's QSvgGenerator misplaces clipped items."""
        super().__init__(parent)
        self.widget = widget
        self.export_item = export_item
        self.svg_source = svg_source
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        head = QHBoxLayout()
        label = QLabel(f"<b>{title}</b>")
        head.addWidget(label)
        head.addStretch(1)
        for fmt in ("PNG", "SVG"):
            b = QPushButton(f"Export {fmt}…")
            b.setToolTip(f"Save this plot as {fmt}")
            b.clicked.connect(lambda _=False, f=fmt: self._on_export_clicked(f))
            head.addWidget(b)
        layout.addLayout(head)
        layout.addWidget(widget, 1)
        self.title = title

    def _on_export_clicked(self, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Export {self.title}", f"{self.title}.{fmt.lower()}",
                                              f"{fmt} (*.{fmt.lower()})")
        if path:
            self.export(path)

    def export(self, path: str) -> None:
        if path.lower().endswith(".svg"):
            from planner.atomic import write_text

            write_text(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + self.svg_source())
        else:
            export_png(self.export_item, path)


class PlotsPanel(QWidget):
    refreshed = Signal()

    def __init__(self, document, dashboard, parent=None):
        super().__init__(parent)
        self.document = document
        self.dashboard = dashboard
        grid = QGridLayout(self)

        # Build-out timeline: three stacked plots sharing the date axis.
        self.timeline = pg.GraphicsLayoutWidget()
        self.timeline.setObjectName("plot_timeline")
        self.t_plots = []
        self.t_curves = []
        for row, (label, units, color) in enumerate(
                (("Accelerators", "", BLUE), ("Peak", "FLOP/s", GREEN), ("Facility power", "W", ORANGE))):
            axis = pg.DateAxisItem(orientation="bottom")
            p = self.timeline.addPlot(row=row, col=0, axisItems={"bottom": axis})
            p.setLabel("left", label, units=units or None)
            light_grid(p, x=False)
            if row:
                p.setXLink(self.t_plots[0])
            curve = p.plot([], [], stepMode="center", pen=pg.mkPen(color, width=2), fillLevel=0,
                           brush=pg.mkBrush(color + "40"))
            self.t_plots.append(p)
            self.t_curves.append(curve)
        self.t_plots[-1].setLabel("bottom", "Online date")
        self._t_data = (np.array([]), [np.array([])] * 3)
        for i, p in enumerate(self.t_plots):
            Hover(p, lambda i=i: (self._t_data[0], self._t_data[1][i]),
                  lambda n, x, y, i=i: self._timeline_text(n))

        # Training time against GPU count, the current design marked.
        self.scaling = pg.PlotWidget()
        self.scaling.setObjectName("plot_scaling")
        sp = self.scaling.getPlotItem()
        sp.setLogMode(x=True, y=False)
        sp.setLabel("bottom", "Accelerators (log scale)")
        sp.setLabel("left", "Training time (days)")
        light_grid(sp)
        self.s_curve = sp.plot([], [], pen=pg.mkPen(BLUE, width=2))
        self.s_mark = pg.ScatterPlotItem(size=12, brush=pg.mkBrush(RED), pen=pg.mkPen("w"))
        sp.addItem(self.s_mark)
        self._s_data = (np.array([]), np.array([]))
        Hover(sp, lambda: (np.log10(self._s_data[0]) if len(self._s_data[0]) else self._s_data[0], self._s_data[1]),
              lambda n, x, y: f"{self._s_data[0][n]:,.0f} GPUs: {y:,.2f} days")

        # Power breakdown under training load.
        self.power = pg.PlotWidget()
        self.power.setObjectName("plot_power")
        pp = self.power.getPlotItem()
        pp.setLabel("left", "Power under load", units="W")
        pp.getAxis("bottom").setTicks([list(enumerate(POWER_PARTS))])
        light_grid(pp, x=False)
        self.p_bars = pg.BarGraphItem(x=np.arange(5), height=np.zeros(5), width=0.6,
                                      brushes=[pg.mkBrush(c) for c in (BLUE, "#7aa6d9", GREEN, ORANGE, RED)])
        pp.addItem(self.p_bars)
        pp.setMouseEnabled(x=False, y=False)
        self._p_data = np.zeros(5)
        Hover(pp, lambda: (np.arange(5), self._p_data),
              lambda n, x, y: f"{POWER_PARTS[n]}: {y / 1e6:,.3f} MW")

        # Time breakdown of the selected workload.
        self.times = pg.PlotWidget()
        self.times.setObjectName("plot_time")
        tp = self.times.getPlotItem()
        tp.setLabel("left", "Time (days)")
        tp.getAxis("bottom").setTicks([list(enumerate(TIME_PARTS))])
        light_grid(tp, x=False)
        self.w_bars = pg.BarGraphItem(x=np.arange(3), height=np.zeros(3), width=0.6,
                                      brushes=[pg.mkBrush(c) for c in (BLUE, ORANGE, GREEN)])
        tp.addItem(self.w_bars)
        tp.setMouseEnabled(x=False, y=False)
        self._w_data = np.zeros(3)
        Hover(tp, lambda: (np.arange(3), self._w_data), lambda n, x, y: f"{TIME_PARTS[n]}: {y:,.2f} days")

        self.boxes = {
            "timeline": PlotBox("Build-out timeline", self.timeline, self.timeline.ci, self._timeline_svg),
            "scaling": PlotBox("Training time against GPU count", self.scaling, sp, self._scaling_svg),
            "power": PlotBox("Power breakdown", self.power, pp,
                             lambda: svgplot.bars("Power under training load", POWER_PARTS,
                                                  list(self._p_data / 1e6), "MW")),
            "time": PlotBox("Time breakdown", self.times, tp,
                            lambda: svgplot.bars("Time breakdown", TIME_PARTS, list(self._w_data), "days",
                                                 "#5cb85c")),
        }
        grid.addWidget(self.boxes["timeline"], 0, 0)
        grid.addWidget(self.boxes["scaling"], 0, 1)
        grid.addWidget(self.boxes["power"], 1, 0)
        grid.addWidget(self.boxes["time"], 1, 1)

        document.results_ready.connect(self.refresh)
        dashboard.selection_changed.connect(self._on_dashboard_selection_changed)
        if document.results is not None:
            self.refresh(document.results)

    def _timeline_svg(self) -> str:
        r = self.document.results
        names = ", ".join(ph.name for ph in r.phases)
        return svgplot.line("Build-out: accelerators by phase", list(range(len(r.phases))),
                            [ph.gpus for ph in r.phases], f"phase ({names})", "accelerators", step=True)

    def _scaling_svg(self) -> str:
        r = self.document.results
        if not r.workloads:
            return svgplot.line("Training time against GPU count", [], [], "GPUs", "days")
        w = r.workloads[min(self.dashboard.selected_workload(), len(r.workloads) - 1)]
        return svgplot.line(f"{w.name}: time against GPUs", list(self._s_data[0]), list(self._s_data[1]), "GPUs",
                            "days", mark=(w.gpus, w.time_s / 86400), logx=True)

    def _on_dashboard_selection_changed(self) -> None:
        self.refresh(self.document.results)

    def _timeline_text(self, n: int) -> str:
        r = self.document.results
        if r is None or n >= len(r.phases):
            return ""
        ph = r.phases[n]
        prec = self.dashboard.selected_precision()
        from planner.units import format_quantity as q

        return (f"{ph.name}: {ph.gpus:,} accelerators\n{q(ph.peak_flops.get(prec, 0), 'flop_rate')} {prec}\n"
                f"{q(ph.power.facility_w, 'power')} facility")

    @staticmethod
    def _phase_times(phases) -> np.ndarray:
        """Online dates as POSIX seconds; an undated phase comes 180 days after the one before."""
        out = []
        last = None
        for ph in phases:
            if ph.online is not None:
                d = ph.online
            elif last is not None:
                d = last + _dt.timedelta(days=180)
            else:
                d = _dt.date.today()
            last = d
            out.append(_dt.datetime(d.year, d.month, d.day, tzinfo=_dt.UTC).timestamp())
        return np.array(out, dtype=float)

    def refresh(self, r) -> None:
        if r is None:
            return
        prec = self.dashboard.selected_precision()
        xs = self._phase_times(r.phases)
        ys = [np.array([ph.gpus for ph in r.phases], dtype=float),
              np.array([ph.peak_flops.get(prec, 0.0) for ph in r.phases]),
              np.array([ph.power.facility_w for ph in r.phases])]
        # Step chart: each value holds from its online date; extend the last step by a quarter.
        span = max(xs[-1] - xs[0], 86400 * 90) if len(xs) else 0
        x_edges = np.append(xs, xs[-1] + span * 0.25) if len(xs) else xs
        for curve, y in zip(self.t_curves, ys, strict=True):
            curve.setData(x_edges, y)  # stepMode "center": len(x) = len(y) + 1
        self.t_plots[1].setLabel("left", f"Peak {prec}", units="FLOP/s")
        self._t_data = (xs, ys)

        p = r.power
        self._p_data = np.array([p.accelerators_w, p.node_other_w, p.network_w, p.storage_w,
                                 p.cooling_overhead_w])
        self.p_bars.setOpts(height=self._p_data)

        plan = self.document.plan
        if r.workloads:
            i = min(self.dashboard.selected_workload(), len(r.workloads) - 1)
            w = r.workloads[i]
            self._w_data = np.array([w.compute_time_s, w.io_time_s, w.time_s]) / 86400
            self._w_data[~np.isfinite(self._w_data)] = 0
            counts, times = time_vs_gpus(plan, i)
            days = times / 86400
            ok = np.isfinite(days)
            self._s_data = (counts[ok], days[ok])
            self.s_curve.setData(counts[ok], days[ok])
            self.scaling.getPlotItem().getAxis("bottom").setTicks(log_ticks(counts[ok]))
            mark = w.time_s / 86400
            self.s_mark.setData([math.log10(max(w.gpus, 1))], [mark if math.isfinite(mark) else 0])
            self.scaling.getPlotItem().setTitle(html_escape(w.name), size="9pt")  # the title is HTML
        else:
            self._w_data = np.zeros(3)
            self._s_data = (np.array([]), np.array([]))
            self.s_curve.setData([], [])
            self.s_mark.setData([], [])
        self.w_bars.setOpts(height=self._w_data)
        self.refreshed.emit()
