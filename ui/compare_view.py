"""The Compare tab: the plan on screen, the pinned baseline and any plans opened for comparison,
side by side: each headline figure with its difference from the plan on screen, and the plan
fields that differ. The table is ``planner.compare`` of those plans."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import planner
from planner.compare import compare, delta_text
from planner.errors import PlanError
from planner.metrics import value_text

HINT = ("Pin a baseline (Compare > Pin current plan as baseline, Ctrl+B) or add a plan file or preset to "
        "compare the plan on screen with.")


class CompareView(QWidget):
    message = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document, self.state = document, state
        self.others: list[tuple[str, object, object]] = []  # (name, plan, results) opened for comparison
        self.comparison = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        add_file = QPushButton("Add plan file…")
        add_file.setObjectName("compare_add_file")
        add_file.clicked.connect(self._on_add_file_clicked)
        bar.addWidget(add_file)
        self.preset = QComboBox()
        self.preset.setObjectName("compare_preset")
        self.preset.addItems(list(planner.presets()))
        bar.addWidget(self.preset)
        add_preset = QPushButton("Add preset")
        add_preset.setObjectName("compare_add_preset")
        add_preset.clicked.connect(self._on_add_preset_clicked)
        bar.addWidget(add_preset)
        clear = QPushButton("Remove added plans")
        clear.clicked.connect(self.clear_others)
        bar.addWidget(clear)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = QLabel(HINT)
        self.summary.setObjectName("compare_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.figures = _table("compare_figures")
        self.fields = _table("compare_fields")
        split.addWidget(self.figures)
        split.addWidget(self.fields)
        split.setSizes([420, 300])
        layout.addWidget(split, 1)
        document.results_ready.connect(self.refresh)
        state.changed.connect(self.refresh)
        state.baseline_changed.connect(self.refresh)
        self.refresh()

    # -- plans to compare -------------------------------------------------------------------
    def add_plan(self, name: str, plan) -> bool:
        """Add a plan to compare; False (and a message) when the model cannot evaluate it."""
        try:
            results = planner.evaluate(plan)
        except PlanError as exc:
            self.message.emit(f"Cannot compare {name}: {exc}")
            return False
        self.others.append((name, plan, results))
        self.refresh()
        return True

    def add_file(self, path: str) -> bool:
        try:
            plan = planner.load(path)
        except PlanError as exc:
            self.message.emit(f"Cannot open {path} to compare: {exc}")
            return False
        from pathlib import Path

        return self.add_plan(Path(path).name, plan)

    def add_preset(self, name: str) -> bool:
        return self.add_plan(name, planner.load(planner.preset_path(name)))

    def clear_others(self) -> None:
        self.others = []
        self.refresh()

    def _on_add_file_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Compare with plan", "", "Cluster plans (*.yaml *.yml)")
        if path:
            self.add_file(path)

    def _on_add_preset_clicked(self) -> None:
        self.add_preset(self.preset.currentText())

    def items(self) -> list[tuple[str, object, object]]:
        """(name, plan, results) of each plan shown, the plan on screen first."""
        doc = self.document
        out = [("Current", doc.plan, doc.results)]
        if self.state.baseline is not None:
            b = self.state.baseline
            out.append(("Baseline", b.plan, b.results))
        return out + list(self.others)

    # -- the tables --------------------------------------------------------------------------
    _stale = False

    def showEvent(self, event):  # noqa: N802 - Qt's name
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self, *_args) -> None:
        if self.comparison is not None and not self.isVisible():
            self._stale = True  # compared when the tab is shown
            return
        self._stale = False
        items = self.items()
        if self.document.results is None or len(items) < 2:
            self.comparison = None
            self.summary.setText(self.document.failure or "The plan cannot be evaluated."
                                 if self.document.results is None else HINT)
            self.figures.setRowCount(0)
            self.fields.setRowCount(0)
            return
        plan = self.document.plan
        workload = plan.workloads[min(self.state.workload, len(plan.workloads) - 1)].name if plan.workloads else None
        c = compare([(n, p) for n, p, _ in items], self.state.precision, workload, results=[r for _, _, r in items],
                    fallback=True)
        self.comparison = c
        shown = "; ".join(f"{n}: {p.name}" for n, p, _ in items)
        self.summary.setText(f"{shown}. Differences are against the plan on screen (a plan without its selected "
                             f"workload shows its first). {len(c.differences)} plan fields differ.")
        self._fill_figures(c)
        self._fill_fields(c)

    def _fill_figures(self, c) -> None:
        headers = [c.names[0]]
        for name in c.names[1:]:
            headers += [name, "Δ vs current"]
        t = self.figures
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setRowCount(len(c.rows) + 1)
        t.setVerticalHeaderLabels(["Workload"] + [r.label for r in c.rows])
        _set_row(t, 0, [c.workloads[0] or "—"] + [x for w in c.workloads[1:] for x in (w or "—", "")])
        for i, r in enumerate(c.rows, 1):
            cells = [value_text(r.values[0], r.dim)]
            for j in range(1, len(c.names)):
                cells += [value_text(r.values[j], r.dim), delta_text(r, j)]
            _set_row(t, i, cells, delta_columns=range(2, len(headers), 2))

    def _fill_fields(self, c) -> None:
        t = self.fields
        t.setColumnCount(len(c.names))
        t.setHorizontalHeaderLabels(list(c.names))
        t.setRowCount(len(c.differences))
        t.setVerticalHeaderLabels([p for p, _ in c.differences])
        for i, (_, values) in enumerate(c.differences):
            _set_row(t, i, [v if v is not None else "—" for v in values])


def _table(name: str) -> QTableWidget:
    t = QTableWidget()
    t.setObjectName(name)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return t


def _set_row(t: QTableWidget, row: int, cells: list[str], delta_columns=()) -> None:
    for col, text in enumerate(cells):
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        if col in delta_columns and text.startswith(("+", "-")):
            item.setForeground(QBrush(QColor("#3b78c2")))
        t.setItem(row, col, item)
