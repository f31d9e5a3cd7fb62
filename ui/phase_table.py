"""A table of figures by phase: one row per figure (its label in the row header, how it is
computed in the tooltip), one column per phase. Filled in place, so a refresh after an edit
changes only the texts that changed."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


class PhaseTable(QTableWidget):
    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self._shape: tuple = ()

    def set_rows(self, phases: list[str], rows: list[tuple[str, list[str], str]]) -> None:
        """``rows``: (label, text per phase, tooltip)."""
        shape = (tuple(phases), tuple(r[0] for r in rows))
        self.setUpdatesEnabled(False)
        if shape != self._shape:
            self.clear()
            self.setRowCount(len(rows))
            self.setColumnCount(len(phases))
            self.setHorizontalHeaderLabels(phases)
            self.setVerticalHeaderLabels([r[0] for r in rows])
            for n, (_label, _texts, tip) in enumerate(rows):
                self.verticalHeaderItem(n).setToolTip(tip)
        for n, (label, texts, tip) in enumerate(rows):
            for c, text in enumerate(texts):
                item = self.item(n, c)
                if item is None:
                    item = QTableWidgetItem(text)
                    item.setToolTip(f"{label}: {tip}")
                    self.setItem(n, c, item)
                elif item.text() != text:
                    item.setText(text)
        if shape != self._shape:
            self.resizeColumnsToContents()
            self._shape = shape
        self.setUpdatesEnabled(True)

    def text(self, label: str, phase: int = -1) -> str:
        """The text of the figure ``label`` for a phase (the last by default)."""
        for n in range(self.rowCount()):
            if self.verticalHeaderItem(n).text() == label:
                return self.item(n, phase % self.columnCount()).text()
        raise KeyError(label)
