"""The dashboard: headline figures for the chosen precision and workload, the build-out by
phase, and the warnings (each pointing at the field to change). Clicking a figure asks for
its explanation; clicking a warning asks to select its field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.summary import workload_cards
from planner.tco_summary import cost_cards
from planner.units import format_duration
from planner.units import format_quantity as q

CARDS = [
    ("gpus", "Accelerators"), ("peak", "Peak (dense)"), ("sustained", "Sustained"),
    ("time", "Training time"), ("it_power", "IT power"), ("facility_power", "Facility power"),
    ("energy", "Energy of the run"), ("emissions", "Emissions of the run"), ("capex", "Capital cost"),
    ("opex", "Cost of ownership per year"),
]

WORKLOAD_CARDS = ("sustained", "time", "energy", "emissions")  # slots worded by the workload's kind
CARD_TITLES = dict(CARDS)

days = format_duration


class Card(QFrame):
    clicked = Signal(str)

    def __init__(self, key: str, title: str):
        super().__init__()
        self.key = key
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to see how this figure is computed")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #555;")
        self.value = QLabel("—")
        self.value.setObjectName(f"value_{key}")
        self.value.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #777;")
        for w in (self.title, self.value, self.detail):
            w.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(w)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)

    def set_selected(self, on: bool) -> None:
        self.setStyleSheet("Card { border: 2px solid #3b78c2; border-radius: 4px; }" if on else "")

    def mousePressEvent(self, event):  # noqa: N802 - Qt's name
        self.clicked.emit(self.key)
        super().mousePressEvent(event)


class Dashboard(QWidget):
    explain_requested = Signal(str)
    field_requested = Signal(str)
    selection_changed = Signal()

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        layout = QVBoxLayout(self)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Precision"))
        self.precision = QComboBox()
        self.precision.setObjectName("precision")
        self.precision.setToolTip("Precision of the peak figures")
        pick.addWidget(self.precision)
        pick.addSpacing(20)
        pick.addWidget(QLabel("Workload"))
        self.workload = QComboBox()
        self.workload.setObjectName("workload")
        self.workload.setMinimumContentsLength(28)
        self.workload.setToolTip("Workload for the training time, energy and emissions figures")
        pick.addWidget(self.workload)
        pick.addStretch(1)
        layout.addLayout(pick)

        grid = QGridLayout()
        self.cards: dict[str, Card] = {}
        for n, (key, title) in enumerate(CARDS):
            card = Card(key, title)
            card.clicked.connect(self._on_card_clicked)
            grid.addWidget(card, n // 5, n % 5)
            self.cards[key] = card
        layout.addLayout(grid)

        layout.addWidget(QLabel("<b>Build-out by phase</b> (cumulative)"))
        self.phases = QTableWidget()
        self.phases.setObjectName("phase_table")
        self.phases.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.phases.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.phases.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.phases)
        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel("<b>Warnings</b> (click one to go to the field)"))
        self.warnings = QListWidget()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.itemActivated.connect(self._on_warning_activated)
        self.warnings.itemClicked.connect(self._on_warning_activated)
        bl.addWidget(self.warnings)
        self.bottom.addWidget(box)
        layout.addWidget(self.bottom, 1)
        self._connect()

    def add_side_panel(self, title: str, widget: QWidget) -> None:
        """Put a panel (the explanations) beside the warnings."""
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel(f"<b>{title}</b>"))
        bl.addWidget(widget)
        self.bottom.addWidget(box)
        self.bottom.setSizes([500, 600])

    def _connect(self) -> None:
        document = self.document
        self.precision.currentIndexChanged.connect(self._on_precision_changed)
        self.workload.currentIndexChanged.connect(self._on_workload_changed)
        self.state.changed.connect(self._on_state_changed)
        document.results_ready.connect(self.refresh)
        self.refresh(document.results)

    # -- selections: the view state holds them; the combo boxes show and set it -------------
    def selected_precision(self) -> str:
        return self.state.precision

    def selected_workload(self) -> int:
        return self.state.workload

    def _on_precision_changed(self, _index) -> None:
        if self._filling or not self.precision.currentText():
            return
        from . import settings as _settings

        _settings.settings().setValue("dashboard/precision", self.precision.currentText())
        self.state.set(precision=self.precision.currentText())

    def _on_workload_changed(self, index: int) -> None:
        if not self._filling and index >= 0:
            self.state.set(workload=index)

    def _on_state_changed(self) -> None:
        self.refresh(self.document.results)
        self.selection_changed.emit()

    _filling = False

    def _fill_combo(self, combo: QComboBox, items: list[str], default: str | None = None) -> None:
        current = combo.currentText()
        if [combo.itemText(i) for i in range(combo.count())] == items:
            return
        self._filling = True
        combo.clear()
        combo.addItems(items)
        keep = current if current in items else default
        if keep in items:
            combo.setCurrentIndex(items.index(keep))
        self._filling = False

    def _on_card_clicked(self, key: str) -> None:
        for k, card in self.cards.items():
            card.set_selected(k == key)
        self.explain_requested.emit(key)

    def _on_warning_activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.field_requested.emit(path)

    # -- results -> widgets ----------------------------------------------------------------
    def refresh(self, r) -> None:
        if r is None:
            self._show_failure(self.document.failure or "The plan cannot be evaluated.")
            return
        precisions = [p for p in ("bf16", "fp16", "fp8", "fp4", "tf32", "fp32", "fp64_tensor", "fp64", "int8")
                      if p in r.peak_flops]
        preferred = self.state.precision
        self._fill_combo(self.precision, precisions, preferred if preferred in precisions else "bf16")
        self._fill_combo(self.workload, [w.name for w in r.workloads])
        self.state.clamp(len(r.workloads))
        self._filling = True  # the combo boxes show the state ...
        found = self.precision.findText(self.state.precision)
        if found >= 0:
            self.precision.setCurrentIndex(found)
        if self.workload.count() and self.workload.currentIndex() != self.state.workload:
            self.workload.setCurrentIndex(self.state.workload)
        self._filling = False
        if self.precision.currentText() and self.precision.currentText() != self.state.precision:
            # ... unless this plan lacks the state's precision: then the state follows the combo
            self.state.set(precision=self.precision.currentText())
            return
        prec = self.selected_precision()
        c = self.cards
        c["gpus"].set(f"{r.gpus:,}", f"{r.nodes:,} nodes, {r.racks.racks:,} racks")
        peak = r.peak_flops.get(prec, 0.0)
        sparse = r.sparse_flops.get(prec)
        c["peak"].set(q(peak, "flop_rate"), f"{prec}" + (f"; {q(sparse, 'flop_rate')} sparse" if sparse else ""))
        c["it_power"].set(q(r.power.it_w, "power"), f"{q(r.power.it_max_w, 'power')} at maximum")
        c["facility_power"].set(q(r.power.facility_w, "power"), f"PUE {r.power.pue:.2f}")
        for key, (title, value, detail) in cost_cards(r).items():  # the cost of ownership (planner/model/tco.py)
            c[key].title.setText(title)
            c[key].set(value, detail)
        if r.workloads:
            w = r.workloads[min(self.selected_workload(), len(r.workloads) - 1)]
            cards = workload_cards(w)
            for key in WORKLOAD_CARDS:  # a kind fills the slots it has figures for
                title, value, detail = cards.get(key, (CARD_TITLES[key], "—", f"not for a {w.kind} workload"))
                c[key].title.setText(title)
                c[key].set(value, detail)
        else:
            for key in WORKLOAD_CARDS:
                c[key].set("—", "no workload")

        headers = ["Online", "Accelerators", f"Peak {prec}", "IT power", "Facility power", "Racks", "Storage",
                   "Read bandwidth", "Capex"]
        self.phases.setColumnCount(len(headers))
        self.phases.setHorizontalHeaderLabels(headers)
        self.phases.setRowCount(len(r.phases))
        self.phases.setVerticalHeaderLabels([ph.name for ph in r.phases])
        for row, ph in enumerate(r.phases):
            cells = [ph.online.isoformat() if ph.online else "—", f"{ph.gpus:,}",
                     q(ph.peak_flops.get(prec, 0.0), "flop_rate"), q(ph.power.it_w, "power"),
                     q(ph.power.facility_w, "power"), f"{ph.racks.racks:,}", q(ph.storage.capacity_bytes, "bytes"),
                     q(ph.storage.read_bandwidth_bytes_per_s, "bandwidth"), f"{ph.cost.capex_usd / 1e6:,.1f} M USD"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.phases.setItem(row, col, item)
        self.phases.resizeRowsToContents()
        height = self.phases.horizontalHeader().sizeHint().height() + 2 * self.phases.frameWidth() + sum(
            self.phases.rowHeight(i) for i in range(len(r.phases)))
        self.phases.setFixedHeight(min(height + 2, 260))

        self._fill_warnings(r)

    def _show_failure(self, reason: str) -> None:
        """Every figure says the plan cannot be evaluated; none of another plan stays."""
        for card in self.cards.values():
            card.set("—", "cannot evaluate")
        self.phases.setRowCount(0)
        self.warnings.clear()
        item = QListWidgetItem(f"[cannot-evaluate] {reason}")
        item.setToolTip(reason)
        self.warnings.addItem(item)

    def _fill_warnings(self, r) -> None:
        self.warnings.clear()
        if not r.warnings:
            self.warnings.addItem("No warnings.")
        for w in r.warnings:
            item = QListWidgetItem(f"[{w.code}] {w.message}")
            item.setData(Qt.ItemDataRole.UserRole, w.path)
            item.setToolTip(f"Goes to: {w.path}" if w.path else w.code)
            self.warnings.addItem(item)
