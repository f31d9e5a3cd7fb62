"""Hover texts of a ``ui.chart_view.ChartView``: the point under (or nearest to) the mouse, from
the same hover texts the SVG export carries (``Series.label_of``)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF

from planner.charts import HBAR_HALF, Chart, stack_starts

HOVER_PX = 40  # how near (pixels) the mouse must be to a point to show its text


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

    def __init__(self, view, index: int):
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


