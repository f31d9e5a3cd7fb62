"""The views' tab widget. Each page sits in a scroll area, so a page that needs more room than
the window has (a wide table, two plots side by side) scrolls instead of widening the window or
being cut off; the tab bar scrolls its tabs too. Callers still name pages, not their scroll
areas: ``setCurrentWidget(panel)``, ``currentWidget()``, ``widget(i)`` and ``indexOf(panel)`` see
through the wrapper."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget


class ScrollingTabs(QTabWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self._wrapper: dict[QWidget, QWidget] = {}
        self._page: dict[QWidget, QWidget] = {}

    def _wrap(self, page: QWidget, scroll: bool) -> QWidget:
        if not scroll:
            return page
        area = QScrollArea()
        area.setObjectName(f"scroll_{page.objectName() or type(page).__name__}")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the page's controls
        area.setWidget(page)
        self._wrapper[page] = area
        self._page[area] = page
        return area

    def addTab(self, page: QWidget, *args, scroll: bool = True) -> int:  # noqa: N802 - Qt's name
        """Add ``page`` (in a scroll area unless ``scroll=False``: a page that scrolls itself)."""
        return super().addTab(self._wrap(page, scroll), *args)

    def insertTab(self, index: int, page: QWidget, *args, scroll: bool = True) -> int:  # noqa: N802
        return super().insertTab(index, self._wrap(page, scroll), *args)

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802 - Qt's name
        super().setCurrentWidget(self._wrapper.get(page, page))

    def currentWidget(self) -> QWidget:  # noqa: N802 - Qt's name
        shown = super().currentWidget()
        return self._page.get(shown, shown)

    def widget(self, index: int) -> QWidget:
        shown = super().widget(index)
        return self._page.get(shown, shown)

    def indexOf(self, page: QWidget) -> int:  # noqa: N802 - Qt's name
        return super().indexOf(self._wrapper.get(page, page))
