"""One editor for one plan field, built from the field's Spec: text with units, a drop-down
for choices and catalog ids, free text. It parses what a person types with the same rules as
the plan loader, shows a mistake in place, and emits ``committed(value)`` only for good values."""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from planner.schema import Spec, parse_single, value_text
from planner.units import DIMENSIONS, describe

_MAP_ITEM = re.compile(r"\s*([A-Za-z0-9_]+)\s*:\s*(.+?)\s*(?=,\s*[A-Za-z0-9_]+\s*:|$)")
ERROR_STYLE = "border: 2px solid #d9534f;"


def parse_map_text(text: str) -> dict | None:
    """``bf16: 312 TFLOP/s, fp16: 312 TFLOP/s`` -> {"bf16": "312 TFLOP/s", ...}; None if unreadable."""
    out = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _MAP_ITEM.match(text, pos)
        if not m:
            return None
        out[m.group(1)] = m.group(2)
        pos = m.end()
        if pos < len(text) and text[pos] == ",":
            pos += 1
    return out


def tooltip(spec: Spec) -> str:
    unit = ""
    if spec.kind == "quantity":
        unit = f"Unit: {describe(spec.dim)} (bare numbers are {DIMENSIONS[spec.dim]})."
    elif spec.kind == "map":
        unit = f"Per precision, e.g. bf16: 312 TFLOP/s, fp8: 624 TFLOP/s ({', '.join(spec.choices)})."
    elif spec.kind == "choice":
        unit = "One of: " + ", ".join(spec.choices) + "."
    elif spec.kind == "int":
        unit = "A whole number."
    elif spec.kind == "date":
        unit = "A date like 2022-01-24; empty for none."
    optional = "" if spec.required else " Leave empty for the default."
    ranged = ("<br>Or a range, low .. mode .. high (e.g. 0.35 .. 0.42 .. 0.5): figures use the mode, the "
              "Uncertainty tab samples the range." if spec.ranged else "")
    return f"<b>{spec.key}</b>: {spec.doc}.<br>{unit}{optional}{ranged}"


class FieldEditor(QWidget):
    committed = Signal(object)
    rejected = Signal(str)

    def __init__(self, spec: Spec, choices: list[str] | None = None, optional_label: str = "(default)",
                 multiline: bool = False, parent=None):
        super().__init__(parent)
        self.spec = spec
        self._value = None
        self._setting = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.setToolTip(tooltip(spec))
        self.optional = not spec.required
        if choices is not None:
            self.widget = QComboBox()
            self.widget.setObjectName(f"edit_{spec.key}")
            self._choices = list(choices)
            self._none_label = optional_label if self.optional and spec.kind != "choice" else None
            self._fill_combo()
            self.widget.currentIndexChanged.connect(self._on_combo_changed)
        elif multiline:
            self.widget = QPlainTextEdit()
            self.widget.setObjectName(f"edit_{spec.key}")
            self.widget.setMaximumHeight(110)
            self.widget.textChanged.connect(self._on_text_changed)
        else:
            self.widget = QLineEdit()
            self.widget.setObjectName(f"edit_{spec.key}")
            self.widget.setPlaceholderText(self._placeholder())
            self.widget.editingFinished.connect(self._on_line_finished)
        self.widget.setToolTip(tooltip(spec))
        layout.addWidget(self.widget)

    def _placeholder(self) -> str:
        if self.spec.kind == "quantity":
            return describe(self.spec.dim).split("e.g. ", 1)[-1]
        if self.spec.kind == "date":
            return "YYYY-MM-DD"
        return "default" if self.optional else ""

    def _fill_combo(self) -> None:
        self.widget.blockSignals(True)
        self.widget.clear()
        if self._none_label:
            self.widget.addItem(self._none_label, None)
        for c in self._choices:
            self.widget.addItem(c, c)
        self.widget.blockSignals(False)

    def set_choices(self, choices: list[str]) -> None:
        if isinstance(self.widget, QComboBox) and list(choices) != self._choices:
            self._choices = list(choices)
            self._fill_combo()
            self.set_value(self._value)

    # -- model -> widget -------------------------------------------------------------------
    def set_value(self, value) -> None:
        self._value = value
        self._setting = True
        try:
            self._clear_error()
            w = self.widget
            if isinstance(w, QComboBox):
                if self.spec.kind == "bool" and value is not None:
                    value = "true" if value else "false"
                index = w.findData(value) if value is not None else (0 if self._none_label else -1)
                if index < 0 and value is not None:
                    w.addItem(str(value), value)  # an id the list lacks: show it anyway
                    index = w.count() - 1
                w.setCurrentIndex(index)
            elif isinstance(w, QPlainTextEdit):
                if w.toPlainText() != (value or ""):
                    w.setPlainText(value or "")
            else:
                text = value_text(self.spec, value)
                if w.text() != text:
                    w.setText(text)
                    w.setCursorPosition(0)
        finally:
            self._setting = False

    def text(self) -> str:
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentText()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        return w.text()

    # -- widget -> model -------------------------------------------------------------------
    def _on_combo_changed(self, index: int) -> None:
        if self._setting:
            return
        data = self.widget.itemData(index)
        self._emit(data == "true" if self.spec.kind == "bool" and data is not None else data)

    def _on_text_changed(self) -> None:
        if self._setting:
            return
        value, error = parse_single(self.spec, self.widget.toPlainText())  # the loader's limits, here too
        if error:
            self._show_error(f"{self.spec.key}: {error}")
            return
        self._emit(value)

    def _on_line_finished(self) -> None:
        if self._setting:
            return
        text = self.widget.text().strip()
        if text == value_text(self.spec, self._value):
            self._clear_error()
            return
        if not text:
            if self.optional:
                self._emit(None)
            else:
                self._show_error(f"{self.spec.key} needs a value ({describe(self.spec.dim or 'count')})")
            return
        raw: object = text
        if self.spec.kind == "map":
            raw = parse_map_text(text)
            if raw is None:
                self._show_error("expected entries like bf16: 312 TFLOP/s, fp16: 312 TFLOP/s")
                return
        value, error = parse_single(self.spec, raw)
        if error:
            self._show_error(f"{self.spec.key}: {error}")
            return
        self._emit(value)

    def _emit(self, value) -> None:
        self._clear_error()
        self.committed.emit(value)  # the document answers with set_value, or the form with show_problem

    def _show_error(self, message: str) -> None:
        self.widget.setStyleSheet(ERROR_STYLE)
        self.widget.setToolTip(f"<p>{escape(message)}</p>")  # the message quotes what was typed
        self.rejected.emit(message)

    def _clear_error(self) -> None:
        if self.widget.styleSheet():
            self.widget.setStyleSheet("")
            self.widget.setToolTip(tooltip(self.spec))

    def show_problem(self, message: str) -> None:
        """Mark the field as the cause of a rejected edit (the value is put back)."""
        self.set_value(self._value)
        self._show_error(message)

    def has_error(self) -> bool:
        return bool(self.widget.styleSheet())
