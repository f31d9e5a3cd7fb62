"""The design editor: a navigator of the plan's parts (phases, node groups, storage, network,
facility, workloads, custom hardware) and a form for the selected part, with buttons to add,
duplicate, remove and reorder. Every change goes through the document as one command."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
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
from planner.hardware import Accelerator, Cooling, Fabric, System
from planner.plan import (
    Facility,
    ModelShape,
    Network,
    NodeGroup,
    Parallelism,
    Phase,
    Plan,
    StorageTier,
    Workload,
)

from .form import ObjectForm

PATH_ROLE = Qt.ItemDataRole.UserRole
CATALOG_CLASSES = {"accelerators": Accelerator, "systems": System, "fabrics": Fabric, "cooling": Cooling}
CATALOG_TEMPLATES = {"accelerators": "h100-sxm", "systems": "dgx-h100", "fabrics": "infiniband-ndr",
                     "cooling": "liquid"}
# Where a nested object starts when its first field is set: a 7B-class model, a one-node layout.
TEMPLATES = {ModelShape: ModelShape(layers=32, hidden=4096, heads=32), Parallelism: Parallelism()}
LISTS = {"phases": Phase, "nodes": NodeGroup, "storage": StorageTier, "workloads": Workload}


def class_at(path: tuple):
    """The dataclass shown for a navigator path, or None for a list/group node."""
    if path == ("plan",):
        return Plan
    if path in (("network",), ("facility",)):
        return Network if path[0] == "network" else Facility
    if path and isinstance(path[-1], int):
        if path[0] == "catalog":
            return CATALOG_CLASSES[path[1]]
        return LISTS[path[-2]]
    return None


class DesignEditor(QWidget):
    message = Signal(str)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self._forms: dict[type, ObjectForm] = {}
        self._path: tuple = ("plan",)
        self._rebuilding = False

        self.tree = QTreeWidget()
        self.tree.setObjectName("design_tree")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)
        buttons = QHBoxLayout()
        self.buttons = {}
        for name, tip in (("Add", "Add an item to the selected list"), ("Duplicate", "Copy the selected item"),
                          ("Remove", "Remove the selected item"), ("Up", "Move up"), ("Down", "Move down")):
            b = QPushButton(name)
            b.setToolTip(tip)
            b.setObjectName(f"button_{name.lower()}")
            b.clicked.connect(getattr(self, f"_on_{name.lower()}_clicked"))
            buttons.addWidget(b)
            self.buttons[name] = b
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.tree)
        lv.addLayout(buttons)

        self.stack = QStackedWidget()
        self.group_label = QLabel()
        self.group_label.setWordWrap(True)
        self.group_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.group_label.setMargin(8)
        self.stack.addWidget(self.group_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.stack)

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
            self.stack.addWidget(form)
            self._forms[cls] = form
        return self._forms[cls]

    # -- tree ------------------------------------------------------------------------------
    def _outline(self) -> list[tuple[tuple, str, tuple | None]]:
        """(path, label, parent path) of every navigator entry, in order."""
        plan = self.document.plan
        out = []

        def add(parent, text, path):
            out.append((path, text, parent))
            return path

        add(None, f"Plan: {plan.name}", ("plan",))
        phases = add(None, f"Phases ({len(plan.phases)})", ("phases",))
        for i, ph in enumerate(plan.phases):
            when = f" — {ph.online.isoformat()}" if ph.online else ""
            p = add(phases, f"{ph.name}{when}", ("phases", i))
            nodes = add(p, f"Nodes ({sum(g.count for g in ph.nodes):,})", ("phases", i, "nodes"))
            for j, g in enumerate(ph.nodes):
                add(nodes, f"{g.count:,} x {g.system}", ("phases", i, "nodes", j))
            st = add(p, f"Storage ({len(ph.storage)})", ("phases", i, "storage"))
            for j, t in enumerate(ph.storage):
                add(st, t.name, ("phases", i, "storage", j))
        add(None, f"Network: {plan.network.fabric}", ("network",))
        add(None, f"Facility: {plan.facility.cooling}", ("facility",))
        wl = add(None, f"Workloads ({len(plan.workloads)})", ("workloads",))
        for i, w in enumerate(plan.workloads):
            add(wl, w.name, ("workloads", i))
        cat = add(None, "Custom hardware", ("catalog",))
        for kind in _catalog.KINDS:
            entries = getattr(plan.catalog, kind)
            group = add(cat, f"{kind.capitalize()} ({len(entries)})", ("catalog", kind))
            for i, e in enumerate(entries):
                add(group, e.id, ("catalog", kind, i))
        return out

    def _rebuild(self) -> None:
        outline = self._outline()
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
        cls = class_at(path)
        plan = self.document.plan
        is_item = bool(path) and isinstance(path[-1], int)
        self.buttons["Add"].setEnabled(path[0] not in ("plan", "network", "facility") and path != ("catalog",))
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
        title = {Plan: "Plan", Network: "Network", Facility: "Facility"}.get(cls, f"{cls.__name__}")
        form.set_object(obj, title + (f" — {getattr(obj, 'name', '') or getattr(obj, 'id', '')}"
                                      if cls not in (Plan, Network, Facility) else ""))
        self.stack.setCurrentWidget(form)

    def _on_document_plan_changed(self, _plan) -> None:
        self._rebuild()

    # -- edits -------------------------------------------------------------------------------
    def _apply(self, new_plan: Plan, text: str, merge_key: str | None = None, editor=None) -> bool:
        problems = self.document.apply(new_plan, text, merge_key)
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
        plan = self.document.plan
        form = self._forms[class_at(path)]
        editor = form.editors.get(attr)
        key = f"{path}.{attr}"
        text = f"Set {editor.spec.key if editor else attr}"
        if path == ("plan",):
            new = dataclasses.replace(plan, **{attr: value})
        elif len(path) == 2 and path[0] == "phases" and attr == "name":
            new = edit.rename_phase(plan, path[1], value)
        elif "." in attr:
            head, sub = attr.split(".", 1)
            obj = edit.get_at(plan, path)
            inner = getattr(obj, head)
            sub_cls = class_at(path).__dataclass_fields__[head].metadata["spec"].item
            required = {f.name for f in dataclasses.fields(sub_cls) if f.metadata["spec"].required}
            if value is None and sub in required:
                new_inner = None
            elif inner is None or isinstance(inner, str):
                template = TEMPLATES.get(sub_cls)
                if template is not None:
                    new_inner = dataclasses.replace(template, **{sub: value})
                elif required - {sub}:
                    if editor:
                        editor.show_problem(f"set {head}.{', '.join(sorted(required - {sub}))} first")
                    return
                else:
                    new_inner = sub_cls(**{sub: value})
            else:
                new_inner = dataclasses.replace(inner, **{sub: value})
            new = edit.replace_at(plan, path, dataclasses.replace(obj, **{head: new_inner}))
        else:
            obj = edit.get_at(plan, path)
            new = edit.replace_at(plan, path, dataclasses.replace(obj, **{attr: value}))
        self._apply(new, text, key, editor)

    def _list_position(self) -> tuple[tuple, int] | None:
        path = self._path
        if path and isinstance(path[-1], int):
            return path[:-1], path[-1]
        if path[-1] in ("phases", "nodes", "storage", "workloads") or (path[0] == "catalog" and len(path) == 2):
            return path, len(edit.get_at(self.document.plan, path))
        return None

    def _new_item(self, list_path: tuple):
        plan = self.document.plan
        kind = list_path[-1]
        if kind == "phases":
            return Phase(name=edit.unique_name([p.name for p in plan.phases], f"Phase {len(plan.phases) + 1}"))
        if kind == "nodes":
            groups = [g for p in plan.phases for g in p.nodes]
            return NodeGroup(system=groups[-1].system if groups else "dgx-h100", count=1)
        if kind == "storage":
            return StorageTier(name="New tier", capacity_bytes=1e15, read_bandwidth_bytes_per_s=100e9)
        if kind == "workloads":
            names = [w.name for w in plan.workloads]
            return Workload(name=edit.unique_name(names, "New run"), parameters=7e9, tokens=1e12)
        template = _catalog.builtin().kind(kind)[CATALOG_TEMPLATES[kind]]
        ids = set(_catalog.for_plan(plan).kind(kind))
        return dataclasses.replace(template, id=edit.unique_name(ids, f"custom-{template.id}"),
                                   source="Custom entry of this plan, copied from " + template.id)

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
        item = self._new_item(list_path)
        self._path = list_path + (index,)
        if self._apply(edit.insert_at(self.document.plan, list_path, index, item), f"Add to {list_path[-1]}"):
            self._select(list_path + (index,))

    def _on_duplicate_clicked(self) -> None:
        pos = self._list_position()
        if pos is None or not isinstance(self._path[-1], int):
            return
        list_path, index = pos
        plan = self.document.plan
        item = edit.get_at(plan, self._path)
        siblings = edit.get_at(plan, list_path)
        if hasattr(item, "name") and list_path[-1] in ("phases", "workloads", "storage"):
            item = dataclasses.replace(item, name=edit.unique_name([s.name for s in siblings], item.name))
        if list_path[0] == "catalog":
            item = dataclasses.replace(item, id=edit.unique_name(
                set(_catalog.for_plan(plan).kind(list_path[1])), item.id))
        target = list_path + (index + 1,)
        self._path = target
        if self._apply(edit.insert_at(plan, list_path, index + 1, item), f"Duplicate {list_path[-1]}"):
            self._select(target)

    def _on_remove_clicked(self) -> None:
        path = self._path
        if not isinstance(path[-1], int):
            return
        self._apply(edit.remove_at(self.document.plan, path[:-1], path[-1]), f"Remove from {path[-2]}")

    def _move(self, offset: int) -> None:
        path = self._path
        if not isinstance(path[-1], int):
            return
        new = edit.move_at(self.document.plan, path[:-1], path[-1], offset)
        target = path[:-1] + (path[-1] + offset,)
        if new is not self.document.plan:
            self._path = target
            if self._apply(new, f"Move in {path[-2]}"):
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
                cls = class_at(prefix)
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
