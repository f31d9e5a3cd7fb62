"""evaluate(plan) -> Results: pure, no I/O, no globals.

YAML -> Plan (planio) -> checks (validate) -> phases and their machine descriptions
(model/cluster, model/machine), computed once -> each workload by its kind's evaluator
(kinds/<kind>.py) -> Results, which every view reads.
"""

from __future__ import annotations

from . import catalog as _catalog
from .bulk import paused_gc
from .errors import PlanError
from .kinds import evaluator_of, kind_of
from .model import warnings as _warnings
from .model.cluster import phase_results
from .model.context import WorkloadContext
from .model.results import Results, Warning
from .model.tco import tco
from .plan import Plan
from .validate import findings, problems_of


def evaluate(plan: Plan) -> Results:
    """Everything the plan delivers. PlanError if the plan has errors (a plan loaded from a file
    or changed through planner.edit never has: they are refused there)."""
    with paused_gc():
        return _evaluate(plan)


def _evaluate(plan: Plan) -> Results:
    cat = _catalog.for_plan(plan)
    found = findings(plan, cat)
    errors = [f for f in found if f.severity == "error"]
    if errors:
        raise PlanError(problems_of(errors, "<plan>"))
    phases = phase_results(plan, cat)
    last = phases[-1]
    warnings = _warnings.cluster_warnings(plan, cat, phases)
    warnings += [Warning(f.code, f.expected, _path_text(f.path)) for f in found]
    workloads = []
    uses = []  # (workload, phase, accelerators, always on): a phase's accelerators shared between kinds
    for i, w in enumerate(plan.workloads):
        index = plan.workload_phase(w)
        kind = evaluator_of(w)
        result = kind.evaluate(WorkloadContext(plan, cat, i, w, index, phases[index]))
        workloads.append(result)
        warnings += kind.warnings(i, result, phases[index], w)
        uses.append((i, index, result.gpus, kind_of(w).continuous))
    warnings += _warnings.shared_gpu_warnings(plan, phases, uses)
    return Results(
        name=plan.name,
        gpus=last.gpus,
        nodes=last.nodes,
        peak_flops=last.peak_flops,
        sparse_flops=last.sparse_flops,
        power=last.power,
        network=last.network,
        racks=last.racks,
        storage=last.storage,
        cost=last.cost,
        phases=phases,
        workloads=tuple(workloads),
        warnings=tuple(warnings),
        tco=tco(plan, phases, tuple(workloads)),
    )


def _path_text(path: tuple) -> str:
    from .yamlio import format_path

    return format_path(path)
