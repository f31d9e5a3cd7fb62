"""The model-shape picker of the Performance tab: the workload (the selection every panel
follows) and a published shape (``planner.model_shapes``), applied as one undoable edit through
``document.run``."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from planner.model_shapes import SHAPES, matching_shape, suggested_shape, use_model_shape


def shapes_table() -> str:
    """The published shapes the picker offers, with their sources, as a small HTML table."""
    cells = "".join(
        f"<tr><td>{escape(s.name)}</td><td align=right>{s.layers}</td><td align=right>{s.hidden:,}</td>"
        f"<td align=right>{s.heads}</td><td align=right>{s.sequence_length:,}</td>"
        f"<td align=right>{s.vocabulary:,}</td><td>{escape(s.source)}</td></tr>" for s in SHAPES.values())
    return ("<br><br><table cellspacing=0 cellpadding=3 style='color:#555'><tr><th align=left>shape</th>"
            "<th>layers</th><th>hidden</th><th>heads</th><th>sequence</th><th>vocabulary</th>"
            f"<th align=left>source</th></tr>{cells}</table>")


class ShapePicker(QWidget):
    message = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Workload")
        self.workload_box = QComboBox()
        self.workload_box.setObjectName("performance_workload")
        self.workload_box.setAccessibleName("Workload")
        self.workload_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.workload_box.setMinimumContentsLength(10)
        label.setBuddy(self.workload_box)
        self.workload_box.currentIndexChanged.connect(self._on_workload_chosen)
        shape_label = QLabel("Model &shape")
        self.shape_box = QComboBox()
        self.shape_box.setObjectName("model_shape")
        self.shape_box.setAccessibleName("Model shape")
        self.shape_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.shape_box.setMinimumContentsLength(10)
        shape_label.setBuddy(self.shape_box)
        self.shape_box.addItem("custom", None)
        for s in SHAPES.values():
            self.shape_box.addItem(s.name, s.key)
            tip = f"{s.label()}, sequence {s.sequence_length:,}, vocabulary {s.vocabulary:,}. Source: {s.source}."
            self.shape_box.setItemData(self.shape_box.count() - 1, tip + (f" {s.note}." if s.note else ""),
                                       Qt.ItemDataRole.ToolTipRole)
        self.shape_box.currentIndexChanged.connect(self._update_apply)
        self.apply_shape = QPushButton("Apply shape")
        self.apply_shape.setObjectName("apply_shape")
        self.apply_shape.setToolTip("Give the workload this model shape (one undoable edit): its throughput is then "
                                    "predicted from the shape, the layout and the cluster")
        self.apply_shape.clicked.connect(self.apply)
        for w in (label, self.workload_box, shape_label, self.shape_box, self.apply_shape):
            row.addWidget(w)
        row.setStretch(1, 2)
        row.setStretch(3, 2)

    def _index(self) -> int | None:
        n = len(self.document.plan.workloads)
        return min(self.state.workload, n - 1) if n else None

    def _on_workload_chosen(self, index: int) -> None:
        if index >= 0:
            self.state.set(workload=index)

    def fill(self, index: int | None) -> None:
        """Show the workload ``index`` and its shape (a published one, else the one matching its
        stated parameters, offered first)."""
        names = [w.name for w in self.document.plan.workloads]
        box = self.workload_box
        box.blockSignals(True)
        if [box.itemText(i) for i in range(box.count())] != names:
            box.clear()
            box.addItems(names)
        box.setCurrentIndex(-1 if index is None else index)
        box.blockSignals(False)
        w = self.document.plan.workloads[index] if index is not None else None
        shaped = w is not None and hasattr(w, "model")
        current = matching_shape(w.model) if shaped else None
        custom = "pick a published shape…" if not shaped or w.model is None else \
            f"custom: {w.model.layers} layers, hidden {w.model.hidden:,}, {w.model.heads} heads"
        # without a shape, the one that matches the stated parameters is offered first
        offered = current or (suggested_shape(w) if shaped and w.model is None else None)
        self.shape_box.blockSignals(True)
        self.shape_box.setItemText(0, custom)
        self.shape_box.setCurrentIndex(self.shape_box.findData(offered) if offered else 0)
        self.shape_box.blockSignals(False)
        self.shape_box.setEnabled(shaped)
        self._update_apply()

    def _update_apply(self, *_args) -> None:
        index = self._index()
        w = self.document.plan.workloads[index] if index is not None else None
        key = self.shape_box.currentData()
        self.apply_shape.setEnabled(bool(key) and w is not None and hasattr(w, "model")
                                    and matching_shape(w.model) != key)

    def apply(self) -> None:
        index, key = self._index(), self.shape_box.currentData()
        if index is None or not key:
            return
        name = self.document.plan.workloads[index].name
        problems = self.document.run(use_model_shape, index, key, text=f"Model shape {SHAPES[key].name}")
        if problems:
            self.message.emit(f"Not applied: {problems[0]}")
        else:
            self.message.emit(f"{name}: model shape {SHAPES[key].name} ({SHAPES[key].source})")
