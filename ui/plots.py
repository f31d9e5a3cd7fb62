"""The plots: build-out timeline, training time against GPU count, power breakdown, time
breakdown and the cost of ownership. Each is a ChartView of a description from ``planner.chart_builders``, created the
first time the tab is shown (pyqtgraph is imported then, not at start-up) and updated when new
results arrive; each exports to PNG and to SVG (the same description drawn by
``planner.svgplot``, as in the HTML report).

The GPU-count sweep of a run whose layout is searched costs a layout search per point: when
its searches are not cached, it runs on a worker thread, the plot says "updating…" and shows
the last curve dimmed, and the answer is drawn when it arrives if it still belongs to the plan
shown (a request id, DESIGN habit 8). Hidden, the tab computes nothing until it is shown."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from planner.charts import blank

KEYS = ("timeline", "scaling", "power", "time", "cost")  # shown here, two to a row
TITLES = {"timeline": "Build-out timeline", "scaling": "Training time against GPU count",
          "power": "Power breakdown", "time": "Time breakdown", "cost": "Cost of ownership per year"}
SWEEP_BUDGET_S = 0.05  # on the GUI thread, a sweep of uncached searches or longer than this goes to the worker


class PlotsPanel(QWidget):
    refreshed = Signal()
    _sweep_finished = Signal(int)  # from the worker thread, delivered on the GUI thread

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        self._views: dict = {}
        # two plots to a row, in splitters: rows share the height whatever notes a chart wraps below
        # it (a grid layout gives a chart with word-wrapped notes all the height it asks for)
        self._rows = QSplitter(Qt.Orientation.Vertical)
        self._rows.setChildrenCollapsible(False)
        QVBoxLayout(self).addWidget(self._rows)
        self._charts: dict | None = None  # computed when first shown or asked for
        self._request = 0  # the sweep wanted now; older answers are dropped
        self._pending = False
        self._worker: ThreadPoolExecutor | None = None
        self._sweep_finished.connect(self._on_sweep_finished)
        document.results_ready.connect(self.refresh)
        state.changed.connect(self._on_state_changed)

    @property
    def charts(self) -> dict:
        """The descriptions shown (computed now, in full, if the tab was never shown)."""
        if self._charts is None:
            self._charts = self._describe(self.document.results, defer=False)
        return self._charts

    @property
    def views(self) -> dict:
        """The plots by key (built now if the tab was never shown)."""
        if not self._views:
            self._draw(self.charts)
        return self._views

    @property
    def boxes(self) -> dict:
        """The plots by key, each with ``export(path)``."""
        return self.views

    def sweep_pending(self) -> bool:
        """True while a sweep runs on the worker thread for the plan shown."""
        return self._pending

    def _on_state_changed(self) -> None:
        self.refresh(self.document.results)

    _stale = False

    def showEvent(self, event):  # noqa: N802 - Qt's name
        if self._stale or not self._views:
            self.refresh(self.document.results)
        super().showEvent(event)

    def refresh(self, r) -> None:
        if not self.isVisible():
            if self._charts is not None:
                self._stale = True  # the sweep (a layout search per point) waits until the tab is shown
            return
        self._stale = False
        self._request += 1
        self._charts = self._describe(r, defer=True)
        self._draw(self._charts)
        self.refreshed.emit()

    def _describe(self, r, defer: bool) -> dict:
        if r is None:  # no figures of another plan: each plot says why it is empty
            self._set_pending(False)
            reason = self.document.failure or "The plan cannot be evaluated."
            return {key: blank(key, TITLES[key], reason) for key in KEYS}
        from planner import sweep
        from planner.chart_builders import charts_for

        plan, index = self.document.plan, self.state.workload
        if defer:
            with sweep.within(SWEEP_BUDGET_S):
                charts = charts_for(plan, r, index, self.state.precision)
                left = sweep.wanted()
        else:
            charts, left = charts_for(plan, r, index, self.state.precision), []
        for key in KEYS:  # a workload kind draws the charts it has
            if key not in charts:
                charts[key] = blank(key, TITLES[key], "Not drawn for this kind of workload.")
        if left:
            self._start_sweep(left)
            last = (self._charts or {}).get("scaling")
            if last is not None and last.subtitle == charts["scaling"].subtitle:
                charts["scaling"] = last  # the same run's last curve, dimmed, until the new one
        self._set_pending(bool(left))
        return charts

    def _draw(self, charts: dict) -> None:
        from .chart_view import ChartView

        for n, key in enumerate(KEYS):
            chart = charts[key]
            if key in self._views:
                self._views[key].set_chart(chart)
            else:
                self._views[key] = ChartView(chart)
                if n % 2 == 0:
                    row = QSplitter(Qt.Orientation.Horizontal)
                    row.setChildrenCollapsible(False)
                    self._rows.addWidget(row)
                    self._rows.setStretchFactor(n // 2, 1)
                self._rows.widget(n // 2).addWidget(self._views[key])
        if "scaling" in self._views:
            self._views["scaling"].set_pending(self._pending)

    def _set_pending(self, pending: bool) -> None:
        self._pending = pending
        if "scaling" in self._views:
            self._views["scaling"].set_pending(pending)

    # -- the worker ------------------------------------------------------------------------------
    def _start_sweep(self, wanted: list) -> None:
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sweep")
        request = self._request
        self._worker.submit(self._run_sweep, request, wanted)

    def _run_sweep(self, request: int, wanted: list) -> None:
        """On the worker thread: skip answers nobody waits for any more, compute the rest."""
        from planner import sweep

        if request != self._request:
            return
        for plan, workload in wanted:
            sweep.compute(plan, workload)
        try:
            self._sweep_finished.emit(request)
        except RuntimeError:  # the panel is gone (window closed)
            pass

    def _on_sweep_finished(self, request: int) -> None:
        if request == self._request:
            self.refresh(self.document.results)  # the sweep is cached now: drawn at once
