"""A form for one plan or catalog object (a phase, a node group, the facility, ...), built
from its dataclass's field specs. It shows an object and emits ``edited(attr, value)``; it
never changes the plan itself. Each label is its field's buddy (screen readers read it as the
field's name); on a narrow editor the labels go above their fields."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from planner.schema import Spec, specs, value_text

from .elided_label import ElidedLabel
from .field_editor import FieldEditor, tooltip

SCALAR_KINDS = ("str", "int", "number", "quantity", "date", "choice", "map", "bool")


class ObjectForm(QWidget):
    edited = Signal(str, object)  # attribute name ("dataset.size_bytes" for a nested field), value
    rejected = Signal(str)
    history_requested = Signal(str)  # undo or redo typed in a field (FieldEditor)

    def __init__(self, cls, choices_for, with_id: bool = False, parent=None):
        """``choices_for(spec)`` returns the drop-down entries for a field, or None for free text."""
        super().__init__(parent)
        self.cls = cls
        self.editors: dict[str, FieldEditor] = {}
        self.keys: dict[str, str] = {}  # YAML key path -> attribute
        self._choices_for = choices_for
        self._obj = None
        outer = QVBoxLayout(self)
        layout = QFormLayout()
        outer.addLayout(layout)
        outer.addStretch(1)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: label above its field
        self.title = ElidedLabel()  # names come from the plan: plain text, elided, whole in the tooltip
        self.title.setObjectName("form_title")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        layout.addRow(self.title)
        if with_id:
            self._add_row(layout, "id", Spec(key="id", kind="str", doc="Catalog id the plan refers to",
                                             required=True))
        for name, spec in specs(cls):
            if spec.kind in SCALAR_KINDS:
                self._add_row(layout, name, spec)
            elif spec.kind == "object" and cls.__name__ != "Plan":
                # a small nested object (a workload's dataset, model, layout) is edited in place
                if spec.keywords:  # e.g. parallelism: auto | a stated layout | none
                    mode = dataclasses.replace(spec, kind="choice", choices=(*spec.keywords, "stated"),
                                               doc=spec.doc + "; 'stated' to set it field by field")
                    self._add_row(layout, name, mode)
                defaults = {f.name: f.default for f in dataclasses.fields(spec.item)}
                for sub_name, sub in specs(spec.item):
                    if sub.kind not in SCALAR_KINDS:
                        continue
                    nested = dataclasses.replace(sub, key=f"{spec.key}.{sub.key}", required=False)
                    default = defaults.get(sub_name)
                    known = None if default is None or default is dataclasses.MISSING else value_text(sub, default)
                    self._add_row(layout, f"{name}.{sub_name}", nested, known)

    def _add_row(self, layout: QFormLayout, attr: str, spec: Spec, default: str | None = None) -> None:
        multiline = spec.key == "description"
        editor = FieldEditor(spec, self._choices_for(spec), multiline=multiline, default=default)
        editor.committed.connect(lambda value, a=attr, sp=spec: self._on_editor_committed(a, sp, value))
        editor.rejected.connect(self.rejected)
        editor.history_requested.connect(self.history_requested)
        name = spec.key.replace("_", " ")
        label = QLabel(name)
        label.setToolTip(tooltip(spec))
        label.setBuddy(editor.widget)
        editor.widget.setAccessibleName(name)
        layout.addRow(label, editor)
        self.editors[attr] = editor
        self.keys[spec.key] = attr

    def set_object(self, obj, title: str, hints: dict | None = None) -> None:
        """Show ``obj``; ``hints`` (ui.defaults) say what empty fields use and what values hide."""
        self._obj = obj
        self.title.setText(title)
        hints = hints or {}
        for attr, editor in self.editors.items():
            hint = hints.get(attr)
            editor.set_hint(hint.default if hint else None, hint.note if hint else None)
            choices = self._choices_for(editor.spec)
            if choices is not None:
                editor.set_choices(choices)
            value = self.value_of(obj, attr)
            if editor.spec.kind == "choice" and dataclasses.is_dataclass(value):
                value = "stated"  # the mode row of an object that also takes keywords
            editor.set_value(value)

    def _on_editor_committed(self, attr: str, spec: Spec, value) -> None:
        if value == "stated" and "." not in attr:  # keep a stated layout, or start one from defaults
            current = getattr(self._obj, attr, None)
            item = dataclasses.fields(self.cls)
            cls = next(f.metadata["spec"].item for f in item if f.name == attr)
            value = current if dataclasses.is_dataclass(current) else cls()
        self.edited.emit(attr, value)

    @staticmethod
    def value_of(obj, attr: str):
        for part in attr.split("."):
            if obj is None or isinstance(obj, str):  # absent, or a keyword such as "auto"
                return None
            obj = getattr(obj, part)
        return obj

    def focus_widgets(self) -> list:
        """The fields' widgets in the order Tab visits them (the form's order)."""
        return [e.widget for e in self.editors.values()]

    def editor_for_key(self, key: str) -> FieldEditor | None:
        attr = self.keys.get(key)
        return self.editors.get(attr) if attr else None
