"""What the hardware online at one phase delivers: accelerators, peak FLOP/s, power, racks,
storage and cost. Phases are cumulative: a phase's cluster is every node group and storage
tier of that phase and all before it."""

from __future__ import annotations

import math

from ..catalog import Catalog
from ..plan import Plan
from . import network as _network
from .results import CostResult, PhaseResult, PowerResult, RackResult, StorageResult

SECONDS_PER_YEAR = 365 * 86400


def phase_result(plan: Plan, catalog: Catalog, index: int) -> PhaseResult:
    phases = plan.phases[: index + 1]
    groups = [g for p in phases for g in p.nodes]
    tiers = [t for p in phases for t in p.storage]
    facility = plan.facility
    cooling = catalog.cooling[facility.cooling]

    gpus = nodes = endpoints = 0
    peak: dict = {}
    sparse: dict = {}
    acc_w = acc_max_w = node_w = node_max_w = 0.0
    nodes_usd = 0.0
    unpriced = []
    limit_w = facility.rack_power_limit_w or cooling.rack_power_limit_w
    racks = 0
    densest = (0, 0.0, 0.0)  # nodes per rack, rack power under load, at max
    for g in groups:
        system = catalog.systems[g.system]
        acc = catalog.accelerators[system.accelerator]
        n_acc = g.count * system.accelerators
        gpus += n_acc
        nodes += g.count
        endpoints += g.count * system.ports
        for prec, rate in acc.peak_flops.items():
            peak[prec] = peak.get(prec, 0.0) + n_acc * rate
        for prec, rate in (acc.sparse_flops or {}).items():
            sparse[prec] = sparse.get(prec, 0.0) + n_acc * rate
        typical = system.typical_power_w or system.max_power_w
        # Accelerators at TDP under a training load; the rest of the node is what remains of
        # the system's draw (CPUs, memory, NICs, fans, PSU losses).
        a_w = min(system.accelerators * acc.tdp_w, typical)
        acc_w += g.count * a_w
        node_w += g.count * (typical - a_w)
        a_max = min(system.accelerators * acc.tdp_w, system.max_power_w)
        acc_max_w += g.count * a_max
        node_max_w += g.count * (system.max_power_w - a_max)
        if system.price_usd is None:
            unpriced.append(system.id)
        else:
            nodes_usd += g.count * system.price_usd
        # Racks are provisioned for the nodes' maximum power, and limited by rack units.
        per_rack = min(int(limit_w // system.max_power_w), facility.rack_units // system.rack_units)
        per_rack = max(per_rack, 1)
        racks += math.ceil(g.count / per_rack)
        load = per_rack * typical
        if load > densest[1]:
            densest = (per_rack, load, per_rack * system.max_power_w)

    fabric = catalog.fabrics[plan.network.fabric]
    net = _network.size(fabric, plan.network.topology, endpoints, gpus, plan.network.oversubscription)
    if fabric.switch_price_usd is None or fabric.optic_price_usd is None:
        unpriced.append(fabric.id)

    storage = StorageResult(
        tiers=len(tiers),
        capacity_bytes=sum(t.capacity_bytes for t in tiers),
        read_bandwidth_bytes_per_s=sum(t.read_bandwidth_bytes_per_s for t in tiers),
        write_bandwidth_bytes_per_s=sum(t.write_bandwidth_bytes_per_s or 0.0 for t in tiers),
        power_w=sum(t.power_w for t in tiers),
    )
    it_w = acc_w + node_w + net.power_w + storage.power_w
    it_max_w = acc_max_w + node_max_w + net.power_w + storage.power_w
    pue = facility.pue or cooling.typical_pue
    power = PowerResult(
        accelerators_w=acc_w,
        node_other_w=node_w,
        network_w=net.power_w,
        storage_w=storage.power_w,
        it_w=it_w,
        accelerators_max_w=acc_max_w,
        node_other_max_w=node_max_w,
        it_max_w=it_max_w,
        pue=pue,
        facility_w=it_w * pue,  # PUE = facility power / IT power (The Green Grid)
        facility_max_w=it_max_w * pue,
        cooling_overhead_w=it_w * (pue - 1),
    )
    storage_usd = sum(t.price_usd or 0.0 for t in tiers)
    unpriced += [f"storage tier '{t.name}'" for t in tiers if t.price_usd is None]
    energy_year = power.facility_w * SECONDS_PER_YEAR
    cost = CostResult(
        capex_usd=nodes_usd + net.capex_usd + storage_usd,
        nodes_usd=nodes_usd,
        network_usd=net.capex_usd,
        storage_usd=storage_usd,
        energy_per_year_j=energy_year,
        opex_usd_per_year=energy_year * facility.electricity_price_usd_per_j,
        unpriced=tuple(dict.fromkeys(unpriced)),
    )
    rack = RackResult(
        racks=racks,
        nodes_per_rack=densest[0],
        rack_power_w=densest[1],
        rack_power_max_w=densest[2],
        limit_w=limit_w,
        cooling=cooling.id,
        cooling_limit_w=cooling.rack_power_limit_w,
    )
    last = plan.phases[index]
    return PhaseResult(last.name, last.online, gpus, nodes, peak, sparse, power, net, rack, storage, cost)
