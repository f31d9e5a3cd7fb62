"""The Racks and cooling tab: for each phase, racks, nodes per rack, kW per rack under load and
at maximum against the provisioned limit and the cooling type's, floor space (an assumption per
rack, stated), facility power; a chart of power per rack against the limit; and the
accelerators by generation of a chosen phase, which a mixed cluster (A100 and H100 together)
needs: its per-GPU figures elsewhere are averages. All from ``planner.racks_report``."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.racks_report import FLOOR_SOURCE, generations, rack_table
from planner.units import format_quantity as q

from .deferred import RefreshWhenShown
from .phase_table import PhaseTable

GENERATION_HEADERS = ("Accelerator", "Systems", "Accelerators", "Nodes", "Racks", "kW per rack (load)",
                      "Peak per GPU", "Peak", "Memory per GPU", "HBM bandwidth", "Typical MFU")


class RacksPanel(RefreshWhenShown, QWidget):
    message = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.summary = QLabel()
        self.summary.setObjectName("racks_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        self.table = PhaseTable("racks_table")
        self.table.setAccessibleName("Racks and cooling by phase")
        top.addWidget(self.table)
        self.chart_box = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.chart_box)
        self.chart_box.setContentsMargins(0, 0, 0, 0)
        top.addWidget(holder)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([600, 400])
        split.addWidget(top)
        below = QWidget()
        box = QVBoxLayout(below)
        box.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        label = QLabel("Accelerators by generation at &phase")
        self.phase_box = QComboBox()
        self.phase_box.setObjectName("racks_phase")
        self.phase_box.setAccessibleName("Phase of the generations table")
        label.setBuddy(self.phase_box)
        self.phase_box.currentIndexChanged.connect(self._on_phase_chosen)
        head.addWidget(label)
        head.addWidget(self.phase_box)
        head.addStretch(1)
        box.addLayout(head)
        self.mixed = QLabel()
        self.mixed.setObjectName("mixed_note")
        self.mixed.setWordWrap(True)
        self.mixed.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.mixed)
        self.generations = QTableWidget(0, len(GENERATION_HEADERS))
        self.generations.setObjectName("generations_table")
        self.generations.setAccessibleName("Accelerators by generation")
        self.generations.setHorizontalHeaderLabels(GENERATION_HEADERS)
        self.generations.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.generations.verticalHeader().hide()
        box.addWidget(self.generations, 1)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self.chart_view = None  # pyqtgraph: built when first shown
        self._phase = -1
        document.results_ready.connect(self.refresh)
        state.changed.connect(self._on_state_changed)

    def _on_state_changed(self) -> None:
        self.refresh(self.document.results)

    def refresh(self, r) -> None:
        if self.hidden_now():
            return
        if r is None or not r.phases:
            self.summary.setText(escape(self.document.failure or "The plan cannot be evaluated."))
            self.table.setRowCount(0)
            self.generations.setRowCount(0)
            return
        plan = self.document.plan
        phases, rows = rack_table(plan, r)
        self.table.set_rows(phases, rows)
        rk = r.racks
        over = rk.rack_power_max_w > rk.limit_w * (1 + 1e-9)
        verdict = ("<span style='color:#d9534f'><b>over the limit</b></span>" if over else "within the limit")
        self.summary.setText(
            f"<b>{rk.racks:,} compute racks</b> of {rk.nodes_per_rack} nodes: {q(rk.rack_power_w, 'power')} per rack "
            f"under load, {q(rk.rack_power_max_w, 'power')} at maximum against {q(rk.limit_w, 'power')} provisioned "
            f"({verdict}); {escape(rk.cooling)} cooling removes up to {q(rk.cooling_limit_w, 'power')} per rack. "
            f"<span style='color:#777'>Floor space: {escape(FLOOR_SOURCE)}.</span>")
        self._draw_chart(r)
        self._fill_generations(r)

    def _draw_chart(self, r) -> None:
        from planner.chart_builders import build_rack_power

        chart = build_rack_power(r)
        if self.chart_view is None:
            from .chart_view import ChartView

            self.chart_view = ChartView(chart)
            self.chart_box.addWidget(self.chart_view)
        else:
            self.chart_view.set_chart(chart)

    def _on_phase_chosen(self, index: int) -> None:
        if index >= 0:
            self._phase = index
            self.refresh(self.document.results)

    def _fill_generations(self, r) -> None:
        names = [ph.name for ph in r.phases]
        self.phase_box.blockSignals(True)
        if [self.phase_box.itemText(i) for i in range(self.phase_box.count())] != names:
            self.phase_box.clear()
            self.phase_box.addItems(names)
        index = self._phase if -len(names) <= self._phase < len(names) else -1
        self.phase_box.setCurrentIndex(index % len(names))
        self.phase_box.blockSignals(False)
        precision = self.state.precision
        ph = r.phases[index]
        gens = generations(self.document.plan, r, index, precision)
        m = ph.machine
        average = ph.peak_flops.get(precision, 0.0) / ph.gpus if ph.gpus else 0.0
        if m.mixed:
            self.mixed.setText(
                f"<span style='color:#b35900'><b>Mixed generations</b></span> at {escape(ph.name)}: "
                f"{' + '.join(f'{g.gpus:,} {escape(g.accelerator)}' for g in gens)}. Per-GPU figures elsewhere are "
                f"averages ({q(average, 'flop_rate')} {escape(precision)} per GPU); the performance model lays a run "
                f"out on the most numerous system, {escape(m.system)}. Each generation:")
        else:
            self.mixed.setText(f"One generation at {escape(ph.name)}: {escape(m.accelerator or 'none')}.")
        table = self.generations
        table.setUpdatesEnabled(False)
        table.setRowCount(len(gens))
        for n, g in enumerate(gens):
            cells = [g.accelerator, ", ".join(g.systems), f"{g.gpus:,} ({g.share:.0%})", f"{g.nodes:,}", f"{g.racks:,}",
                     q(g.rack_power_w, "power"), f"{q(g.peak_per_gpu, 'flop_rate')} {precision}",
                     q(g.peak, "flop_rate"), q(g.memory_bytes, "bytes"),
                     q(g.memory_bandwidth_bytes_per_s, "bandwidth") if g.memory_bandwidth_bytes_per_s else "—",
                     f"{g.typical_mfu:.0%}" if g.typical_mfu is not None else "—"]
            for c, text in enumerate(cells):
                item = table.item(n, c)
                if item is None:
                    table.setItem(n, c, QTableWidgetItem(text))
                elif item.text() != text:
                    item.setText(text)
        table.resizeColumnsToContents()
        table.setUpdatesEnabled(True)
