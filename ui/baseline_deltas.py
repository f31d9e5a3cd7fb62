"""The dashboard against a pinned baseline: under each card its change (``+12.4% vs
baseline``), and in the build-out table each figure's change for the phases the baseline has
too. The numbers come from ``planner.baseline``; the baseline lives in the view state."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel

from planner.baseline import card_deltas, phase_deltas

MARK = Qt.ItemDataRole.UserRole + 1  # set on a table cell that already shows its change
STYLE = "color: #3b78c2; font-weight: bold;"


class BaselineDeltas(QObject):
    def __init__(self, dashboard, document, state, parent=None):
        super().__init__(parent)
        self.dashboard, self.document, self.state = dashboard, document, state
        self.labels: dict[str, QLabel] = {}
        for key, card in dashboard.cards.items():
            label = QLabel("")
            label.setObjectName(f"delta_{key}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setStyleSheet(STYLE)
            label.hide()
            card.layout().addWidget(label)
            self.labels[key] = label
        # connected after the dashboard's own slots, so these run once it has refreshed
        document.results_ready.connect(self.refresh)
        state.changed.connect(self.refresh)
        state.baseline_changed.connect(self._on_baseline_changed)
        self.refresh()

    def _on_baseline_changed(self) -> None:
        self.dashboard.refresh(self.document.results)  # the table's cells without the old changes
        self.refresh()

    def refresh(self, *_args) -> None:
        baseline, r = self.state.baseline, self.document.results
        if baseline is None or r is None:
            for label in self.labels.values():
                label.hide()
            return
        deltas = card_deltas(r, self.state.workload, baseline.results, self.state.precision)
        for key, label in self.labels.items():
            text = deltas.get(key, "")
            label.setText(text)
            label.setToolTip(f"Against the baseline: {baseline.name}")
            label.setVisible(bool(text))
        table = self.dashboard.phases
        for row, changes in enumerate(phase_deltas(r, baseline.results, self.state.precision)):
            for col, text in changes.items():
                item = table.item(row, col)
                if item is None or item.data(MARK) or not text:
                    continue
                short = text.removesuffix(" vs baseline")
                item.setText(f"{item.text()}\n{short}" if short != "same as baseline" else item.text())
                item.setToolTip(f"{text} ({baseline.name})")
                item.setData(MARK, True)
        table.resizeRowsToContents()  # two lines where a change is shown: the table grows to hold them
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + sum(
            table.rowHeight(i) for i in range(table.rowCount()))
        table.setFixedHeight(min(height + 2, 320))
