"""Colours taken from the palette in force — the system's, light or dark — never fixed greys, so
text stays readable in both. One place for panels and plots:

- ``muted(palette)``: secondary text (card titles, notes) that still has 4.5:1 contrast
  (WCAG 2.1, success criterion 1.4.3) against the window;
- ``plot_colors(palette)`` / ``apply_to_plot(widget)``: background, axes and text of a
  pyqtgraph plot from the palette (pyqtgraph's own default is a black or white background);
- ``watcher().changed``: emitted when the application's palette changes (the system switched
  between light and dark), so views can restyle.

Imports no pyqtgraph: ``apply_to_plot`` works on any PlotWidget or GraphicsLayoutWidget given."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

MIN_CONTRAST = 4.5  # WCAG 2.1 AA for body text


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QApplication.palette()


def luminance(color: QColor) -> float:
    """Relative luminance (WCAG 2.1 definition, sRGB)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def is_dark(palette: QPalette | None = None) -> bool:
    p = _palette(palette)
    return luminance(p.color(QPalette.ColorRole.Window)) < luminance(p.color(QPalette.ColorRole.WindowText))


def _blend(fg: QColor, bg: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(fg.redF() + (bg.redF() - fg.redF()) * amount,
                           fg.greenF() + (bg.greenF() - fg.greenF()) * amount,
                           fg.blueF() + (bg.blueF() - fg.blueF()) * amount)


def muted(palette: QPalette | None = None, background: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """Text a little toward the background, as far as 4.5:1 contrast allows."""
    p = _palette(palette)
    fg, bg = p.color(QPalette.ColorRole.WindowText), p.color(background)
    for amount in (0.4, 0.3, 0.2, 0.1):
        color = _blend(fg, bg, amount)
        if contrast(color, bg) >= MIN_CONTRAST:
            return color
    return fg


def accent(palette: QPalette | None = None) -> QColor:
    return _palette(palette).color(QPalette.ColorRole.Highlight)


@dataclass(frozen=True)
class PlotColors:
    background: QColor
    foreground: QColor  # axes, tick labels, titles
    muted: QColor  # grid lines, notes
    accent: QColor  # the current design's marker

    def hex(self) -> dict[str, str]:
        return {k: getattr(self, k).name() for k in ("background", "foreground", "muted", "accent")}


def plot_colors(palette: QPalette | None = None) -> PlotColors:
    """A plot's colours from the palette: the base (view) background and its text."""
    p = _palette(palette)
    bg = p.color(QPalette.ColorRole.Base)
    return PlotColors(background=bg, foreground=p.color(QPalette.ColorRole.Text),
                      muted=_blend(p.color(QPalette.ColorRole.Text), bg, 0.6), accent=accent(p))


def _plot_items(widget) -> list:
    if hasattr(widget, "getPlotItem"):
        return [widget.getPlotItem()]
    scene = widget.scene() if hasattr(widget, "scene") else None
    return [i for i in (scene.items() if scene is not None else []) if hasattr(i, "getAxis")
            and hasattr(i, "titleLabel")]


def apply_to_plot(widget, palette: QPalette | None = None) -> PlotColors:
    """Colour a pyqtgraph PlotWidget (or GraphicsLayoutWidget) from the palette: background,
    axis lines and tick labels, titles and legend text. Returns the colours used."""
    colors = plot_colors(palette)
    widget.setBackground(colors.background)
    for item in _plot_items(widget):
        for name in ("left", "bottom", "right", "top"):
            axis = item.getAxis(name)
            axis.setPen(colors.foreground)
            axis.setTextPen(colors.foreground)
        title = item.titleLabel
        if title.text:
            title.setText(title.text, color=colors.foreground.name())
        title.opts["color"] = colors.foreground.name()
        legend = getattr(item, "legend", None)
        if legend is not None and hasattr(legend, "setLabelTextColor"):
            legend.setLabelTextColor(colors.foreground)
    return colors


class ThemeWatcher(QObject):
    """Emits ``changed`` when the application palette or the system's colour scheme changes."""

    changed = Signal()

    def __init__(self, app):
        super().__init__(app)
        app.paletteChanged.connect(self._on_changed)
        hints = app.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self._on_changed)

    def _on_changed(self, *_args) -> None:
        self.changed.emit()


_watcher: ThemeWatcher | None = None


def watcher() -> ThemeWatcher:
    """The application's one ThemeWatcher (QApplication must exist)."""
    global _watcher
    app = QApplication.instance()
    try:
        current = _watcher is not None and _watcher.parent() is app
    except RuntimeError:  # its application was destroyed
        current = False
    if not current:
        _watcher = ThemeWatcher(app)
    return _watcher
