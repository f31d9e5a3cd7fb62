"""Run inside a real X server (tests/ui/test_xvfb.py starts Xvfb and this script with
QT_QPA_PLATFORM=xcb and QT_SCALE_FACTOR): open the window maximized on the screen, check it fits
and shows every card, resize it smaller, then drive it with the keyboard. Prints one JSON object."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.plan import NodeGroup


def wait(app, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def cards_inside(window) -> bool:
    viewport = window.dashboard.scroll.viewport()
    for card in window.dashboard.cards.values():
        left = card.mapTo(viewport, QPoint(0, 0)).x()
        if left < 0 or left + card.width() > viewport.width():
            return False
    return True


def main() -> int:
    app = QApplication(sys.argv[:1])
    from ui.app import build_window

    window = build_window(None, is_preset=True)
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    out: dict = {"platform": app.platformName(), "scale": window.devicePixelRatioF()}
    screen = app.primaryScreen().availableGeometry()
    out["screen"] = [screen.width(), screen.height()]
    window.showMaximized()
    window.activateWindow()
    wait(app, 800)
    frame = window.frameGeometry()
    out["fits"] = screen.contains(frame.topLeft()) and frame.width() <= screen.width() + 2 and \
        frame.height() <= screen.height() + 2
    out["window"] = [window.width(), window.height()]
    out["cards_inside"] = cards_inside(window)
    out["dock_width"] = window.editor_dock.width()

    # resize: smaller than the screen, the window takes the size it is given
    window.showNormal()
    wait(app)
    target = (max(screen.width() * 3 // 4, 640), max(screen.height() * 3 // 4, 400))
    window.resize(*target)
    wait(app)
    out["resized"] = [window.width(), window.height()] == list(target)
    out["cards_inside_resized"] = cards_inside(window)

    # keyboard: type a count, commit, Ctrl+Z in the field undoes the plan, Ctrl+Shift+Z redoes it
    window.activateWindow()
    wait(app)
    editor = window.editor
    editor._select(("phases", 1, "nodes", 0))
    line = editor.form(NodeGroup).editors["count"].widget
    line.setFocus()
    wait(app, 100)
    line.selectAll()
    QTest.keyClicks(line, "2000")
    QTest.keyClick(line, Qt.Key.Key_Return)
    doc = window.document
    out["typed"] = doc.plan.phases[1].nodes[0].count
    QTest.keyClick(line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    out["after_undo"] = [doc.plan.phases[1].nodes[0].count, line.text()]
    QTest.keyClick(line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    out["after_redo"] = [doc.plan.phases[1].nodes[0].count, line.text()]

    # Tab from the navigator comes back round, through the fields and the cards
    editor.tree.setFocus()
    wait(app, 100)
    seen = []
    for _ in range(150):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().objectName())
        if QApplication.focusWidget() is editor.tree:
            break
    out["tab_round_trip"] = seen[-1] == "design_tree"
    out["tab_cards"] = sum(1 for n in seen if n.startswith("card_"))
    out["tab_fields"] = sum(1 for n in seen if n.startswith("edit_"))

    # Enter on a card explains it; Delete in the navigator removes the selected item
    card = window.dashboard.cards["energy"]
    card.setFocus()
    QTest.keyClick(card, Qt.Key.Key_Return)
    out["explained"] = window.explain.toPlainText().split("\n", 1)[0]
    workloads = len(doc.plan.workloads)
    editor._select(("workloads", workloads - 1))
    editor.tree.setFocus()
    QTest.keyClick(editor.tree, Qt.Key.Key_Delete)
    out["deleted"] = workloads - len(doc.plan.workloads)
    window.keep_layout = False
    window.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
