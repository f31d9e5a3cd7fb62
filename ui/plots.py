"""The plots: build-out timeline, training time against GPU count, power breakdown, time
breakdown and the cost of ownership. Each is a ChartView of a description from ``planner.chart_builders``, created once
and updated when new results arrive; each exports to PNG and to SVG (the same description
drawn by ``planner.svgplot``, as in the HTML report)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from planner.chart_builders import charts_for
from planner.charts import blank

from .chart_view import ChartView

KEYS = ("timeline", "scaling", "power", "time", "cost")  # shown here, two to a row
TITLES = {"timeline": "Build-out timeline", "scaling": "Training time against GPU count",
          "power": "Power breakdown", "time": "Time breakdown", "cost": "Cost of ownership per year"}


class PlotsPanel(QWidget):
    refreshed = Signal()

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        self.views: dict[str, ChartView] = {}
        # two plots to a row, in splitters: rows share the height whatever notes a chart wraps below
        # it (a grid layout gives a chart with word-wrapped notes all the height it asks for)
        self._rows = QSplitter(Qt.Orientation.Vertical)
        self._rows.setChildrenCollapsible(False)
        QVBoxLayout(self).addWidget(self._rows)
        self.charts: dict = {}
        document.results_ready.connect(self.refresh)
        state.changed.connect(self._on_state_changed)
        self.refresh(document.results)

    @property
    def boxes(self) -> dict[str, ChartView]:
        """The plots by key, each with ``export(path)``."""
        return self.views

    def _on_state_changed(self) -> None:
        self.refresh(self.document.results)

    _stale = False

    def showEvent(self, event):  # noqa: N802 - Qt's name
        if self._stale:
            self.refresh(self.document.results)
        super().showEvent(event)

    def refresh(self, r) -> None:
        if r is not None and self.views and not self.isVisible():
            self._stale = True  # the GPU-count sweep (a layout search per point) waits until the tab is shown
            return
        self._stale = False
        if r is None:  # no figures of another plan: each plot says why it is empty
            reason = self.document.failure or "The plan cannot be evaluated."
            self.charts = {key: blank(key, TITLES[key], reason) for key in KEYS}
        else:
            self.charts = charts_for(self.document.plan, r, self.state.workload, self.state.precision)
            for key in KEYS:  # a workload kind draws the charts it has
                if key not in self.charts:
                    self.charts[key] = blank(key, TITLES[key], "Not drawn for this kind of workload.")
        for n, key in enumerate(KEYS):
            chart = self.charts[key]
            if key in self.views:
                self.views[key].set_chart(chart)
            else:
                if n % 2 == 0:
                    row = QSplitter(Qt.Orientation.Horizontal)
                    row.setChildrenCollapsible(False)
                    self._rows.addWidget(row)
                    self._rows.setStretchFactor(n // 2, 1)
                self.views[key] = ChartView(chart)
                self._rows.widget(n // 2).addWidget(self.views[key])
        self.refreshed.emit()
