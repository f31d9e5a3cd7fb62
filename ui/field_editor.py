"""One editor for one plan field, built from the field's Spec: text with units, a drop-down
for choices and catalog ids, free text. It parses what a person types with the same rules as
the plan loader, shows a mistake in place, and emits ``committed(value)`` only for good values.

Undo and redo keys typed in a field are the plan's, not the text box's: the field asks for them
with ``history_requested("undo" | "redo")`` and the window commits the field, then undoes. An
empty optional field says what it falls back to ("(default: the cooling's 1.58)"), and a note
under the field says when the plan's value hides a default."""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from planner.schema import Spec, parse_single, value_text
from planner.units import DIMENSIONS, describe

from . import theme
from .defaults import doc_default
from .keys import history_key

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
    history_requested = Signal(str)  # "undo" or "redo" typed in the field: the plan's, not the text's

    def __init__(self, spec: Spec, choices: list[str] | None = None, optional_label: str | None = None,
                 multiline: bool = False, default: str | None = None, parent=None):
        """``default``: what an empty field uses, when known (else the description's "(default: ...)")."""
        super().__init__(parent)
        self.spec = spec
        self._value = None
        self._setting = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.setToolTip(tooltip(spec))
        self.optional = not spec.required
        self._own_default = default or doc_default(spec.doc)
        self._default = self._own_default
        if choices is not None:
            self.widget = QComboBox()
            self.widget.setObjectName(f"edit_{spec.key}")
            self.widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.widget.setMinimumContentsLength(10)  # long ids elide; the list shows them whole
            self._choices = list(choices)
            self._none_label = (optional_label or self._default_label()) \
                if self.optional and spec.kind != "choice" else None
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
        self.widget.setAccessibleDescription(spec.doc)
        self.widget.installEventFilter(self)
        layout.addWidget(self.widget)
        self.note = QLabel()
        self.note.setObjectName(f"note_{spec.key}")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()
        layout.addWidget(self.note)
        self._restyle_note()

    def _default_label(self) -> str:
        return f"(default: {self._default})" if self._default else "(default)"

    def _placeholder(self) -> str:
        if self.spec.kind == "quantity":
            example = describe(self.spec.dim).split("e.g. ", 1)[-1]
            return f"default: {self._default}" if self.optional and self._default else example
        if self.spec.kind == "date":
            return "YYYY-MM-DD"
        if self.optional:
            return f"default: {self._default}" if self._default else "default"
        return ""

    # -- hints: what the default is, what the plan's value hides ------------------------------
    def set_hint(self, default: str | None = None, note: str | None = None) -> None:
        """Say what an empty field uses (``default``) and, under the field, ``note``."""
        self._default = default or self._own_default
        w = self.widget
        if isinstance(w, QComboBox) and self._none_label is not None:
            label = self._default_label()
            if label != self._none_label:
                self._none_label = label
                w.setItemText(0, label)
        elif isinstance(w, QLineEdit):
            w.setPlaceholderText(self._placeholder())
        self.note.setText(f"({note})" if note else "")
        self.note.setVisible(bool(note))
        self.setAccessibleDescription(f"{self.spec.doc}. {note}" if note else self.spec.doc)

    def _restyle_note(self) -> None:
        p = self.note.palette()
        p.setColor(QPalette.ColorRole.WindowText, theme.muted(self.palette()))
        self.note.setPalette(p)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "note"):
            self._restyle_note()

    # -- undo and redo keys belong to the plan -------------------------------------------------
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if obj is self.widget and kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            which = history_key(event)
            if which is not None:
                event.accept()  # the text box's own undo never runs ...
                if kind == QEvent.Type.KeyPress:
                    self.history_requested.emit(which)  # ... the plan's does
                return True
        return False

    def commit_pending(self) -> None:
        """Commit text typed but not yet committed (as leaving the field would)."""
        if isinstance(self.widget, QLineEdit):
            self._on_line_finished()

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
