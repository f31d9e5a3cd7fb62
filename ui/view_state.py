"""What the person is looking at, apart from the plan: the selected workload and precision,
and the baseline design pinned to compare with. One small observed object, as glue's state classes and
napari's evented models: panels read it and listen to ``changed``; none reads another's widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class Baseline:
    """A design pinned to compare with: its name, plan and results, as they were when pinned."""

    name: str
    plan: Any  # planner.Plan
    results: Any  # planner.Results


class ViewState(QObject):
    changed = Signal()  # workload or precision changed
    baseline_changed = Signal()  # a baseline pinned or cleared

    def __init__(self, precision: str = "bf16", parent=None):
        super().__init__(parent)
        self._workload = 0
        self._precision = precision
        self._baseline: Baseline | None = None

    @property
    def workload(self) -> int:
        """Index of the selected workload in the plan (0 when there is none)."""
        return self._workload

    @property
    def precision(self) -> str:
        return self._precision

    def set(self, workload: int | None = None, precision: str | None = None) -> None:
        """Change the selection; ``changed`` is emitted once, and only when something changed."""
        new_workload = self._workload if workload is None else max(int(workload), 0)
        new_precision = self._precision if not precision else precision
        if (new_workload, new_precision) == (self._workload, self._precision):
            return
        self._workload, self._precision = new_workload, new_precision
        self.changed.emit()

    def clamp(self, workloads: int) -> None:
        """Keep the selection inside a plan of ``workloads`` workloads (after a removal or undo)."""
        if workloads and self._workload >= workloads:
            self.set(workload=workloads - 1)
        elif not workloads and self._workload:
            self.set(workload=0)

    @property
    def baseline(self) -> Baseline | None:
        """The pinned baseline design, or None."""
        return self._baseline

    def set_baseline(self, baseline: Baseline | None) -> None:
        """Pin a baseline (None clears it); ``baseline_changed`` is emitted when it changes."""
        if baseline is self._baseline:
            return
        self._baseline = baseline
        self.baseline_changed.emit()
