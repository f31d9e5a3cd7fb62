"""Keyboard and screen readers: undo and redo always act on the plan (a field is committed first),
the explanation follows the dashboard's workload, Tab reaches every field in order and is never
trapped, cards open their explanation from the keyboard, Delete removes in the navigator, every
control has an accessible name."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from planner import edit
from planner.plan import NodeGroup, Plan

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def count_field(window):
    window.editor._select(("phases", 1, "nodes", 0))
    editor = window.editor.form(NodeGroup).editors["count"]
    return editor.widget


def type_text(qtbot, line, text):
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, text)


def gpus(window):
    window.document.recompute_now()
    return window.dashboard.cards["gpus"].value.text()


def test_ctrl_z_in_a_field_undoes_the_plan_not_the_text(window, qtbot):
    line = count_field(window)
    type_text(qtbot, line, "2000")
    qtbot.keyClick(line, Qt.Key.Key_Return)  # committed: the plan has 2,000
    assert window.document.plan.phases[1].nodes[0].count == 2000 and gpus(window) == "22,080"
    steps = window.document.undo_stack.count()
    qtbot.keyClick(line, Qt.Key.Key_Z, CTRL)
    # the plan went back, and the field and every figure with it
    assert window.document.plan.phases[1].nodes[0].count == 1240
    assert line.text() == "1240" and gpus(window) == "16,000"
    qtbot.keyClick(line, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.document.plan.phases[1].nodes[0].count == 2000
    assert line.text() == "2000" and gpus(window) == "22,080"
    qtbot.keyClick(line, Qt.Key.Key_Z, CTRL)
    window.editor.tree.setFocus()  # leaving the field commits nothing new
    assert window.document.plan.phases[1].nodes[0].count == 1240
    assert window.document.undo_stack.index() == steps - 1


def test_ctrl_z_commits_typed_text_first_as_its_own_step(window, qtbot):
    line = count_field(window)
    type_text(qtbot, line, "2000")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    type_text(qtbot, line, "3000")  # typed, not committed
    assert window.document.plan.phases[1].nodes[0].count == 2000
    qtbot.keyClick(line, Qt.Key.Key_Z, CTRL)
    # 3,000 became a step of its own (not merged into the 2,000 edit) and was undone
    assert window.document.plan.phases[1].nodes[0].count == 2000 and line.text() == "2000"
    qtbot.keyClick(line, Qt.Key.Key_Y, CTRL)
    assert window.document.plan.phases[1].nodes[0].count == 3000 and line.text() == "3000"


def test_the_menu_undo_commits_the_focused_field(window, qtbot):
    line = count_field(window)
    type_text(qtbot, line, "1500")
    window.undo_action.trigger()
    assert window.document.plan.phases[1].nodes[0].count == 1240 and line.text() == "1240"
    window.redo_action.trigger()
    assert window.document.plan.phases[1].nodes[0].count == 1500 and line.text() == "1500"


def test_explanation_follows_the_shown_workload_through_removal_and_undo(window, qtbot):
    doc = window.document
    last = len(doc.plan.workloads) - 1
    removed = doc.plan.workloads[last].name
    window.state.set(workload=last)
    window.explain.show_key("time")
    window.editor._select(("workloads", last))
    window.editor.tree.setFocus()
    qtbot.keyClick(window.editor.tree, Qt.Key.Key_Delete)
    doc.recompute_now()
    shown = window.dashboard.workload.currentText()
    assert removed not in [w.name for w in doc.plan.workloads]
    assert shown == doc.plan.workloads[window.state.workload].name
    assert f"Time of {shown}" in window.explain.toPlainText()
    window.undo()
    doc.recompute_now()
    shown = window.dashboard.workload.currentText()
    assert removed in [w.name for w in doc.plan.workloads]
    assert f"Time of {shown}" in window.explain.toPlainText()
    window.state.set(workload=last)
    assert window.dashboard.workload.currentText() == removed and f"Time of {removed}" in window.explain.toPlainText()


def test_delete_in_the_navigator_removes_through_the_document(window, qtbot):
    doc = window.document
    storage = len(doc.plan.phases[0].storage)
    window.editor._select(("phases", 0, "storage", 1))
    window.editor.tree.setFocus()
    qtbot.keyClick(window.editor.tree, Qt.Key.Key_Delete)
    assert len(doc.plan.phases[0].storage) == storage - 1
    assert doc.undo_stack.undoText() == "Remove from storage"
    assert "Removed Penguin Altus cache" in window.statusBar().currentMessage()
    window.editor._select(("phases",))  # a group: nothing to remove
    qtbot.keyClick(window.editor.tree, Qt.Key.Key_Delete)
    assert len(doc.plan.phases) == 2 and "select one" in window.statusBar().currentMessage()


def _tab_chain(qtbot, start, presses=120):
    start.setFocus()
    chain = [QApplication.focusWidget()]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        chain.append(QApplication.focusWidget())
        if chain[-1] is chain[0]:
            break
    return chain


def test_tab_visits_navigator_buttons_fields_then_views_and_comes_back(window, qtbot):
    window.editor._select(("workloads", 0))
    chain = _tab_chain(qtbot, window.editor.tree)
    assert chain[-1] is window.editor.tree, "Tab never came back to the navigator: trapped somewhere"
    names = [w.objectName() for w in chain]
    fields = [w.objectName() for w in window.editor.stack.currentWidget().focus_widgets()]
    assert len(fields) > 20 and names[1:6] == ["button_add", "button_duplicate", "button_remove", "button_up",
                                               "button_down"]
    # every field of the form, in the form's order, right after the enabled buttons
    at = names.index(fields[0])
    assert names[at:at + len(fields)] == fields
    assert names.index("button_duplicate") < at
    order = [names.index(n) for n in ("precision", "workload", "card_gpus", "card_opex", "phase_table",
                                      "warnings", "explain")]
    assert order == sorted(order) and at < order[0]
    assert names.count("phase_table") == 1  # one stop: arrows move between cells, Tab leaves
    # the explanation: one stop, then one per link (the way a browser reaches links), then out
    links = window.explain.toHtml().count("href=")
    assert 1 <= names.count("explain") <= links + 1
    first = names.index("explain")
    assert names[first:first + names.count("explain")] == ["explain"] * names.count("explain")
    cards = [n for n in names if n.startswith("card_")]
    assert len(cards) == 10


def test_enter_or_space_on_a_card_explains_it(window, qtbot):
    card = window.dashboard.cards["facility_power"]
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Return)
    assert "Facility power under load = 12.53 MW" in window.explain.toPlainText() and card.is_selected()
    gpus_card = window.dashboard.cards["gpus"]
    gpus_card.setFocus()
    qtbot.keyClick(gpus_card, Qt.Key.Key_Space)
    assert "Accelerators = 16,000" in window.explain.toPlainText()
    assert gpus_card.is_selected() and not card.is_selected()
    assert gpus_card.accessibleName() == "Accelerators: 16,000"


def _name(widget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


@pytest.mark.parametrize("path", [("plan",), ("phases", 0), ("phases", 0, "nodes", 0), ("facility",),
                                  ("network",), ("workloads", 0)])
def test_every_control_has_an_accessible_name_and_labels_are_buddies(window, qtbot, path):
    window.editor._select(path)
    mine = [window.editor, window.dashboard, window.explain]
    controls = [w for root in mine for w in [root, *root.findChildren(QWidget)]
                if w.isVisibleTo(window) and w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isEnabled()]
    assert len(controls) >= 18
    unnamed = [f"{type(w).__name__} {w.objectName()}" for w in controls if not _name(w).strip()]
    assert unnamed == []
    form = window.editor.stack.currentWidget()
    labels = [lab for lab in form.findChildren(QLabel) if lab.buddy() is not None]
    assert {lab.buddy() for lab in labels} == set(form.focus_widgets())
    buttons = [b for b in window.editor.findChildren(QAbstractButton)]
    assert all(_name(b) for b in buttons)


def test_plan_form_field_names_read_as_their_labels(window):
    window.editor._select(("plan",))
    name = window.editor.form(Plan).editors["name"].widget
    assert _name(name) == "name" and "Name of the cluster design" in name.accessibleDescription()


def test_ctrl_z_outside_a_field_is_the_edit_menus(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    assert window.document.run(edit.set_field, ("phases", 1, "nodes", 0, "count"), 2000, text="count") == []
    window.editor.tree.setFocus()
    qtbot.keyClick(window.editor.tree, Qt.Key.Key_Z, CTRL)
    assert window.document.plan.phases[1].nodes[0].count == 1240
    qtbot.keyClick(window.editor.tree, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.document.plan.phases[1].nodes[0].count == 2000
