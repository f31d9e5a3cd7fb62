"""The dashboard: headline figures for the chosen precision and workload, the build-out by
phase, and the warnings (each pointing at the field to change). A figure (click, or Enter on a
focused card) asks for its explanation; a warning asks to select its field.

It fits any width: the cards reflow in as many columns as fit (ui.flow), their text elides with
the full value in a tooltip, the selectors shrink, the warnings and the explanation stack when
narrow, and everything scrolls vertically when the window is short."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.units import format_duration
from planner.units import format_quantity as q

from .card import Card
from .figures import CARD_TITLES, CARDS, WORKLOAD_CARDS, headline_figures  # noqa: F401 - re-exported
from .flow import GridFlowLayout

days = format_duration
STACK_BELOW = 720  # px: narrower than this, the warnings and the explanation stack vertically
TABLE_MAX = 220  # px: the phase table's tallest (it scrolls beyond)


def _heading(html: str) -> QLabel:
    label = QLabel(html)
    label.setWordWrap(True)
    return label


class Dashboard(QWidget):
    explain_requested = Signal(str)
    field_requested = Signal(str)
    selection_changed = Signal()

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        self.scroll = QScrollArea()
        self.scroll.setObjectName("dashboard_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        content = QWidget()
        content.setObjectName("dashboard_content")
        layout = QVBoxLayout(content)
        self.scroll.setWidget(content)

        self.precision = QComboBox()
        self.precision.setObjectName("precision")
        self.precision.setToolTip("Precision of the peak figures")
        self.precision.setAccessibleName("Precision")
        self.workload = QComboBox()
        self.workload.setObjectName("workload")
        self.workload.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.workload.setMinimumContentsLength(12)  # long names elide; the list shows them whole
        self.workload.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.workload.setAccessibleName("Workload")
        self.workload.setToolTip("Workload for the training time, energy and emissions figures")
        pick = QHBoxLayout()
        for text, combo, stretch in (("&Precision", self.precision, 0), ("&Workload", self.workload, 1)):
            label = QLabel(text)
            label.setBuddy(combo)  # Alt+P / Alt+W, and the combo's accessible label
            pick.addWidget(label)
            pick.addWidget(combo, stretch)
            pick.addSpacing(12)
        layout.addLayout(pick)

        cards = QWidget()
        cards.setObjectName("cards")
        self.grid = GridFlowLayout(cards, min_column=170)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.cards: dict[str, Card] = {}
        for key, title in CARDS:
            card = Card(key, title)
            card.clicked.connect(self._on_card_clicked)
            self.grid.addWidget(card)
            self.cards[key] = card
        layout.addWidget(cards)

        layout.addWidget(_heading("<b>Build-out by phase</b> (cumulative)"))
        self.phases = QTableWidget()
        self.phases.setObjectName("phase_table")
        self.phases.setAccessibleName("Build-out by phase")
        self.phases.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.phases.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.phases.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.phases.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.phases.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # never cut: it scrolls
        header.setStretchLastSection(True)
        self.phases.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.phases.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.phases.setMaximumHeight(TABLE_MAX)  # as tall as its rows (and a scroll bar), up to this
        layout.addWidget(self.phases)
        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        self.bottom.setChildrenCollapsible(False)
        self.bottom.setMinimumHeight(200)
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(_heading("<b>Warnings</b> (Enter or click one to go to the field)"))
        self.warnings = QListWidget()
        self.warnings.setObjectName("warnings")
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setWordWrap(True)
        self.warnings.itemActivated.connect(self._on_warning_activated)
        self.warnings.itemClicked.connect(self._on_warning_activated)
        bl.addWidget(self.warnings)
        self.bottom.addWidget(box)
        layout.addWidget(self.bottom, 1)
        self._connect()

    def add_side_panel(self, title: str, widget: QWidget) -> None:
        """Put a panel (the explanations) beside the warnings (below them when narrow)."""
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(_heading(f"<b>{title}</b>"))
        bl.addWidget(widget)
        self.bottom.addWidget(box)
        self.bottom.setSizes([500, 600])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        narrow = self.width() < STACK_BELOW
        self.bottom.setOrientation(Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal)
        self.bottom.setMinimumHeight(380 if narrow else 200)

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
        figures = headline_figures(self.document.plan, r, prec, self.selected_workload())
        for key, (title, value, detail) in figures.items():
            self.cards[key].set_title(title)
            self.cards[key].set(value, detail)
        self.workload.setToolTip(f"{self.workload.currentText()}\nWorkload for the training time, energy and "
                                 "emissions figures")

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
