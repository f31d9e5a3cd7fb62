"""The main window's menus: File, Edit (undo and redo that always act on the plan), View (the
design editor's dock, the tabs) and Help (offline help, About)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from .help_window import HelpWindow, about_text
from .keys import REDO_KEYS, UNDO_KEYS, shortcuts
from .screen_fit import fit_default


def _action(window, menu, text, slot, keys=(), tip=""):
    act = QAction(text, window)
    if keys:
        act.setShortcuts(shortcuts(*keys))
    act.setStatusTip(tip)
    act.triggered.connect(slot)
    menu.addAction(act)
    return act


def build_menus(w) -> None:
    bar = w.menuBar()
    f = bar.addMenu("&File")
    _action(w, f, "&New from preset…", w._on_new_triggered, (QKeySequence.StandardKey.New,),
            "Start from the plan of a real cluster")
    _action(w, f, "&Open…", w._on_open_triggered, (QKeySequence.StandardKey.Open,))
    w.recent_menu = f.addMenu("Open &recent")
    w.recent_menu.aboutToShow.connect(w._fill_recent_menu)
    f.addSeparator()
    _action(w, f, "&Save", w.save, (QKeySequence.StandardKey.Save,))
    _action(w, f, "Save &as…", w.save_as, (QKeySequence.StandardKey.SaveAs,))
    f.addSeparator()
    ex = f.addMenu("&Export results")
    _action(w, ex, "JSON…", lambda: w._on_export_triggered("json"))
    _action(w, ex, "CSV…", lambda: w._on_export_triggered("csv"))
    _action(w, ex, "HTML report…", lambda: w._on_export_triggered("html"))
    f.addSeparator()
    _action(w, f, "&Quit", w.close, (QKeySequence.StandardKey.Quit,))

    e = bar.addMenu("&Edit")
    stack = w.document.undo_stack
    w.undo_action = _action(w, e, "&Undo", w.undo, UNDO_KEYS, "Undo the last edit of the plan")
    w.redo_action = _action(w, e, "&Redo", w.redo, REDO_KEYS, "Redo the edit undone last")
    stack.undoTextChanged.connect(lambda text: w.undo_action.setText(f"&Undo {text}".strip()))
    stack.redoTextChanged.connect(lambda text: w.redo_action.setText(f"&Redo {text}".strip()))

    v = bar.addMenu("&View")
    editor_toggle = w.editor_dock.toggleViewAction()
    editor_toggle.setText("&Design editor")
    editor_toggle.setShortcut(QKeySequence("Ctrl+Shift+E"))
    v.addAction(editor_toggle)
    w.editor_toggle = editor_toggle
    v.addSeparator()
    w.tab_actions = []
    for n in range(1, 10):
        act = _action(w, v, f"Tab {n}", lambda _=False, i=n - 1: _show_tab(w, i), (f"Ctrl+{n}",))
        w.tab_actions.append(act)
    v.aboutToShow.connect(lambda: _name_tab_actions(w))
    _name_tab_actions(w)

    h = bar.addMenu("&Help")
    _action(w, h, "Cluster Planner &help", lambda: show_help(w), (QKeySequence.StandardKey.HelpContents, "F1"))
    _action(w, h, "Plan &format reference", lambda: show_help(w, "Plan format"))
    _action(w, h, "How the &model computes", lambda: show_help(w, "What the model computes"))
    _action(w, h, "&Keyboard", lambda: show_help(w, "Keyboard"))
    h.addSeparator()
    _action(w, h, "&About Cluster Planner", lambda: show_about(w))


def _show_tab(w, index: int) -> None:
    if index < w.tabs.count():
        w.tabs.setCurrentIndex(index)


def _name_tab_actions(w) -> None:
    for i, act in enumerate(w.tab_actions):
        act.setVisible(i < w.tabs.count())
        if i < w.tabs.count():
            act.setText(w.tabs.tabText(i).replace("&", ""))


def show_help(w, topic: str | None = None) -> HelpWindow:
    if getattr(w, "help_window", None) is None:
        w.help_window = HelpWindow(w)
        fit_default(w.help_window, 900, 620)
    if topic:
        w.help_window.show_topic(topic)
    w.help_window.show()
    w.help_window.raise_()
    return w.help_window


def show_about(w) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About Cluster Planner", about_text(), QMessageBox.StandardButton.Ok, w)
    box.setObjectName("about_box")
    box.setIconPixmap(w.windowIcon().pixmap(64, 64))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    w.about_box = box
    return box
