"""What the hardware online at one phase delivers: accelerators, peak FLOP/s, power, racks,
storage and cost. Phases are cumulative: a phase's cluster is every node group and storage
tier of that phase and all before it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..catalog import Catalog
from . import network as _network
from .machine import describe
from .results import CostResult, PhaseResult, PowerResult, RackResult, StorageResult

if TYPE_CHECKING:
    from ..plan import Plan

SECONDS_PER_YEAR = 365 * 86400


MAX_UNPRICED_NAMES = 20  # names listed in CostResult.unpriced; more are counted, not listed


def phase_result(plan: Plan, catalog: Catalog, index: int) -> PhaseResult:
    return phase_results(plan, catalog, upto=index)[index]


def phase_results(plan: Plan, catalog: Catalog, upto: int | None = None) -> tuple[PhaseResult, ...]:
    """Every phase's cluster, in one pass: work grows linearly with the plan (each phase adds
    its own node groups and tiers to running totals)."""
    facility = plan.facility
    cooling = catalog.cooling[facility.cooling]
    fabric = catalog.fabrics[plan.network.fabric]
    limit_w = facility.rack_power_limit_w or cooling.rack_power_limit_w
    pue = facility.pue or cooling.typical_pue
    net_switch = catalog.switches[plan.network.switch] if plan.network.switch else None
    net_top = catalog.switches[plan.network.top_switch] if plan.network.top_switch else None
    gpus = nodes = endpoints = racks = rails = rail_ports = 0
    peak: dict = {}
    sparse: dict = {}
    systems: dict = {}  # system id -> accelerators
    accelerators: dict = {}  # accelerator id -> accelerators
    mfu_sum = 0.0
    acc_w = acc_max_w = node_w = node_max_w = nodes_usd = 0.0
    densest = (0, 0.0, 0.0)  # nodes per rack, rack power under load, at max
    tiers = 0
    capacity = read_bw = write_bw = storage_w = storage_usd = 0.0
    unpriced: dict = {}  # name -> None, in order (a set that keeps order)
    unpriced_more = 0
    fabric_unpriced = fabric.switch_price_usd is None or fabric.optic_price_usd is None

    def note_unpriced(name: str) -> None:
        nonlocal unpriced_more
        if name in unpriced:
            return
        if len(unpriced) < MAX_UNPRICED_NAMES:
            unpriced[name] = None
        else:
            unpriced_more += 1

    out = []
    last_index = len(plan.phases) - 1 if upto is None else upto
    for phase in plan.phases[: last_index + 1]:
        for g in phase.nodes:
            system = catalog.systems[g.system]
            acc = catalog.accelerators[system.accelerator]
            n_acc = g.count * system.accelerators
            gpus += n_acc
            nodes += g.count
            endpoints += g.count * system.ports
            rails, rail_ports = max(rails, system.rails), max(rail_ports, system.ports_per_rail)
            systems[system.id] = systems.get(system.id, 0) + n_acc
            accelerators[acc.id] = accelerators.get(acc.id, 0) + n_acc
            mfu_sum += n_acc * (acc.typical_mfu if acc.typical_mfu is not None else 0.4)
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
                note_unpriced(system.id)
            else:
                nodes_usd += g.count * system.price_usd
            # Racks are provisioned for the nodes' maximum power, and limited by rack units; a
            # rack-scale system (NVL72) is a rack of its own.
            per_rack = min(int(limit_w // system.max_power_w), facility.rack_units // system.rack_units)
            per_rack = 1 if system.rack_scale else max(per_rack, 1)
            racks += math.ceil(g.count / per_rack)
            load = per_rack * typical
            if load > densest[1]:
                densest = (per_rack, load, per_rack * system.max_power_w)
        for t in phase.storage:
            tiers += 1
            capacity += t.capacity_bytes
            read_bw += t.read_bandwidth_bytes_per_s
            write_bw += t.write_bandwidth_bytes_per_s or 0.0
            storage_w += t.power_w
            if t.price_usd is None:
                note_unpriced(f"storage tier '{t.name}'")
            else:
                storage_usd += t.price_usd
        if fabric_unpriced and endpoints:
            note_unpriced(fabric.id)

        net = _network.size(fabric, plan.network.topology, endpoints, gpus, plan.network.oversubscription,
                            nodes=nodes, rails=rails, scalable_unit=plan.network.scalable_unit, switch=net_switch,
                            top_switch=net_top, ports_per_rail=rail_ports or 1)
        storage = StorageResult(tiers=tiers, capacity_bytes=capacity, read_bandwidth_bytes_per_s=read_bw,
                                write_bandwidth_bytes_per_s=write_bw, power_w=storage_w)
        it_w = acc_w + node_w + net.power_w + storage_w
        it_max_w = acc_max_w + node_max_w + net.power_w + storage_w
        power = PowerResult(
            accelerators_w=acc_w,
            node_other_w=node_w,
            network_w=net.power_w,
            storage_w=storage_w,
            it_w=it_w,
            accelerators_max_w=acc_max_w,
            node_other_max_w=node_max_w,
            it_max_w=it_max_w,
            pue=pue,
            facility_w=it_w * pue,  # PUE = facility power / IT power (The Green Grid)
            facility_max_w=it_max_w * pue,
            cooling_overhead_w=it_w * (pue - 1),
        )
        energy_year = power.facility_w * SECONDS_PER_YEAR
        names = tuple(unpriced) + ((f"{unpriced_more:,} more",) if unpriced_more else ())
        cost = CostResult(
            capex_usd=nodes_usd + net.capex_usd + storage_usd,
            nodes_usd=nodes_usd,
            network_usd=net.capex_usd,
            storage_usd=storage_usd,
            energy_per_year_j=energy_year,
            opex_usd_per_year=energy_year * facility.electricity_price_usd_per_j,
            unpriced=names,
        )
        rack = RackResult(racks=racks, nodes_per_rack=densest[0], rack_power_w=densest[1],
                          rack_power_max_w=densest[2], limit_w=limit_w, cooling=cooling.id,
                          cooling_limit_w=cooling.rack_power_limit_w)
        machine = describe(catalog, systems, accelerators, gpus, peak, mfu_sum, net, it_w)
        out.append(PhaseResult(phase.name, phase.online, gpus, nodes, dict(peak), dict(sparse), power, net, rack,
                               storage, cost, machine))
    return tuple(out)
