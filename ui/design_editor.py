"""The design editor: a navigator of the plan's parts (phases, node groups, storage, network,
facility, workloads, custom hardware) and a form for the selected part, with buttons to add,
duplicate, remove and reorder (Delete in the navigator removes too). Every change goes through
the document as one command. The buttons wrap on a narrow editor; Tab goes navigator, buttons,
then the shown form's fields in order."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner import catalog as _catalog
from planner import edit
from planner.plan import Costs, Facility, Network, Plan

from .defaults import cooling_change_message, hints
from .flow import FlowLayout
from .form import ObjectForm
from .outline import CATALOG_CLASSES, LISTS, class_at  # noqa: F401 - class_at, LISTS: used by tests
from .outline import outline as _outline

PATH_ROLE = Qt.ItemDataRole.UserRole


class DesignEditor(QWidget):
    message = Signal(str)
    history_requested = Signal(str)  # undo or redo typed in a field: the window's, on the plan

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self._forms: dict[type, ObjectForm] = {}
        self._path: tuple = ("plan",)
        self._rebuilding = False

        self.tree = QTreeWidget()
        self.tree.setObjectName("design_tree")
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Plan navigator")
        self.tree.setAccessibleDescription("Parts of the plan; Delete removes the selected item")
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree,
                           context=Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self._on_delete_key)
        self._merge = True
        button_row = QWidget()
        buttons = FlowLayout(button_row, spacing=4)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons = {}
        for name, tip in (("Add", "Add an item to the selected list"), ("Duplicate", "Copy the selected item"),
                          ("Remove", "Remove the selected item"), ("Up", "Move up"), ("Down", "Move down")):
            b = QPushButton(name)
            b.setToolTip(tip)
            b.setAccessibleDescription(tip)
            b.setObjectName(f"button_{name.lower()}")
            b.clicked.connect(getattr(self, f"_on_{name.lower()}_clicked"))
            buttons.addWidget(b)
            self.buttons[name] = b
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.tree)
        lv.addWidget(button_row)

        self.stack = QStackedWidget()
        self.group_label = QLabel()
        self.group_label.setWordWrap(True)
        self.group_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.group_label.setMargin(8)
        self.stack.addWidget(self.group_label)
        scroll = QScrollArea()
        scroll.setObjectName("form_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not the frame
        scroll.setWidget(self.stack)
        self.scroll = scroll

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([300, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        document.plan_changed.connect(self._on_document_plan_changed)
        self._rebuild()

    # -- choices for drop-downs ------------------------------------------------------------
    def _choices_for(self, spec):
        if spec.kind == "choice":
            return list(spec.choices)
        if spec.kind == "bool":
            return ["true", "false"]
        if spec.ref == "phases":
            return [p.name for p in self.document.plan.phases]
        if spec.ref:
            cat = _catalog.for_plan(self.document.plan)
            return sorted(cat.kind(spec.ref))
        return None

    def _form(self, cls) -> ObjectForm:
        if cls not in self._forms:
            form = ObjectForm(cls, self._choices_for, with_id=cls in CATALOG_CLASSES.values())
            form.edited.connect(self._on_form_edited)
            form.rejected.connect(self.message)
            form.history_requested.connect(self.history_requested)
            self.stack.addWidget(form)
            self._forms[cls] = form
            self._chain_focus(form)
        return self._forms[cls]

    def _chain_focus(self, form: ObjectForm) -> None:
        """A form made later joins the focus chain right after the buttons, not at the window's end."""
        previous = self.buttons["Down"]
        for widget in form.focus_widgets():
            QWidget.setTabOrder(previous, widget)
            previous = widget

    # -- tree ------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        outline = _outline(self.document.plan)
        if [o[0] for o in outline] == [o[0] for o in getattr(self, "_shown_outline", [])]:
            # same structure: relabel in place and refresh the form (the common case of an edit)
            for path, text, _parent in outline:
                if self._items[path].text(0) != text:
                    self._items[path].setText(0, text)
            self._shown_outline = outline
            self._show(self._path)
            return
        self._shown_outline = outline
        self._rebuilding = True
        self.tree.clear()
        items: dict[tuple, QTreeWidgetItem] = {}
        for path, text, parent in outline:
            item = QTreeWidgetItem([text])
            item.setData(0, PATH_ROLE, path)
            (items[parent].addChild(item) if parent is not None else self.tree.addTopLevelItem(item))
            items[path] = item

        self.tree.expandAll()
        self._items = items
        path = self._path
        while path not in items and len(path) > 1:
            path = path[:-1]
        self.tree.setCurrentItem(items.get(path, items[("plan",)]))
        self._rebuilding = False
        self._show(self._path_of(self.tree.currentItem()))

    @staticmethod
    def _path_of(item) -> tuple:
        return tuple(item.data(0, PATH_ROLE)) if item is not None else ("plan",)

    def _on_tree_current_changed(self, current, _previous) -> None:
        if not self._rebuilding and current is not None:
            self._show(self._path_of(current))

    def _show(self, path: tuple) -> None:
        self._path = path
        cls = class_at(path, self.document.plan)
        plan = self.document.plan
        is_item = bool(path) and isinstance(path[-1], int)
        self.buttons["Add"].setEnabled(path[0] not in ("plan", "network", "facility", "costs") and path != ("catalog",))
        for name in ("Duplicate", "Remove", "Up", "Down"):
            self.buttons[name].setEnabled(is_item)
        if cls is None:
            what = {"phases": "build-out phases; each adds its nodes and storage to those before it",
                    "nodes": "node groups of this phase", "storage": "storage tiers of this phase",
                    "workloads": "training runs and data passes to time",
                    "catalog": "hardware of this plan's own, added to (or overriding) the built-in catalog"}
            self.group_label.setText(f"<b>{path[-1].capitalize()}</b>: the {what.get(path[-1], 'entries')}. "
                                     "Select one to edit it, or press Add.")
            self.stack.setCurrentWidget(self.group_label)
            return
        obj = plan if path == ("plan",) else edit.get_at(plan, path)
        form = self._form(cls)
        title = {Plan: "Plan", Network: "Network", Facility: "Facility", Costs: "Costs"}.get(cls, f"{cls.__name__}")
        form.set_object(obj, title + (f" — {getattr(obj, 'name', '') or getattr(obj, 'id', '')}"
                                      if cls not in (Plan, Network, Facility, Costs) else ""), hints(plan, path))
        self.stack.setCurrentWidget(form)

    def _on_document_plan_changed(self, _plan) -> None:
        self._rebuild()

    # -- edits -------------------------------------------------------------------------------
    def _run(self, operation, *args, text: str, merge_key: str | None = None, editor=None) -> bool:
        """Apply a planner.edit operation through the document (one undoable step)."""
        problems = self.document.run(operation, *args, text=text, merge_key=merge_key if self._merge else None)
        if problems:
            msg = f"Not applied: {problems[0].path}: expected {problems[0].expected}" + (
                f", found {problems[0].found}" if problems[0].found else "")
            self.message.emit(msg)
            if editor is not None:
                editor.show_problem(msg)
            return False
        return True

    def _on_form_edited(self, attr: str, value) -> None:
        path = self._path
        form = self._forms[class_at(path, self.document.plan)]
        editor = form.editors.get(attr)
        key = f"{path}.{attr}"
        text = f"Set {editor.spec.key if editor else attr}"
        field_path = (() if path == ("plan",) else path) + tuple(attr.split("."))
        had_parameters = self._model_replaces_parameters(field_path)
        if not self._run(edit.set_field, field_path, value, text=text, merge_key=key, editor=editor):
            return
        if had_parameters:
            self.message.emit("The model shape now gives the parameter count (parameters cleared; Undo restores "
                              "them)")
        elif field_path == ("facility", "cooling"):
            said = cooling_change_message(self.document.plan)
            if said:
                self.message.emit(said)

    def commit_pending(self, merge: bool = True) -> None:
        """Commit what is typed in the focused field of the shown form (before an undo: with
        ``merge=False`` it is its own step, so undo takes back just that)."""
        focus = QApplication.focusWidget()
        form = self.stack.currentWidget()
        if focus is None or not isinstance(form, ObjectForm):
            return
        for editor in form.editors.values():
            if editor.widget is focus or editor.widget.isAncestorOf(focus):
                self._merge = merge
                try:
                    editor.commit_pending()
                finally:
                    self._merge = True
                return

    def _model_replaces_parameters(self, field_path: tuple) -> bool:
        """Setting the first field of a model shape beside stated parameters clears them."""
        if len(field_path) != 4 or field_path[0] != "workloads" or field_path[2] != "model":
            return False
        w = edit.get_at(self.document.plan, field_path[:2])
        return w.model is None and w.parameters is not None

    def _list_position(self) -> tuple[tuple, int] | None:
        path = self._path
        if path and isinstance(path[-1], int):
            return path[:-1], path[-1]
        if path[-1] in ("phases", "nodes", "storage", "workloads") or (path[0] == "catalog" and len(path) == 2):
            return path, len(edit.get_at(self.document.plan, path))
        return None

    def _select(self, path: tuple) -> None:
        self._path = path
        item = self._items.get(path)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _on_add_clicked(self) -> None:
        pos = self._list_position()
        if pos is None:
            return
        list_path, index = pos
        self._path = list_path + (index,)
        if self._run(edit.add_item, list_path, index, text=f"Add to {list_path[-1]}"):
            self._select(list_path + (index,))

    def _on_duplicate_clicked(self) -> None:
        pos = self._list_position()
        if pos is None or not isinstance(self._path[-1], int):
            return
        list_path, index = pos
        source = self._path
        target = list_path + (index + 1,)
        self._path = target
        if self._run(edit.duplicate_item, source, text=f"Duplicate {list_path[-1]}"):
            self._select(target)

    def _on_remove_clicked(self) -> None:
        path = self._path
        if not isinstance(path[-1], int):
            return
        self._run(edit.remove_item, path, text=f"Remove from {path[-2]}")

    def _on_delete_key(self) -> None:
        path = self._path
        if not isinstance(path[-1], int):
            self.message.emit("Delete removes an item: select one (a phase, node group, storage tier, workload "
                              "or custom hardware entry)")
            return
        label = self._items[path].text(0) if path in self._items else str(path)
        if self._run(edit.remove_item, path, text=f"Remove from {path[-2]}"):
            self.message.emit(f"Removed {label} (Ctrl+Z brings it back)")
            self.tree.setFocus()

    def _move(self, offset: int) -> None:
        path = self._path
        if not isinstance(path[-1], int):
            return
        target = path[:-1] + (path[-1] + offset,)
        if not 0 <= target[-1] < len(edit.get_at(self.document.plan, path[:-1])):
            return
        self._path = target
        if self._run(edit.move_item, path, offset, text=f"Move in {path[-2]}"):
            self._select(target)

    def _on_up_clicked(self) -> None:
        self._move(-1)

    def _on_down_clicked(self) -> None:
        self._move(1)

    # -- navigation from warnings and explanations ----------------------------------------
    def select_field(self, key_path: str) -> bool:
        """Select the part a key path points at (``workloads[0].gpus``) and focus its field."""
        parts = edit.parse_path(key_path)
        for n in range(len(parts), 0, -1):
            prefix = tuple(parts[:n])
            if prefix in self._items:
                self._select(prefix)
                rest = ".".join(str(p) for p in parts[n:])
                cls = class_at(prefix, self.document.plan)
                if rest and cls is not None:
                    editor = self._forms[cls].editor_for_key(rest)
                    if editor is not None:
                        editor.widget.setFocus()
                return True
        return False

    def current_path(self) -> tuple:
        return self._path

    def form(self, cls) -> ObjectForm:
        return self._form(cls)
