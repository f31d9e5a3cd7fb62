"""The document: the plan being edited, its file, its undo stack and its latest results.

Widgets never change the plan themselves: they call ``apply`` (which pushes a command) and
listen to ``plan_changed`` / ``results_ready``. Bursts of edits are coalesced by a zero-delay
single-shot timer, so the model runs once per event-loop turn, on the GUI thread (it takes
well under a millisecond; see benchmarks/).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

import planner
from planner import edit
from planner.errors import PlanError

from .commands import ReplacePlanCommand


class FileChangedError(Exception):
    """The file on disk changed since this document loaded or saved it."""


def _digest(path: Path | None) -> str | None:
    try:
        if path is None or not path.is_file():  # a FIFO or device is never opened (it could block)
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class PlanDocument(QObject):
    plan_changed = Signal(object)
    results_ready = Signal(object)
    path_changed = Signal(object)
    modified_changed = Signal(bool)
    evaluation_failed = Signal(str)  # the model could not evaluate the plan: results are None

    def __init__(self, plan: planner.Plan, path: Path | None = None, parent=None):
        super().__init__(parent)
        self._plan = plan
        self._path = Path(path) if path else None
        self._results = None
        self.failure = ""  # why the current plan has no results, when it has none
        self._disk = _digest(self._path)  # what the file held when we last read or wrote it
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.recompute_now)
        self.recompute_now()

    def _on_undo_stack_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    # -- state ---------------------------------------------------------------------------
    @property
    def plan(self) -> planner.Plan:
        return self._plan

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def results(self):
        return self._results

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    # -- edits -----------------------------------------------------------------------------
    def apply(self, new_plan: planner.Plan, text: str, merge_key: str | None = None) -> list:
        """Push an edit. Returns the problems that stop it (and pushes nothing) if the new plan
        would not load, e.g. a workload naming a phase that no longer exists. The checks run on
        the plan itself (planner.edit.problems), not through YAML."""
        if new_plan == self._plan:
            return []
        problems = edit.problems(new_plan)
        if problems:
            return problems
        self.undo_stack.push(ReplacePlanCommand(self, self._plan, new_plan, text, merge_key))
        return []

    def run(self, operation, *args, text: str, merge_key: str | None = None) -> list:
        """Apply a named operation of planner.edit (``edit.set_field``, ...) to the current plan
        and push its result; the problems that stop it otherwise (nothing pushed)."""
        try:
            new_plan = operation(self._plan, *args)
        except PlanError as exc:
            return exc.problems
        if isinstance(new_plan, tuple):  # operations that also return what they made
            new_plan = new_plan[0]
        if new_plan == self._plan:
            return []
        self.undo_stack.push(ReplacePlanCommand(self, self._plan, new_plan, text, merge_key))
        return []

    def _set_state(self, plan: planner.Plan, path: Path | None) -> None:
        """Called by undo commands only: the plan and the file it belongs to."""
        if path != self._path:
            self._path = path
            self._disk = _digest(path)
            self.path_changed.emit(path)
        self._set_plan(plan)

    def _set_plan(self, plan: planner.Plan) -> None:
        self._plan = plan
        self.plan_changed.emit(plan)
        self._timer.start()

    def recompute_now(self) -> None:
        self._timer.stop()
        try:
            self._results = planner.evaluate(self._plan)
            self.failure = ""
        except PlanError as exc:  # a plan built or restored outside the checked edits
            self._fail(f"The plan cannot be evaluated: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - a model bug must not lose the user's edits
            self._fail(f"The model failed on this plan ({type(exc).__name__}: {exc}); no figures are shown.")
            return
        self.results_ready.emit(self._results)

    def _fail(self, reason: str) -> None:
        """No figures of another plan may stay on screen: views get None and the reason."""
        self._results = None
        self.failure = reason
        self.evaluation_failed.emit(reason)
        self.results_ready.emit(None)

    # -- files -----------------------------------------------------------------------------
    def load_file(self, path) -> None:
        """Open a plan file; PlanError (and the current plan untouched) if it is bad."""
        plan = planner.load(path)
        self.undo_stack.clear()
        self._path = Path(path)
        self._disk = _digest(self._path)
        self._set_plan(plan)
        self.undo_stack.setClean()
        self.modified_changed.emit(False)
        self.path_changed.emit(self._path)

    def load_plan(self, plan: planner.Plan, text: str) -> None:
        """Replace the plan with another (a preset) as one undoable step; the file is forgotten,
        and undo brings back both the old plan and its file."""
        self.undo_stack.push(ReplacePlanCommand(self, self._plan, plan, text, path_after=None))

    def disk_changed(self) -> bool:
        """True when the open file was changed on disk by someone else since we read or wrote it."""
        if self._path is None or not self._path.exists():
            return False
        return _digest(self._path) != self._disk

    def save(self, path=None, overwrite_changed: bool = False, overwrite_readonly: bool = False) -> None:
        """Save to ``path`` (or the current file); OSError if it fails, and the document stays
        modified. FileChangedError, and nothing written, if the current file changed on disk since
        it was read, unless ``overwrite_changed``: a newer file is never silently overwritten."""
        target = Path(path) if path else self._path
        if target is None:
            raise ValueError("no file to save to")
        if not overwrite_changed and self._path is not None and target.resolve() == self._path.resolve() \
                and self.disk_changed():
            raise FileChangedError(str(target))
        planner.save(self._plan, target, overwrite_readonly=overwrite_readonly)
        self._path = target
        self._disk = _digest(target)
        self.undo_stack.setClean()
        self.path_changed.emit(self._path)

    def restore(self, plan: planner.Plan, path: Path | None) -> None:
        """Put recovered edits back as one undoable step, on the file they belong to."""
        self.undo_stack.push(ReplacePlanCommand(self, self._plan, plan, "Restore unsaved edits",
                                                path_after=Path(path) if path else None))
