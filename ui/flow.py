"""Layouts that reflow with the width they are given, so a narrow window never widens itself:

- ``FlowLayout`` puts items of their own widths left to right and wraps to a new line (the
  Qt "Flow Layout" example, https://doc.qt.io/qt-6/qtwidgets-layouts-flowlayout-example.html);
- ``GridFlowLayout`` puts equal-width items (the dashboard's cards) in as many columns as fit
  ``min_column`` pixels, from one column up to one row.

Both report a height for a width (``heightForWidth``), which QScrollArea and the window's
layouts honour, and a minimum width of their widest single item, never of a whole row."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidgetItem


class _ItemsLayout(QLayout):
    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)

    # -- QLayout's item protocol ----------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not (isinstance(i, QWidgetItem) and i.widget().isHidden())]

    def _place(self, rect: QRect, move: bool) -> int:
        raise NotImplementedError


class FlowLayout(_ItemsLayout):
    """Items at their preferred widths (shrunk to the line when one alone is wider), wrapping."""

    def _place(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        gap = self.spacing()
        for item in self._visible():
            hint = item.sizeHint()
            width = max(min(hint.width(), area.width()), item.minimumSize().width())
            if x > area.x() and x + width > area.right() + 1:
                x, y, line = area.x(), y + line + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + gap
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


class GridFlowLayout(_ItemsLayout):
    """Equal columns, as many as fit ``min_column`` px each (at least one); rows as tall as
    their tallest item."""

    def __init__(self, parent=None, min_column: int = 170, spacing: int = 6):
        super().__init__(parent, spacing)
        self.min_column = min_column

    def columns_for(self, width: int) -> int:
        m = self.contentsMargins()
        usable = width - m.left() - m.right()
        n = max(len(self._visible()), 1)
        return max(1, min(n, (usable + self.spacing()) // (self.min_column + self.spacing())))

    def _place(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        items = self._visible()
        cols = self.columns_for(rect.width())
        gap = self.spacing()
        width = max((area.width() - gap * (cols - 1)) // cols, 1)
        y = area.y()
        for start in range(0, len(items), cols):
            row = items[start:start + cols]
            height = max(i.heightForWidth(width) if i.hasHeightForWidth() else i.sizeHint().height()
                         for i in row)
            if move:
                for n, item in enumerate(row):
                    item.setGeometry(QRect(area.x() + n * (width + gap), y, width, height))
            y += height + gap
        return max(y - gap, area.y()) - rect.y() + m.bottom()

