"""New plan from a gallery of presets: pick a real cluster to start from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

import planner


class PresetGallery(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New plan from a preset")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Start from the plan of a real cluster:"))
        self.list = QListWidget()
        self.list.setObjectName("preset_list")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        for name, path in planner.presets().items():
            plan = planner.load(path)
            item = QListWidgetItem(f"{plan.name}  ({name})")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setData(Qt.ItemDataRole.UserRole + 1, plan.description)
            self.list.addItem(item)
        self.list.currentItemChanged.connect(
            lambda item, _prev: self.description.setText(item.data(Qt.ItemDataRole.UserRole + 1) if item else ""))
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list, 1)
        layout.addWidget(self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.setCurrentRow(0)

    def selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None
