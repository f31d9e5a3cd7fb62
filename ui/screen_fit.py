"""Keep windows on the screen they open on: a default size that fits the available area, and a
saved geometry pulled back inside it (a layout saved on a larger monitor, or at another scale)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication

MARGIN = 0.95  # of the available area, at most, for a window's default size


def available(widget=None) -> QRect | None:
    screen = widget.screen() if widget is not None and widget.screen() is not None \
        else QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def fit_size(wanted: QSize, widget=None) -> QSize:
    area = available(widget)
    if area is None:
        return wanted
    return QSize(min(wanted.width(), int(area.width() * MARGIN)), min(wanted.height(), int(area.height() * MARGIN)))


def fit_default(widget, width: int, height: int) -> None:
    """Resize to (width, height) or what fits the screen, and centre it there."""
    size = fit_size(QSize(width, height), widget)
    widget.resize(size)
    area = available(widget)
    if area is not None:
        frame = widget.frameGeometry()
        frame.moveCenter(area.center())
        widget.move(frame.topLeft())


def pull_inside(widget) -> None:
    """Shrink and move a shown or restored window so its frame lies inside the screen's area."""
    area = available(widget)
    if area is None:
        return
    size = fit_size(widget.size(), widget) if (widget.width() > area.width() or widget.height() > area.height()) \
        else widget.size()
    if size != widget.size():
        widget.resize(size)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.x()), max(area.right() - frame.width() + 1, area.x()))
    y = min(max(frame.y(), area.y()), max(area.bottom() - frame.height() + 1, area.y()))
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)
