"""A chart area that builds its ChartView (and so imports pyqtgraph) only when first drawn:
tabs that start hidden cost nothing at start-up (DESIGN habit: build heavy tabs when shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyChart(QWidget):
    def __init__(self, placeholder, parent=None):
        super().__init__(parent)
        self._placeholder = placeholder
        self._view = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def view(self):
        """The ChartView, built now if it was not yet."""
        if self._view is None:
            from .chart_view import ChartView

            self._view = ChartView(self._placeholder)
            self.layout().addWidget(self._view)
        return self._view
