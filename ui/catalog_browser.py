"""Catalog browser: built-in and the plan's own hardware in sortable tables with sources.
A built-in entry can be copied into the plan as custom hardware, then edited in the design
editor (under "Custom hardware") and used like any other."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner import catalog as _catalog
from planner import edit
from planner.errors import PlanError
from planner.units import format_quantity as q


class _NumberItem(QTableWidgetItem):
    """Sorts by its number, shows its text."""

    def __init__(self, text: str, number: float):
        super().__init__(text)
        self.number = number
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other):
        if isinstance(other, _NumberItem):
            return self.number < other.number
        return super().__lt__(other)


def _rows(kind: str, entry) -> list:
    if kind == "accelerators":
        bf16 = entry.peak_flops.get("bf16") or entry.peak_flops.get("fp16") or 0.0
        fp8 = entry.peak_flops.get("fp8") or 0.0
        return [("BF16/FP16 dense", q(bf16, "flop_rate"), bf16),
                ("FP8 dense", q(fp8, "flop_rate") if fp8 else "—", fp8),
                ("Memory", q(entry.memory_bytes, "bytes"), entry.memory_bytes),
                ("Bandwidth", q(entry.memory_bandwidth_bytes_per_s or 0, "bandwidth"),
                 entry.memory_bandwidth_bytes_per_s or 0),
                ("TDP", q(entry.tdp_w, "power"), entry.tdp_w)]
    if kind == "systems":
        return [("Accelerator", f"{entry.accelerators} x {entry.accelerator}", None),
                ("Scale-up domain", str(entry.domain), entry.domain),
                ("Max power", q(entry.max_power_w, "power"), entry.max_power_w),
                ("Typical", q(entry.typical_power_w or entry.max_power_w, "power"),
                 entry.typical_power_w or entry.max_power_w),
                ("Height", f"{entry.rack_units} U", entry.rack_units),
                ("Price", f"{entry.price_usd:,.0f} USD" if entry.price_usd else "—", entry.price_usd or 0)]
    if kind == "fabrics":
        return [("Port", f"{entry.port_speed_bytes_per_s * 8 / 1e9:g} Gb/s", entry.port_speed_bytes_per_s),
                ("Radix", str(entry.switch_radix), entry.switch_radix),
                ("Switch power", q(entry.switch_power_w, "power"), entry.switch_power_w),
                ("Optic power", q(entry.optic_power_w, "power"), entry.optic_power_w),
                ("Switch price", f"{entry.switch_price_usd or 0:,.0f} USD", entry.switch_price_usd or 0)]
    if kind == "switches":
        return [("Ports", str(entry.ports), entry.ports),
                ("Port", f"{entry.port_speed_bytes_per_s * 8 / 1e9:g} Gb/s", entry.port_speed_bytes_per_s),
                ("Power", q(entry.power_w, "power"), entry.power_w),
                ("Height", f"{entry.rack_units} U", entry.rack_units),
                ("Price", f"{entry.price_usd:,.0f} USD" if entry.price_usd else "—", entry.price_usd or 0)]
    return [("Rack limit", q(entry.rack_power_limit_w, "power"), entry.rack_power_limit_w),
            ("Typical PUE", f"{entry.typical_pue:g}", entry.typical_pue)]


class CatalogBrowser(QWidget):
    message = Signal(str)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Built-in hardware and this plan's own (marked <i>plan</i>). Sort by clicking a "
                                "column; every figure's source is in the last column."))
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for kind in _catalog.KINDS:
            table = QTableWidget()
            table.setObjectName(f"catalog_{kind}")
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
            table.setSortingEnabled(True)
            table.setWordWrap(False)
            self.tables[kind] = table
            self.tabs.addTab(table, kind.capitalize())
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Copy into plan as custom hardware")
        self.copy_button.setObjectName("copy_to_plan")
        self.copy_button.setToolTip("Add the selected entry to this plan's catalog under a new id, to edit it")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        layout.addLayout(row)
        document.plan_changed.connect(self.refresh)
        self.refresh()

    _shown = None

    def refresh(self, *_args) -> None:
        plan = self.document.plan
        if self._shown is plan.catalog:  # the tables show built-in entries plus the plan's own only
            return
        self._shown = plan.catalog
        builtin = _catalog.builtin()
        own = {k: {e.id for e in getattr(plan.catalog, k)} for k in _catalog.KINDS}
        merged = builtin.with_entries(plan.catalog)
        for kind, table in self.tables.items():
            entries = list(merged.kind(kind).values())
            table.setSortingEnabled(False)
            first = _rows(kind, entries[0]) if entries else []
            headers = ["Id", "Name", *[h for h, _, _ in first], "Origin", "Source"]
            table.setColumnCount(len(headers))
            table.setHorizontalHeaderLabels(headers)
            table.setRowCount(len(entries))
            for r, e in enumerate(entries):
                table.setItem(r, 0, QTableWidgetItem(e.id))
                table.setItem(r, 1, QTableWidgetItem(e.name))
                for c, (_h, text, number) in enumerate(_rows(kind, e)):
                    item = _NumberItem(text, number) if number is not None else QTableWidgetItem(text)
                    table.setItem(r, 2 + c, item)
                table.setItem(r, len(headers) - 2, QTableWidgetItem("plan" if e.id in own[kind] else "built-in"))
                src = QTableWidgetItem(e.source)
                src.setToolTip(f"<p>{escape(e.source)}</p>")  # a plan's own entries carry its text
                table.setItem(r, len(headers) - 1, src)
            table.setSortingEnabled(True)
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)

    def _on_copy_clicked(self) -> None:
        kind = _catalog.KINDS[self.tabs.currentIndex()]
        table = self.tables[kind]
        row = table.currentRow()
        if row < 0:
            self.message.emit("Select an entry to copy first.")
            return
        self.copy_entry(kind, table.item(row, 0).text())

    def copy_entry(self, kind: str, entry_id: str) -> str:
        try:
            new_plan, new_id = edit.copy_catalog_entry(self.document.plan, kind, entry_id)
        except PlanError as exc:
            self.message.emit(f"Not copied: {exc.problems[0]}")
            return ""
        self.document.apply(new_plan, f"Copy {entry_id} into the plan")
        self.message.emit(f"Added {new_id} to the plan's {kind}; edit it under Custom hardware.")
        return new_id
