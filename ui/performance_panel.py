"""Predicted throughput of the selected workload: a model-shape picker (published shapes,
applied as one undoable edit), MFU and its breakdown (compact charts of the step's parts and of
memory per accelerator against what is usable, ChartViews of ``planner.chart_builders``
descriptions), and the ranked layout search with a button to adopt a layout. A workload whose kind
brings its own view (``planner.layout_report.performance_view``: serving's latency-throughput curve
and ranked replica layouts) is shown through the same boxes.

Built light: the charts (pyqtgraph) are created the first time a prediction is shown, and a
hidden tab computes nothing until it is shown. The layout search behind the table is the one
the evaluation ran (cached by its inputs in planner/perf/predict.py), so an edit searches once."""

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
from planner import interval_text as it
from planner.model_shapes import SHAPES, suggested_shape
from planner.units import format_quantity as q

from .shape_picker import ShapePicker, shapes_table

HEADERS = ("Layout", "GPUs", "Step", "MFU", "Tokens/s", "Memory/GPU", "Fits", "Limited by")
TOP = 12  # layouts listed
CHART_HEIGHT = 132  # each compact chart: a single stacked bar, its legend and title


class PerformancePanel(QWidget):
    message = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.picker = ShapePicker(document, state)
        self.picker.message.connect(self.message)
        # the picker's controls, by the names tests and the focus chain use
        self.workload_box, self.shape_box, self.apply_shape = (self.picker.workload_box, self.picker.shape_box,
                                                               self.picker.apply_shape)
        layout.addWidget(self.picker)
        self.summary = QLabel()
        self.summary.setObjectName("performance_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.show_predicted = QPushButton()
        self.show_predicted.setObjectName("show_predicted")
        self.show_predicted.clicked.connect(self._on_show_predicted_clicked)
        self.show_predicted.hide()
        row = QHBoxLayout()
        row.addWidget(self.show_predicted)
        row.addStretch(1)
        layout.addLayout(row)
        self.bars = QHBoxLayout()
        layout.addLayout(self.bars)
        self.step_view = self.memory_view = None  # built with the first prediction shown
        head = QHBoxLayout()
        self.search_label = QLabel("<b>Layout search</b>")
        self.search_label.setWordWrap(True)
        head.addWidget(self.search_label, 1)
        self.use_button = QPushButton("Use selected layout")
        self.use_button.setObjectName("use_layout")
        self.use_button.setToolTip("Set the workload's parallelism to the layout selected below")
        self.use_button.clicked.connect(self._on_use_clicked)
        head.addWidget(self.use_button)
        layout.addLayout(head)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("layout_table")
        self.table.setAccessibleName("Ranked parallel layouts")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._sized = False  # columns fitted to their contents once, then left to the person
        layout.addWidget(self.table, 1)
        self._filler = QWidget()  # keeps the prompt under the picker when there is no table
        layout.addWidget(self._filler, 1)
        self._rows: list = []
        self._stale = True
        document.results_ready.connect(self.refresh)
        state.changed.connect(self._on_state_changed)

    # -- which workload ------------------------------------------------------------------------
    def _on_apply_clicked(self) -> None:
        self.picker.apply()

    def _index(self) -> int | None:
        n = len(self.document.plan.workloads)
        return min(self.state.workload, n - 1) if n else None

    def _on_state_changed(self) -> None:
        self.refresh(self.document.results)

    def _on_show_predicted_clicked(self) -> None:
        target = self.show_predicted.property("workload")
        if target is not None:
            self.state.set(workload=int(target))

    # -- refresh ---------------------------------------------------------------------------------
    def showEvent(self, event):  # noqa: N802 - Qt's name
        if self._stale:
            self.refresh(self.document.results)
        super().showEvent(event)

    def refresh(self, r) -> None:
        if not self.isVisible():  # the search and its table wait until the tab is shown
            self._stale = True
            return
        self._stale = False
        index = self._index() if r is not None else None
        self.picker.fill(index)
        w = r.workloads[index] if index is not None and index < len(r.workloads) else None
        if w is not None:
            from planner.layout_report import performance_view

            view = performance_view(self.document.plan, r, index)
            if view is not None:
                self._show_view(view)
                return
        pr = getattr(w, "predicted", None)
        for box in (self.table, self.use_button, self.search_label):
            box.setVisible(pr is not None)
        self._filler.setVisible(pr is None)
        for view in (self.step_view, self.memory_view):
            if view is not None:
                view.setVisible(pr is not None)
        self.show_predicted.hide()
        if pr is None:
            self._rows = []
            self.table.setRowCount(0)
            self.summary.setText(self._prompt(r, w))
            return
        self._show_prediction(w, pr)
        self._fill_table(index)

    def _prompt(self, r, w) -> str:
        """What to do when the workload shown has no prediction: pick a shape, or look at one
        that has one."""
        if r is None:
            return escape(self.document.failure or "The plan cannot be evaluated.")
        if w is None:
            return "The plan has no workloads: add one in the design editor, then pick its model shape here."
        other = next((i for i, x in enumerate(r.workloads) if getattr(x, "predicted", None) is not None), None)
        if other is not None:
            self.show_predicted.setText(f"Show ‘{r.workloads[other].name}’, which has a prediction")
            self.show_predicted.setProperty("workload", other)
            self.show_predicted.show()
        spec = self.document.plan.workloads[self._index()]
        if not hasattr(spec, "model"):
            return f"<b>{escape(w.name)}</b> is a {escape(w.kind)} workload: it has no model shape to predict from."
        if spec.model is not None:  # a shape, but a stated rate wins
            return (f"<b>{escape(w.name)}</b> has a model shape, but its stated rate (mfu, achieved_flops or "
                    "token_rate) sets its speed. Apply a shape above to switch it to the prediction.")
        hint = suggested_shape(spec)
        offer = (f" {escape(SHAPES[hint].name)} matches its {spec.parameters / 1e9:,.0f}B parameters." if hint else "")
        return (f"<b>{escape(w.name)}</b> has no model shape: its speed comes from "
                f"{'its stated rate' if w.mfu_source != 'catalog' else 'the catalog’s typical MFU'}. Pick a "
                f"published shape above and <b>Apply shape</b> to predict its MFU, step time and memory, and to "
                f"rank every parallel layout.{offer}" + shapes_table())

    def _show_prediction(self, w, pr) -> None:
        from planner.chart_builders import build_memory_parts, build_step_parts
        from planner.layout_report import PART_NAMES

        fits = "fits" if pr.fits else "<span style='color:#d9534f'><b>does not fit</b></span>"
        searched = f" (searched {pr.searched:,} layouts)" if pr.searched > 1 else ""
        self.summary.setText(
            f"<b>{escape(w.name)}</b> — layout <b>{pr.layout.text()}</b> on {pr.gpus_used:,} accelerators{searched}: "
            f"predicted MFU <b>{pr.mfu:.1%}</b> (HFU {pr.hfu:.1%}), {q(pr.achieved_flops_per_gpu, 'flop_rate')} "
            f"per GPU, <b>{escape(it.tokens_text(pr))}</b>, step {escape(it.step_text(pr))}, limited most by "
            f"{PART_NAMES.get(pr.dominant, pr.dominant)}.<br>Memory {q(pr.memory_per_gpu_bytes, 'bytes')} per GPU "
            f"of {q(pr.memory_capacity_bytes, 'bytes')} usable: {fits}. Failures: "
            f"{pr.expected_interruptions:,.0f} expected interruptions, checkpoint every "
            f"{q(pr.failures.checkpoint_interval_s, 'time')}, goodput {pr.goodput:.1%}; "
            f"run {w.time_s / 86400:,.1f} days{escape(it.time_range(w.time_s, it.run_range(w)))}."
            + (f"<br><i>{escape(it.basis_text(pr))}.</i>" if pr.interval_basis else ""))
        self._set_charts(build_step_parts(w), build_memory_parts(w))

    def _set_charts(self, step, memory) -> None:
        """The two compact charts, created the first time they are needed."""
        if self.step_view is None:
            from .chart_view import ChartView

            self.step_view, self.memory_view = ChartView(step, compact=True), ChartView(memory, compact=True)
            for view in (self.step_view, self.memory_view):
                view.setFixedHeight(CHART_HEIGHT)
                self.bars.addWidget(view)
        else:
            self.step_view.set_chart(step)
            self.memory_view.set_chart(memory)

    def _show_view(self, view) -> None:
        """A kind's own view: its summary, two charts and ranked table (no layout to adopt)."""
        self._set_charts(view.charts[0], view.charts[1])
        for box in (self.step_view, self.memory_view, self.table, self.search_label):
            box.setVisible(True)
        self._filler.setVisible(False)
        self.use_button.setVisible(False)
        self.show_predicted.hide()
        self.summary.setText(escape(view.summary))
        self.search_label.setText(f"<b>{escape(view.title)}</b>: {escape(view.note)}")
        self._rows = []
        self.table.setRowCount(0)
        self.table.setColumnCount(len(view.headers))
        self.table.setHorizontalHeaderLabels(list(view.headers))
        self.table.setRowCount(len(view.rows))
        for n, (row, bad) in enumerate(zip(view.rows, view.failing, strict=True)):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if bad:
                    item.setForeground(QBrush(QColor("#d9534f")))
                self.table.setItem(n, c, item)
        if view.rows:
            self.table.selectRow(0)

    def _fill_table(self, index: int) -> None:
        from planner.layout_report import PART_NAMES, layout_rows

        plan = self.document.plan
        found = layout_rows(plan, plan.workloads[index].name, TOP)
        ranking = found[1] if found else None
        rows, searched = (ranking.rows, ranking.searched) if ranking else ([], 0)
        self._rows = rows
        cut = (f" <span style='color:#b35900'>{escape(ranking.search_note)}.</span>"
               if ranking is not None and ranking.search_truncated else "")
        self.search_label.setText(f"<b>Layout search</b>: the best {len(rows)} of {searched:,} valid layouts "
                                  "(t tensor, p pipeline, d data, m microbatch, v interleave, z ZeRO stage); "
                                  f"within 1% of the best step, fewer accelerators first.{cut}")
        table = self.table
        table.setUpdatesEnabled(False)
        if table.columnCount() != len(HEADERS) or table.horizontalHeaderItem(0).text() != HEADERS[0]:
            table.setRowCount(0)  # after a kind's own view (serving): the layout columns again
            table.setColumnCount(len(HEADERS))
            table.setHorizontalHeaderLabels(HEADERS)
        table.setRowCount(len(rows))
        best = rows[0]["step_time_s"] if rows else 1.0
        red, plain = QBrush(QColor("#d9534f")), QBrush()
        for n, row in enumerate(rows):
            dom = row["dominant"]
            cells = [row["layout"].text(), f"{row['gpus_used']:,}",
                     f"{row['step_time_s']:.2f} s" + ("" if n == 0 else f" ({row['step_time_s'] / best - 1:+.0%})"),
                     f"{row['mfu']:.1%}", f"{row['tokens_per_s']:,.0f}", q(row["memory_per_gpu_bytes"], "bytes"),
                     "yes" if row["fits"] else "no",
                     f"{PART_NAMES.get(dom, dom)} {row['parts'][dom + '_s'] / row['step_time_s']:.0%}"]
            for c, text in enumerate(cells):
                item = table.item(n, c)
                if item is None:
                    item = QTableWidgetItem(text)
                    table.setItem(n, c, item)
                elif item.text() != text:
                    item.setText(text)
                item.setForeground(plain if row["fits"] else red)
        if rows and not self._sized:  # once: later refills keep the widths (and the person's)
            table.resizeColumnsToContents()
            self._sized = True
        table.setUpdatesEnabled(True)
        if rows and table.currentRow() < 0:
            table.selectRow(0)

    def _on_use_clicked(self) -> None:
        i = self._index()
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
