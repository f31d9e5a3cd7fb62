"""A one-line label that shortens its text with "…" when it is narrower than the text, and then
shows the full text in its tooltip. It never asks its layout for more than a few characters of
width, so long text (a long workload name) cannot widen the window. ``text()`` is the full text,
and so is the accessible name."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy


class ElidedLabel(QLabel):
    MIN_CHARS = 6  # the narrowest it gets: about this many characters and the ellipsis

    def __init__(self, text: str = "", parent=None, tooltip: str = ""):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # plan text is never read as markup
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)  # shrinks to its minimum
        self._full = ""
        self._tip = tooltip
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setAccessibleName(text)
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What is drawn: the text, or its start and "…"."""
        return super().text()

    def is_elided(self) -> bool:
        return self.shown_text() != self._full

    def set_base_tooltip(self, tip: str) -> None:
        """The tooltip when the whole text fits (the full text is added when it does not)."""
        self._tip = tip
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width) if width > 0 \
            else self._full
        if shown != super().text():
            super().setText(shown)
        if shown != self._full:
            self.setToolTip(self._full + (f"\n{self._tip}" if self._tip else ""))
        else:
            self.setToolTip(self._tip)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        m = self.contentsMargins()
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance(self._full) + m.left() + m.right() + 2,
                     fm.height() + m.top() + m.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        m = self.contentsMargins()
        fm = self.fontMetrics()
        return QSize(fm.averageCharWidth() * self.MIN_CHARS + m.left() + m.right(),
                     fm.height() + m.top() + m.bottom())
