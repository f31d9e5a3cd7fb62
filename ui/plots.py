"""The plots: build-out timeline, training time against GPU count, power breakdown and time
breakdown. Each is a ChartView of a description from ``planner.chart_builders``, created once
and updated when new results arrive; each exports to PNG and to SVG (the same description
drawn by ``planner.svgplot``, as in the HTML report)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from planner.chart_builders import charts_for
from planner.charts import blank

from .chart_view import ChartView

KEYS = ("timeline", "scaling", "power", "time")  # shown here, in a 2 x 2 grid
TITLES = {"timeline": "Build-out timeline", "scaling": "Training time against GPU count",
          "power": "Power breakdown", "time": "Time breakdown"}


class PlotsPanel(QWidget):
    refreshed = Signal()

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        self.views: dict[str, ChartView] = {}
        self._grid = QGridLayout(self)
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
                self.views[key] = ChartView(chart)
                self._grid.addWidget(self.views[key], n // 2, n % 2)
        self.refreshed.emit()
