"""A workload's run time against its GPU count, for any kind: its evaluator run on the same
phase with the workload's ``gpus`` replaced (the machine description is computed once)."""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import catalog as _catalog
from ..model.cluster import phase_result
from ..model.context import WorkloadContext
from . import evaluator_of


def gpu_counts(online: int, points: int = 48) -> np.ndarray:
    """Log-spaced GPU counts from 1/16 of those online to 4 x, always including ``online``."""
    online = max(online, 1)
    counts = np.unique(np.round(np.geomspace(max(1, online / 16), online * 4, points)).astype(int))
    return np.unique(np.append(counts, online))


def time_vs_gpus(plan, workload: int, counts=None) -> tuple[np.ndarray, np.ndarray]:
    """(GPU counts, run time in seconds) for workload number ``workload`` of the plan."""
    w = plan.workloads[workload]
    cat = _catalog.for_plan(plan)
    index = plan.workload_phase(w)
    phase = phase_result(plan, cat, index)
    if counts is None:
        counts = gpu_counts(phase.gpus)
    kind = evaluator_of(w)
    times = np.array([kind.evaluate(WorkloadContext(plan, cat, workload, dataclasses.replace(w, gpus=int(n)), index,
                                                    phase)).time_s for n in counts], dtype=float)
    return np.asarray(counts, dtype=float), times
