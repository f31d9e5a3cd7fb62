"""A form for one plan or catalog object (a phase, a node group, the facility, ...), built
from its dataclass's field specs. It shows an object and emits ``edited(attr, value)``; it
never changes the plan itself."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from planner.schema import Spec, specs

from .field_editor import FieldEditor, tooltip

SCALAR_KINDS = ("str", "int", "number", "quantity", "date", "choice", "map", "bool")


class ObjectForm(QWidget):
    edited = Signal(str, object)  # attribute name ("dataset.size_bytes" for a nested field), value
    rejected = Signal(str)

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
        self.title = QLabel()
        self.title.setObjectName("form_title")
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names come from the plan: never markup
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
                for sub_name, sub in specs(spec.item):
                    if sub.kind not in SCALAR_KINDS:
                        continue
                    nested = dataclasses.replace(sub, key=f"{spec.key}.{sub.key}", required=False)
                    self._add_row(layout, f"{name}.{sub_name}", nested)

    def _add_row(self, layout: QFormLayout, attr: str, spec: Spec) -> None:
        multiline = spec.key == "description"
        editor = FieldEditor(spec, self._choices_for(spec), multiline=multiline)
        editor.committed.connect(lambda value, a=attr, sp=spec: self._on_editor_committed(a, sp, value))
        editor.rejected.connect(self.rejected)
        label = QLabel(spec.key.replace("_", " "))
        label.setToolTip(tooltip(spec))
        layout.addRow(label, editor)
        self.editors[attr] = editor
        self.keys[spec.key] = attr

    def set_object(self, obj, title: str) -> None:
        self._obj = obj
        self.title.setText(title)
        for attr, editor in self.editors.items():
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

    def editor_for_key(self, key: str) -> FieldEditor | None:
        attr = self.keys.get(key)
        return self.editors.get(attr) if attr else None
