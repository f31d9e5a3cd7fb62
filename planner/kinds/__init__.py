"""Workload kinds: the one seam through which a new kind of workload enters the planner.

A workload in a plan is tagged with ``kind:`` (``training`` when absent, so older plans load
unchanged). Each kind is a module pair plus one registration below:

- ``planner/kinds/<kind>_plan.py``: its plan section, a frozen dataclass of Spec fields with a
  ``kind`` class variable. The loader, the saver, the docs and the editor read it like any other.
- ``planner/kinds/<kind>.py``: its evaluator module, which defines

  - ``evaluate(ctx: WorkloadContext) -> WorkloadResult`` (its result detail is a subclass of
    ``planner.model.results.WorkloadResult``: shared headline fields plus its own);
  - ``check(ctx: CheckContext) -> list[Finding]``: its cross-field checks (errors and warnings);
  - ``warnings(index, result, phase) -> list[Warning]``: warnings that need its result;
  - ``summary_rows(result) -> list[(label, text)]``: its lines in every text output;
  - ``cards(result) -> dict``: the dashboard's workload cards (key -> (title, value, detail));
  - ``explain(plan, results, key, index)``: explanations of its figures, or None;
  - ``charts(plan, results, index) -> dict``: its chart descriptions (planner.charts);
  - optionally ``performance(plan, results, index)``: its Performance-tab view
    (planner.performance_view.PerformanceView: a summary, two charts, a ranked table).

A kind whose workloads hold their accelerators all the time (``continuous``: serving) is
counted with the others of its phase: the phase warns when they, plus its largest run, need
more accelerators than it has.

Every kind runs on the same machine description of its phase (``PhaseResult.machine``,
planner/model/machine.py), computed once per phase.

The evaluator module is imported on first use, so reading a plan never loads numpy or the
performance model.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from .serving_plan import ServingWorkload
from .training_plan import TrainingWorkload

DEFAULT_KIND = "training"
TAG = "kind"


@dataclass(frozen=True)
class Kind:
    name: str
    section: type  # the plan section dataclass
    module: str  # the evaluator module, imported on first use
    doc: str = ""
    continuous: bool = False  # holds its accelerators all the time, rather than running and ending

    def evaluator(self) -> ModuleType:
        return importlib.import_module(self.module)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    if kind.name in KINDS:
        raise ValueError(f"workload kind '{kind.name}' registered twice")  # our own bug
    KINDS[kind.name] = kind


register(Kind("training", TrainingWorkload, "planner.kinds.training",
              "a training run or a pass over a dataset"))
register(Kind("serving", ServingWorkload, "planner.kinds.serving", "a model served to a demand", continuous=True))


def workload_sections() -> tuple[str, str, dict[str, type]]:
    """(tag key, default tag, tag -> section class): how the reader picks a workload's type."""
    return TAG, DEFAULT_KIND, {name: k.section for name, k in KINDS.items()}


def kind_of(workload) -> Kind:
    """The registered kind of a workload section (its class's ``kind``)."""
    return KINDS[type(workload).kind]


def evaluator_of(workload) -> ModuleType:
    return kind_of(workload).evaluator()
