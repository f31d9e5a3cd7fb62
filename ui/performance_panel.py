"""Predicted throughput of the selected workload: MFU and its breakdown (a stacked bar of the
step's parts, a bar of memory per accelerator against its capacity, both ChartViews of
``planner.chart_builders`` descriptions), and the ranked layout search with a button to adopt
a layout. A workload whose kind brings its own view (``planner.layout_report.performance_view``:
serving's latency-throughput curve and ranked replica layouts) is shown through the same boxes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner import edit
from planner.chart_builders import build_memory_parts, build_step_parts
from planner.layout_report import PART_NAMES, layout_rows, performance_view
from planner.units import format_quantity as q

from .chart_view import ChartView


class PerformancePanel(QWidget):
    message = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("performance_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        bars = QHBoxLayout()
        self.step_view = ChartView(build_step_parts(None))
        self.memory_view = ChartView(build_memory_parts(None))
        bars.addWidget(self.step_view)
        bars.addWidget(self.memory_view)
        layout.addLayout(bars, 2)
        head = QHBoxLayout()
        self.search_label = QLabel("<b>Layout search</b>")
        head.addWidget(self.search_label)
        head.addStretch(1)
        self.use_button = QPushButton("Use selected layout")
        self.use_button.setObjectName("use_layout")
        self.use_button.setToolTip("Set the workload's parallelism to the layout selected below")
        self.use_button.clicked.connect(self._on_use_clicked)
        head.addWidget(self.use_button)
        layout.addLayout(head)
        self.table = QTableWidget()
        self.table.setObjectName("layout_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        layout.addWidget(self.table, 3)
        self._rows = []
        document.results_ready.connect(self.refresh)
        state.changed.connect(self._on_state_changed)
        self.refresh(document.results)

    def _on_state_changed(self) -> None:
        self.refresh(self.document.results)

    def _workload_index(self, r) -> int | None:
        """The selected workload if it has a prediction, else the first that has one."""
        if r is None or not r.workloads:
            return None
        chosen = min(self.state.workload, len(r.workloads) - 1)
        if getattr(r.workloads[chosen], "predicted", None) is not None:
            return chosen
        return next((i for i, w in enumerate(r.workloads) if getattr(w, "predicted", None) is not None), None)

    _stale = False

    def showEvent(self, event):  # noqa: N802 - Qt's name
        if self._stale:
            self.refresh(self.document.results)
        super().showEvent(event)

    def refresh(self, r) -> None:
        if not self.isVisible():  # the search and its table wait until the tab is shown
            self._stale = True
            return
        self._stale = False
        if r is not None and r.workloads:
            view = performance_view(self.document.plan, r, min(self.state.workload, len(r.workloads) - 1))
            if view is not None:
                self._show_view(view)
                return
        i = self._workload_index(r)
        w = r.workloads[i] if i is not None else None
        pr = w.predicted if w is not None else None
        for box in (self.step_view, self.memory_view, self.table, self.use_button, self.search_label):
            box.setVisible(pr is not None)
        if r is None:
            self.summary.setText(escape(self.document.failure or "The plan cannot be evaluated."))
            self.table.setRowCount(0)
            self._rows = []
            return
        if pr is None:
            self.summary.setText("No workload of this plan has a prediction. Give a workload a model shape "
                                 "(model: layers, hidden, heads) in the design editor, and leave its mfu empty or "
                                 "'predicted', to predict its throughput from the shape, the parallel layout and "
                                 "the cluster, and to search every layout.")
            self.table.setRowCount(0)
            self._rows = []
            return
        fits = "fits" if pr.fits else "<span style='color:#d9534f'><b>does not fit</b></span>"
        self.summary.setText(
            f"<b>{escape(w.name)}</b> — layout <b>{pr.layout.text()}</b> on {pr.gpus_used:,} accelerators"
            f"{' (searched ' + format(pr.searched, ',') + ' layouts)' if pr.searched > 1 else ''}: "
            f"predicted MFU <b>{pr.mfu:.1%}</b> (HFU {pr.hfu:.1%}), {q(pr.achieved_flops_per_gpu, 'flop_rate')} "
            f"per GPU, {pr.tokens_per_s:,.0f} tokens/s, step {pr.step_time_s:.2f} s, limited most by "
            f"{PART_NAMES.get(pr.dominant, pr.dominant)}. Memory {q(pr.memory_per_gpu_bytes, 'bytes')} per GPU "
            f"of {q(pr.memory_capacity_bytes, 'bytes')} usable: {fits}. Failures: "
            f"{pr.expected_interruptions:,.0f} expected interruptions, checkpoint every "
            f"{q(pr.failures.checkpoint_interval_s, 'time')}, goodput {pr.goodput:.1%}; "
            f"run {w.time_s / 86400:,.1f} days.")
        self.step_view.set_chart(build_step_parts(w))
        self.memory_view.set_chart(build_memory_parts(w))
        self._fill_table(i)

    def _show_view(self, view) -> None:
        """A kind's own view: its summary, two charts and ranked table (no layout to adopt)."""
        for box in (self.step_view, self.memory_view, self.table, self.search_label):
            box.setVisible(True)
        self.use_button.setVisible(False)
        self.summary.setText(escape(view.summary))
        self.step_view.set_chart(view.charts[0])
        self.memory_view.set_chart(view.charts[1])
        self.search_label.setText(f"<b>{escape(view.title)}</b>: {escape(view.note)}")
        self._rows = []
        self.table.setColumnCount(len(view.headers))
        self.table.setHorizontalHeaderLabels(list(view.headers))
        self.table.setRowCount(len(view.rows))
        for n, (row, bad) in enumerate(zip(view.rows, view.failing, strict=True)):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if bad:
                    item.setForeground(QBrush(QColor("#d9534f")))
                self.table.setItem(n, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        if view.rows:
            self.table.selectRow(0)

    def _fill_table(self, index: int) -> None:
        plan = self.document.plan
        found = layout_rows(plan, plan.workloads[index].name, 12)
        ranking = found[1] if found else None
        rows, searched = (ranking.rows, ranking.searched) if ranking else ([], 0)
        self._rows = rows
        cut = (f" <span style='color:#b35900'>{escape(ranking.search_note)}.</span>"
               if ranking is not None and ranking.search_truncated else "")
        self.search_label.setText(f"<b>Layout search</b>: the best {len(rows)} of {searched:,} valid layouts "
                                  "(t tensor, p pipeline, d data, m microbatch, v interleave, z ZeRO stage); "
                                  f"within 1% of the best step, fewer accelerators first.{cut}")
        headers = ["Layout", "GPUs", "Step", "MFU", "Tokens/s", "Memory/GPU", "Fits", "Limited by"]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        best = rows[0]["step_time_s"] if rows else 1.0
        for n, row in enumerate(rows):
            dom = row["dominant"]
            cells = [row["layout"].text(), f"{row['gpus_used']:,}",
                     f"{row['step_time_s']:.2f} s" + ("" if n == 0 else f" ({row['step_time_s'] / best - 1:+.0%})"),
                     f"{row['mfu']:.1%}", f"{row['tokens_per_s']:,.0f}", q(row["memory_per_gpu_bytes"], "bytes"),
                     "yes" if row["fits"] else "no",
                     f"{PART_NAMES.get(dom, dom)} {row['parts'][dom + '_s'] / row['step_time_s']:.0%}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not row["fits"]:
                    item.setForeground(QBrush(QColor("#d9534f")))
                self.table.setItem(n, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        if rows:
            self.table.selectRow(0)

    def _on_use_clicked(self) -> None:
        r = self.document.results
        i = self._workload_index(r)
        row = self.table.currentRow()
        if i is None or not 0 <= row < len(self._rows):
            self.message.emit("Select a layout first.")
            return
        self.use_layout(i, self._rows[row]["layout"])

    def use_layout(self, index: int, layout) -> None:
        name = self.document.plan.workloads[index].name
        problems = self.document.run(edit.adopt_layout, index, layout, text="Use layout")
        if problems:
            self.message.emit(f"Not applied: {problems[0]}")
        else:
            self.message.emit(f"Layout {layout.text()} set on {name}")



