"""Warnings with codes, each pointing at the plan field a person would change."""

from __future__ import annotations

from ..units import format_quantity as q
from .results import PhaseResult, Warning, WorkloadResult

# The highest utilisation in the published runs we cite: Megatron-LM's 1T model at 52% of
# peak in hardware FLOPs (SC21, Table 1); PaLM 46.2% MFU. Above this, a plan is optimistic.
MFU_PUBLISHED_MAX = 0.55

CODES = {
    "over-power-budget": "facility power above the power budget",
    "rack-over-cooling-limit": "rack power provisioned above what the cooling removes",
    "node-over-rack-limit": "one node draws more than a rack is provisioned for",
    "gpus-exceed-online": "a workload asks for more accelerators than are online",
    "dataset-exceeds-storage": "the dataset does not fit in the storage online",
    "storage-bound": "a run bound by storage reads rather than compute",
    "no-storage": "a run reads data but no storage is online",
    "mfu-above-published": "an MFU above what any published large run reached",
    "fabric-too-large": "more endpoints than the fabric can connect",
    "price-unknown": "components without a price: capex is incomplete",
    "layout-does-not-fit": "the parallel layout needs more accelerator memory than there is",
    "layout-leaves-gpus-idle": "tensor x pipeline x data uses fewer accelerators than the run has",
    "failures-prevent-progress": "failures arrive faster than the run recovers from them: it never finishes",
}


def cluster_warnings(plan, catalog, last: PhaseResult) -> list[Warning]:
    out = []
    f = plan.facility
    p = last.power
    if f.power_budget_w is not None and p.facility_w > f.power_budget_w:
        out.append(Warning("over-power-budget",
                           f"Facility draws {q(p.facility_w, 'power')} under training load, over the "
                           f"{q(f.power_budget_w, 'power')} budget", "facility.power_budget"))
    r = last.racks
    if f.rack_power_limit_w is not None and f.rack_power_limit_w > r.cooling_limit_w:
        out.append(Warning("rack-over-cooling-limit",
                           f"Racks provisioned for {q(f.rack_power_limit_w, 'power')}, but {r.cooling} cooling "
                           f"removes at most {q(r.cooling_limit_w, 'power')} per rack", "facility.rack_power_limit"))
    for i, phase in enumerate(plan.phases):
        for j, g in enumerate(phase.nodes):
            system = catalog.systems[g.system]
            if system.max_power_w > r.limit_w:
                out.append(Warning("node-over-rack-limit",
                                   f"One {system.id} draws up to {q(system.max_power_w, 'power')}, over the "
                                   f"{q(r.limit_w, 'power')} rack limit", f"phases[{i}].nodes[{j}].system"))
    n = last.network
    if n.endpoints > n.max_endpoints:
        out.append(Warning("fabric-too-large",
                           f"{n.endpoints:,} endpoints exceed the {n.max_endpoints:,} that {n.levels} levels of "
                           f"{n.fabric} switches connect", "network.fabric"))
    if last.cost.unpriced:
        out.append(Warning("price-unknown", "No price in the catalog for: " + ", ".join(last.cost.unpriced),
                           "catalog"))
    return out


def workload_warnings(index: int, w: WorkloadResult, phase: PhaseResult) -> list[Warning]:
    out = []
    path = f"workloads[{index}]"
    if w.gpus > w.gpus_online:
        out.append(Warning("gpus-exceed-online",
                           f"{w.name}: asks for {w.gpus:,} accelerators; {w.gpus_online:,} are online at "
                           f"{w.phase}", path + ".gpus"))
    pr = w.predicted
    if pr is not None and not pr.fits:
        out.append(Warning("layout-does-not-fit",
                           f"{w.name}: layout {pr.layout.text()} needs {q(pr.memory_per_gpu_bytes, 'bytes')} per "
                           f"accelerator, more than the {q(pr.memory_capacity_bytes, 'bytes')} usable",
                           path + ".parallelism"))
    if pr is not None and pr.gpus_used < w.gpus:
        out.append(Warning("layout-leaves-gpus-idle",
                           f"{w.name}: layout {pr.layout.text()} uses {pr.gpus_used:,} of {w.gpus:,} accelerators",
                           path + ".parallelism"))
    if pr is not None and pr.failures.progress_impossible:
        f = pr.failures
        out.append(Warning("failures-prevent-progress",
                           f"{w.name}: never finishes on {pr.gpus_used:,} accelerators: {f.reason()}. Use at most "
                           f"{int(f.max_gpus):,} accelerators (workload gpus), or write checkpoints faster (storage "
                           f"write bandwidth)", path + ".gpus"))
    if w.mfu > MFU_PUBLISHED_MAX:
        out.append(Warning("mfu-above-published",
                           f"{w.name}: MFU {w.mfu:.0%} is above the {MFU_PUBLISHED_MAX:.0%} that published large "
                           f"runs reached", path + ".mfu"))
    if w.io_bytes > 0 and phase.storage.read_bandwidth_bytes_per_s == 0:
        out.append(Warning("no-storage", f"{w.name}: reads {q(w.io_bytes, 'bytes')} but no storage is online "
                                         f"at {w.phase}", path + ".dataset"))
    elif w.bound == "storage" and w.total_flops > 0:
        out.append(Warning("storage-bound",
                           f"{w.name}: storage reads take {q(w.io_time_s, 'time')}, longer than the "
                           f"{q(w.compute_time_s, 'time')} of compute", path + ".dataset"))
    return out


def dataset_warning(index: int, name: str, size_bytes: float, phase: PhaseResult) -> list[Warning]:
    if size_bytes > phase.storage.capacity_bytes:
        return [Warning("dataset-exceeds-storage",
                        f"{name}: dataset of {q(size_bytes, 'bytes')} does not fit in the "
                        f"{q(phase.storage.capacity_bytes, 'bytes')} of storage online at {phase.name}",
                        f"workloads[{index}].dataset.size")]
    return []
