"""The Sensitivity tab: which input moves the chosen figure most, as a tornado chart
(``planner.decide_charts.build_tornado`` of ``planner.sensitivity``) and a ranked table.
Double-clicking a plan field in the table selects it in the design editor. Computed when the
tab is shown (each input means two evaluations of the plan)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.charts import blank
from planner.decide_charts import build_tornado, short_path
from planner.metrics import METRICS, value_text
from planner.sensitivity import sensitivity

from .deferred import RefreshWhenShown
from .lazy_chart import LazyChart

STEPS = ("5%", "10%", "20%")
TITLE = "What moves the figure most"


class SensitivityPanel(RefreshWhenShown, QWidget):
    field_requested = Signal(str)
    message = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document, self.state = document, state
        self.result = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Figure"))
        self.metric_box = QComboBox()
        self.metric_box.setObjectName("sensitivity_metric")
        for name, m in METRICS.items():
            self.metric_box.addItem(m.label, name)
        bar.addWidget(self.metric_box)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Each input moved by ±"))
        self.step = QComboBox()
        self.step.setObjectName("sensitivity_step")
        self.step.addItems(list(STEPS))
        self.step.setCurrentText("10%")
        bar.addWidget(self.step)
        bar.addStretch(1)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.chart_area = LazyChart(blank("tornado", TITLE, "Not computed yet."))
        split.addWidget(self.chart_area)
        self.table = QTableWidget()
        self.table.setObjectName("sensitivity_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(self._on_cell_double_clicked)
        split.addWidget(self.table)
        split.setSizes([600, 520])
        layout.addWidget(split, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note)
        self.metric_box.currentIndexChanged.connect(self.refresh)
        self.step.currentIndexChanged.connect(self.refresh)
        document.results_ready.connect(self.refresh)
        state.changed.connect(self.refresh)

    @property
    def view(self):
        """The ChartView (pyqtgraph loads when it is first needed)."""
        return self.chart_area.view

    def refresh(self, *_args) -> None:
        if self.hidden_now():  # two evaluations per input: only for a person looking at it
            return
        r = self.document.results
        if r is None:
            self.result = None
            self.view.set_chart(blank("tornado", TITLE, self.document.failure or "The plan cannot be evaluated."))
            self.table.setRowCount(0)
            return
        name = self.metric_box.currentData()
        workload = min(self.state.workload, max(len(r.workloads) - 1, 0))
        if METRICS[name].of_workload and not r.workloads:
            self.result = None
            self.view.set_chart(blank("tornado", TITLE, "The plan has no workloads: choose a cluster figure."))
            self.table.setRowCount(0)
            return
        s = sensitivity(self.document.plan, name, workload, int(self.step.currentText()[:-1]) / 100, results=r)
        self.result = s
        self.view.set_chart(build_tornado(s))
        self._fill_table(s)
        refused = f" {len(s.refused)} could not be moved (the plan refuses the value)." if s.refused else ""
        self.note.setText(f"{s.label}: {value_text(s.base, s.dim)}. {len(s.effects)} inputs move it, "
                          f"{s.unaffected} do not.{refused} Double-click a plan field to edit it.")

    def _fill_table(self, s) -> None:
        headers = ["input", "value", "elasticity", f"-{s.step:.0%}", f"+{s.step:.0%}"]
        t = self.table
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setRowCount(len(s.effects))
        for i, e in enumerate(s.effects):
            elasticity = f"{e.elasticity:+.3f}" if e.elasticity is not None else "n/a"
            cells = [short_path(e.path), value_text(e.value, e.dim), elasticity,
                     _pct(e.change("low", s.base)), _pct(e.change("high", s.base))]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{e.path}: {e.doc}")
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(i, col, item)

    def _on_cell_double_clicked(self, row: int, _col: int) -> None:
        if self.result is None or row >= len(self.result.effects):
            return
        e = self.result.effects[row]
        if e.where == "plan":
            self.field_requested.emit(e.path)
        else:
            self.message.emit(f"{e.path} is a catalog figure: copy the entry into the plan (Catalog tab) to change it")


def _pct(x: float) -> str:
    return f"{100 * x:+.2f}%" if x == x and abs(x) != float("inf") else "never"
