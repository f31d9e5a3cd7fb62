"""evaluate(plan) -> Results: pure, no I/O, no globals."""

from __future__ import annotations

from .. import catalog as _catalog
from ..plan import Plan
from . import warnings as _warnings
from .cluster import phase_result
from .results import Results
from .workload import evaluate_workload


def evaluate(plan: Plan) -> Results:
    cat = _catalog.for_plan(plan)
    phases = tuple(phase_result(plan, cat, i) for i in range(len(plan.phases)))
    last = phases[-1]
    warnings = _warnings.cluster_warnings(plan, cat, last)
    workloads = []
    for i, w in enumerate(plan.workloads):
        index = plan.phase_index(w.phase) if w.phase is not None else len(plan.phases) - 1
        phase = phases[index]
        result = evaluate_workload(plan, cat, w, index, phase)
        workloads.append(result)
        warnings += _warnings.workload_warnings(i, result, phase)
        if w.dataset is not None:
            warnings += _warnings.dataset_warning(i, w.name, w.dataset.size_bytes, phase)
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
    )
