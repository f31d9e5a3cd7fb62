"""What a workload kind's evaluator and checks receive: the plan, the catalog, the workload and
the phase it runs on (with that phase's machine description, computed once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .results import PhaseResult


@dataclass(frozen=True)
class WorkloadContext:
    plan: Any  # planner.plan.Plan
    catalog: Any  # planner.catalog.Catalog
    index: int  # the workload's position in plan.workloads
    workload: Any  # its plan section (planner/kinds/<kind>_plan.py)
    phase_index: int
    phase: PhaseResult


@dataclass(frozen=True)
class CheckContext:
    """For cross-field checks, which run before the model: counts only, no model results."""

    plan: Any
    catalog: Any
    index: int
    workload: Any
    phase_index: int
    gpus_online: int  # accelerators online at the workload's phase
    gpus_per_node: int  # scale-up domain of the phase's most numerous system (8 for DGX, 72 for NVL72)
    accelerators: tuple  # accelerator ids online at the phase
    path: tuple  # ("workloads", index)

    def min_peak(self, precision: str) -> float:
        """The lowest dense peak per accelerator online at this precision (0 if one lacks it)."""
        rates = [self.catalog.accelerators[a].peak_flops.get(precision, 0.0) for a in self.accelerators]
        return min(rates) if rates else 0.0
