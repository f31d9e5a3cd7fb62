"""The Uncertainty tab: how sure the figures are, given the inputs the plan states as ranges
(``{low, mode, high}``): interval bars from P10 to P90 (``planner.decide_charts.build_intervals``
of ``planner.uncertainty``, a vectorised Monte Carlo) and a table of P10, P50 and P90."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.charts import blank
from planner.decide_charts import build_intervals
from planner.metrics import value_text
from planner.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED, uncertainty

from .deferred import RefreshWhenShown
from .lazy_chart import LazyChart

TITLE = "How sure each figure is (P10 to P90)"


class UncertaintyPanel(RefreshWhenShown, QWidget):
    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document, self.state = document, state
        self.result = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Samples"))
        self.samples = QSpinBox()
        self.samples.setObjectName("uncertainty_samples")
        self.samples.setRange(100, 1_000_000)
        self.samples.setSingleStep(1000)
        self.samples.setValue(DEFAULT_SAMPLES)
        bar.addWidget(self.samples)
        bar.addWidget(QLabel("Seed"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(DEFAULT_SEED)
        bar.addWidget(self.seed)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.inputs = QLabel("")
        self.inputs.setObjectName("uncertainty_inputs")
        self.inputs.setWordWrap(True)
        self.inputs.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.inputs)
        self.chart_area = LazyChart(blank("intervals", TITLE, "Not computed yet."))
        layout.addWidget(self.chart_area, 2)
        self.table = QTableWidget()
        self.table.setObjectName("uncertainty_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.samples.editingFinished.connect(self.refresh)
        self.seed.editingFinished.connect(self.refresh)
        document.results_ready.connect(self.refresh)
        state.changed.connect(self.refresh)

    @property
    def view(self):
        """The ChartView (pyqtgraph loads when it is first needed)."""
        return self.chart_area.view

    def refresh(self, *_args) -> None:
        if self.hidden_now():
            return
        r = self.document.results
        if r is None:
            self.result = None
            self.view.set_chart(blank("intervals", TITLE, self.document.failure or "The plan cannot be evaluated."))
            self.table.setRowCount(0)
            self.inputs.setText("")
            return
        workload = min(self.state.workload, max(len(r.workloads) - 1, 0))
        u = uncertainty(self.document.plan, workload, self.samples.value(), self.seed.value(), results=r)
        self.result = u
        self.view.set_chart(build_intervals(u))
        ranges = "; ".join(f"{p}: {value_text(lo, d)} .. {value_text(mo, d)} .. {value_text(hi, d)}"
                           for p, lo, mo, hi, d in u.inputs)
        self.inputs.setText(f"Inputs given as ranges (triangular, independent): {ranges}" if u.inputs
                            else " ".join(u.notes))
        headers = ["P10", "P50", "P90", "at the modes"]
        t = self.table
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setRowCount(len(u.spreads))
        t.setVerticalHeaderLabels([s.label for s in u.spreads])
        for i, s in enumerate(u.spreads):
            for col, v in enumerate((s.p10, s.p50, s.p90, s.at_modes)):
                item = QTableWidgetItem(value_text(v, s.dim))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(i, col, item)
