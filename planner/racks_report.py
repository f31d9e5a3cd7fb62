"""Racks, cooling and floor space for each phase, and a mixed cluster's figures per generation
of accelerator, as rows a person reads (the desktop app's Racks and cooling tab). Figures come
from ``Results``; the per-generation split re-reads the plan's node groups with the catalog, by
the same rules as planner/model/cluster.py (a test checks the two agree)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import catalog as _catalog
from .units import format_quantity as q

__all__ = ["FLOOR_M2_PER_RACK", "FLOOR_SOURCE", "Generation", "floor_area_m2", "generations", "rack_table"]

# Assumption: white-space floor per rack including its share of the hot and cold aisles. Rule of
# thumb 25-30 sq ft (2.3-2.8 m^2) per rack (Schneider Electric White Paper 155, "Calculating
# Space and Power Density Requirements for Data Centers"); the OpenDCME model counts 2 m^2 for a
# 60 x 100 cm rack with its service area. Power and cooling plant add about as much again.
FLOOR_M2_PER_RACK = 2.5
FLOOR_SOURCE = ("assumption: 2.5 m² per rack including aisles (rule of thumb 25-30 sq ft, Schneider Electric "
                "White Paper 155); compute racks only, plant rooms not included")


def floor_area_m2(racks: int) -> float:
    return racks * FLOOR_M2_PER_RACK


def _kw(w: float) -> str:
    return q(w, "power")


def rack_table(plan, results) -> tuple[list[str], list[tuple[str, list[str], str]]]:
    """(phase names, rows): each a label, its text per phase and how it is computed."""
    phases = results.phases
    f = plan.facility
    pinned = f.rack_power_limit_w is not None

    def row(label: str, tip: str, fn):
        return (label, [fn(ph) for ph in phases], tip)

    def headroom(ph) -> str:
        r = ph.racks
        if not r.limit_w:
            return "—"
        share = r.rack_power_max_w / r.limit_w
        return f"{share:.0%} at maximum" + (" — over" if share > 1 + 1e-9 else "")

    rows = [
        row("Compute racks",
            "Σ over node groups of ⌈nodes / nodes per rack⌉ (network and storage racks not counted)",
            lambda ph: f"{ph.racks.racks:,}"),
        row("Nodes per rack (densest group)",
            "min(⌊rack power limit / node max power⌋, ⌊rack units / node height⌋)",
            lambda ph: f"{ph.racks.nodes_per_rack}"),
        row("kW per rack under training load", "Nodes per rack x the system's typical power (densest rack)",
            lambda ph: _kw(ph.racks.rack_power_w)),
        row("kW per rack at maximum", "Nodes per rack x the system's maximum power: what the rack is provisioned for",
            lambda ph: _kw(ph.racks.rack_power_max_w)),
        row("Provisioned limit per rack",
            "facility.rack_power_limit if the plan sets it, else the cooling type's limit (catalog)",
            lambda ph: _kw(ph.racks.limit_w) + (" (plan)" if pinned else " (cooling)")),
        row("Cooling and its rack limit", "facility.cooling: the highest rack density it removes (catalog)",
            lambda ph: f"{ph.racks.cooling}, {_kw(ph.racks.cooling_limit_w)}"),
        row("Share of the limit", "kW per rack at maximum / provisioned limit", headroom),
        row(f"Floor space ({FLOOR_M2_PER_RACK:g} m² per rack, assumed)", FLOOR_SOURCE,
            lambda ph: f"{floor_area_m2(ph.racks.racks):,.0f} m²"),
        row("Facility power under load", "IT power under training load x PUE", lambda ph: _kw(ph.power.facility_w)),
        row("Facility power at maximum", "IT power at maximum x PUE", lambda ph: _kw(ph.power.facility_max_w)),
    ]
    return [ph.name for ph in phases], rows


@dataclass(frozen=True)
class Generation:
    """The accelerators of one type online at a phase, and what they deliver."""

    accelerator: str
    systems: tuple  # system ids
    gpus: int
    nodes: int
    share: float  # of the phase's accelerators
    peak_per_gpu: float  # dense FLOP/s at the precision
    peak: float
    memory_bytes: float
    memory_bandwidth_bytes_per_s: float
    typical_mfu: float | None
    racks: int
    rack_power_w: float  # densest rack of this generation under load
    power_w: float  # the nodes under training load


def generations(plan, results, phase_index: int, precision: str) -> list[Generation]:
    """Per accelerator type, most numerous first: the node groups of the phase and all before
    it (phases are cumulative), grouped by their system's accelerator."""
    cat = _catalog.for_plan(plan)
    f = plan.facility
    limit_w = f.rack_power_limit_w or cat.cooling[f.cooling].rack_power_limit_w
    index = phase_index % len(plan.phases)
    by: dict[str, dict] = {}
    for phase in plan.phases[: index + 1]:
        for g in phase.nodes:
            system = cat.systems[g.system]
            acc = cat.accelerators[system.accelerator]
            e = by.setdefault(acc.id, {"acc": acc, "systems": [], "gpus": 0, "nodes": 0, "racks": 0, "rack_w": 0.0,
                                       "power": 0.0})
            if system.id not in e["systems"]:
                e["systems"].append(system.id)
            typical = system.typical_power_w or system.max_power_w
            per_rack = max(min(int(limit_w // system.max_power_w), f.rack_units // system.rack_units), 1)
            e["gpus"] += g.count * system.accelerators
            e["nodes"] += g.count
            e["racks"] += math.ceil(g.count / per_rack)
            e["rack_w"] = max(e["rack_w"], per_rack * typical)
            e["power"] += g.count * typical
    total = results.phases[index].gpus or 1
    out = []
    for acc_id, e in by.items():
        acc = e["acc"]
        per_gpu = acc.peak_flops.get(precision, 0.0)
        out.append(Generation(acc_id, tuple(e["systems"]), e["gpus"], e["nodes"], e["gpus"] / total, per_gpu,
                              per_gpu * e["gpus"], acc.memory_bytes, acc.memory_bandwidth_bytes_per_s or 0.0,
                              acc.typical_mfu, e["racks"], e["rack_w"], e["power"]))
    return sorted(out, key=lambda g: -g.gpus)
