"""The desktop app never loses a plan: recovery copies, files changed elsewhere, and a
stateful test of random edits, undos, redos, saves and loads."""

import os
import shutil

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from PySide6.QtWidgets import QApplication

import planner
from planner import edit
from tests.conftest import PRESETS
from ui import recovery


def test_recovery_copy_while_unsaved_and_removed_on_save(window, tmp_path):
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("facility", "pue"), 1.33), "pue")
    assert window.recovery.timer.isActive()
    window.recovery.write_now()
    copy = window.recovery.copy_path()
    assert copy.exists() and copy.parent == tmp_path / "state" / "recovery"
    assert planner.loads(copy.read_text()) == doc.plan
    assert window._save_to(doc.path)
    assert not copy.exists() and not window.recovery.timer.isActive()


def test_restore_after_a_crash(qtbot, tmp_path, plan_file):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import build_window

    # a window with unsaved edits "crashes": its copy stays, written by a process that is gone
    first = build_window(plan_file)
    first.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    first.ask_reload = first.ask_overwrite = lambda: False
    qtbot.addWidget(first)
    edited = edit.replace_at(first.document.plan, ("phases", 0, "nodes", 0, "count"), 999)
    first.document.apply(edited, "count")
    first.recovery.write_now()
    copy = first.recovery.copy_path()
    text = copy.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999')
    copy.write_text(text)
    first.recovery._copy = None
    first.recovery.copy_path = lambda: tmp_path / "elsewhere.yaml"  # let it go without cleaning up

    second = build_window(plan_file)
    second.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    second.ask_reload = second.ask_overwrite = lambda: False
    qtbot.addWidget(second)
    asked = []
    second.ask_restore = lambda found: asked.append(found) or True
    assert second.offer_recovery()
    assert asked[0].original == plan_file.resolve()
    assert second.document.plan == edited and second.document.modified
    assert second.document.path == plan_file.resolve()
    second.document.undo_stack.undo()  # restoring is one undoable step
    assert second.document.plan.phases[0].nodes[0].count == 760
    assert not copy.exists()


def test_declined_recovery_is_dropped(window, tmp_path):
    window.document.apply(edit.replace_at(window.document.plan, ("facility", "pue"), 1.4), "pue")
    window.recovery.write_now()
    copy = window.recovery.copy_path()
    copy.write_text(copy.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))
    window.ask_restore = lambda found: False
    assert not window.offer_recovery()
    assert not copy.exists()


def test_copies_of_running_windows_are_not_offered(window):
    window.document.apply(edit.replace_at(window.document.plan, ("facility", "pue"), 1.4), "pue")
    window.recovery.write_now()
    parent = os.getppid()
    copy = window.recovery.copy_path()
    copy.write_text(copy.read_text().replace(f'"pid": {os.getpid()}', f'"pid": {parent}'))
    assert recovery.find(window.recovery.folder.parent) == []


def test_file_changed_elsewhere_reload(window, plan_file, qtbot):
    text = plan_file.read_text().replace("pue: 1.1", "pue: 1.45")
    window.ask_reload = lambda: True
    with qtbot.waitSignal(window.watcher.fileChanged, timeout=5000):
        plan_file.write_text(text)
    qtbot.waitUntil(lambda: window.document.plan.facility.pue == 1.45)  # the watcher asked, we said reload


def test_file_changed_elsewhere_keep_then_never_silently_overwritten(window, plan_file):
    newer = plan_file.read_text().replace("pue: 1.1", "pue: 1.45")
    plan_file.write_text(newer)
    window.ask_reload = lambda: False
    window.check_file_on_disk()
    assert window.document.plan.facility.pue == 1.1
    window.document.apply(edit.replace_at(window.document.plan, ("facility", "pue"), 1.2), "pue")
    asked = []
    window.ask_overwrite = lambda: asked.append(1) or False
    assert not window._save_to(window.document.path)
    assert asked and plan_file.read_text() == newer and window.isWindowModified()
    window.ask_overwrite = lambda: True
    assert window._save_to(window.document.path)
    assert planner.load(plan_file).facility.pue == 1.2


# -- stateful: random edits, undos, redos, saves and loads ------------------------------------
class DocumentMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        from tempfile import mkdtemp

        from ui.document import PlanDocument

        QApplication.instance() or QApplication([])
        self.folder = mkdtemp()
        self.path = os.path.join(self.folder, "plan.yaml")
        shutil.copy(PRESETS / "selene.yaml", self.path)
        self.doc = PlanDocument(planner.load(self.path), self.path)
        self.base = self.doc.plan

    @rule(count=st.integers(-5, 5000))
    def edit_count(self, count):
        self.doc.apply(edit.replace_at(self.doc.plan, ("phases", 0, "nodes", 0, "count"), count), "count",
                       "count")

    @rule(pue=st.floats(0.5, 3.0, allow_nan=False))
    def edit_pue(self, pue):
        self.doc.apply(edit.replace_at(self.doc.plan, ("facility", "pue"), pue), "pue", "pue")

    @rule()
    def add_phase(self):
        names = [p.name for p in self.doc.plan.phases]
        phase = planner.plan.Phase(name=edit.unique_name(names, "Extra"))
        self.doc.apply(edit.insert_at(self.doc.plan, ("phases",), len(names), phase), "add")

    @rule()
    def remove_first_phase(self):
        self.doc.apply(edit.remove_at(self.doc.plan, ("phases",), 0), "remove")

    @rule()
    def undo(self):
        self.doc.undo_stack.undo()

    @rule()
    def redo(self):
        self.doc.undo_stack.redo()

    @rule()
    def save(self):
        self.doc.save(self.path)
        assert planner.load(self.path) == self.doc.plan

    @precondition(lambda self: os.path.exists(self.path))
    @rule()
    def load(self):
        self.doc.load_file(self.path)
        self.base = self.doc.plan

    @invariant()
    def plan_is_always_valid_and_evaluated(self):
        assert edit.check(self.doc.plan) == []
        self.doc.recompute_now()
        assert self.doc.results is not None and self.doc.results.name == self.doc.plan.name

    def teardown(self):
        while self.doc.undo_stack.canUndo():
            self.doc.undo_stack.undo()
        assert self.doc.plan == self.base
        shutil.rmtree(self.folder, ignore_errors=True)
        import shiboken6

        shiboken6.delete(self.doc)  # free the Qt object now, not in the interpreter's final collection


DocumentMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None,
                                             suppress_health_check=[HealthCheck.too_slow])
test_document_state_machine = DocumentMachine.TestCase
