"""Warnings with codes, each pointing at the plan field a person would change."""

from __future__ import annotations

from ..units import format_quantity as q
from .results import PhaseResult, Warning

CODES = {
    "over-power-budget": "facility power above the power budget",
    "rack-over-cooling-limit": "rack power provisioned above what the cooling removes",
    "node-over-rack-limit": "one node draws more than a rack is provisioned for",
    "fabric-too-large": "more endpoints than the fabric can connect",
    "needs-liquid-cooling": "a system that needs liquid cooling at the chip (an NVL72 rack) under air cooling",
    "switch-slower-than-fabric": "a switch model whose ports are slower than the fabric's links",
    "price-unknown": "components without a price: capex is incomplete",
    "mixed-accelerators": "more than one accelerator type online: per-GPU figures are averages",
    "workloads-exceed-gpus": "always-on workloads (serving) plus the largest run of a phase need more accelerators "
                             "than it has",
}


def cluster_warnings(plan, catalog, phases: tuple) -> list[Warning]:
    last: PhaseResult = phases[-1]
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
    seen = set()  # one warning per system type, at its first node group
    liquid = catalog.cooling[f.cooling].liquid
    for i, phase in enumerate(plan.phases):
        for j, g in enumerate(phase.nodes):
            system = catalog.systems[g.system]
            if system.id in seen:
                continue
            seen.add(system.id)
            if system.max_power_w > r.limit_w:
                out.append(Warning("node-over-rack-limit",
                                   f"One {system.id} draws up to {q(system.max_power_w, 'power')}, over the "
                                   f"{q(r.limit_w, 'power')} rack limit", f"phases[{i}].nodes[{j}].system"))
            if system.cooling == "liquid" and not liquid:
                out.append(Warning("needs-liquid-cooling",
                                   f"{system.id} needs liquid cooling at the chip ({q(system.max_power_w, 'power')} "
                                   f"per {'rack' if system.rack_scale else 'system'}); {f.cooling} cooling does not "
                                   "provide it: choose liquid or immersion", "facility.cooling"))
    n = last.network
    if n.endpoints > n.max_endpoints:
        out.append(Warning("fabric-too-large",
                           f"{n.endpoints:,} endpoints exceed the {n.max_endpoints:,} that {n.levels} levels of "
                           f"{n.fabric} switches connect", "network.fabric"))
    fabric = catalog.fabrics[plan.network.fabric]
    for key in ("switch", "top_switch"):
        sid = getattr(plan.network, key)
        if sid is not None and catalog.switches[sid].port_speed_bytes_per_s < fabric.port_speed_bytes_per_s:
            out.append(Warning("switch-slower-than-fabric",
                               f"{sid} ports run at {q(catalog.switches[sid].port_speed_bytes_per_s, 'bitrate')}, "
                               f"slower than the {q(fabric.port_speed_bytes_per_s, 'bitrate')} links of "
                               f"{fabric.id}", f"network.{key}"))
    m = last.machine
    if m.mixed:
        mix = ", ".join(f"{n:,} {a}" for a, n in m.accelerators)
        out.append(Warning("mixed-accelerators",
                           f"Mixed accelerators online ({mix}): per-GPU figures and workloads use their average "
                           f"or the most numerous ({m.accelerator}); plan a run on one type with its own phase",
                           "phases"))
    if last.cost.unpriced:
        out.append(Warning("price-unknown", "No price in the catalog for: " + ", ".join(last.cost.unpriced),
                           "catalog"))
    return out


def shared_gpu_warnings(plan, phases: tuple, uses: list) -> list[Warning]:
    """Workloads sharing a phase: those that hold their accelerators all the time (serving)
    add up, and a run (training) needs room beside them. ``uses``: (workload index, phase index,
    accelerators, continuous) per workload."""
    out = []
    for p, phase in enumerate(phases):
        here = [u for u in uses if u[1] == p]
        always = [u for u in here if u[3]]
        if not always:
            continue
        runs = [u for u in here if not u[3]]
        largest = max(runs, key=lambda u: u[2], default=None)
        need = sum(u[2] for u in always) + (largest[2] if largest else 0)
        if need <= phase.gpus:
            continue
        names = [plan.workloads[u[0]].name for u in always]
        text = f"{', '.join(names)} hold{'s' if len(names) == 1 else ''} {sum(u[2] for u in always):,} accelerators"
        if largest is not None:
            text += f" and {plan.workloads[largest[0]].name} runs on {largest[2]:,}"
            where = f"workloads[{largest[0]}].gpus"
        else:
            where = f"workloads[{always[0][0]}].gpus"
        out.append(Warning("workloads-exceed-gpus", f"{text}: {need:,} in all, more than the {phase.gpus:,} online "
                                                    f"at {phase.name}", where))
    return out
