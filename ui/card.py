"""One headline figure on the dashboard: title, value, detail. Focusable: Enter, Return or Space
(or a click) asks for its explanation. Text elides to the card's width with the full text in a
tooltip; colours come from the palette (ui.theme), so the card reads in light and dark."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QSizePolicy, QVBoxLayout

from . import theme
from .elided_label import ElidedLabel

HINT = "Enter or click: how this figure is computed"


class Card(QFrame):
    clicked = Signal(str)

    def __init__(self, key: str, title: str):
        super().__init__()
        self.key = key
        self._selected = False
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        self.title = ElidedLabel(title, tooltip=HINT)
        self.value = ElidedLabel("—", tooltip=HINT)
        self.value.setObjectName(f"value_{key}")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = ElidedLabel("", tooltip=HINT)
        for w in (self.title, self.value, self.detail):
            layout.addWidget(w)
        self.setToolTip(HINT)
        self._restyle()
        self._update_accessible()

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self._update_accessible()

    def set_title(self, title: str) -> None:
        self.title.setText(title)
        self._update_accessible()

    def _update_accessible(self) -> None:
        self.setAccessibleName(f"{self.title.text()}: {self.value.text()}")
        self.setAccessibleDescription(f"{self.detail.text()}. {HINT}" if self.detail.text() else HINT)

    def set_selected(self, on: bool) -> None:
        self._selected = on
        self.update()

    def is_selected(self) -> bool:
        return self._selected

    # -- colours follow the palette -------------------------------------------------------
    def _restyle(self) -> None:
        color = theme.muted(self.palette())
        for label in (self.title, self.detail):
            p = label.palette()
            p.setColor(QPalette.ColorRole.WindowText, color)
            label.setPalette(p)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not (self._selected or self.hasFocus()):
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(theme.accent(self.palette()), 2)
        if not self._selected:
            pen.setStyle(Qt.PenStyle.DashLine)  # focus alone: a dashed ring
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)

    # -- mouse and keyboard ---------------------------------------------------------------
    def mousePressEvent(self, event):  # noqa: N802 - Qt's name
        self.clicked.emit(self.key)
        super().mousePressEvent(event)

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            self.clicked.emit(self.key)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event):  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event):  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.update()
