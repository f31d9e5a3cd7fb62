"""The design editor's navigator, as data: each entry's path in the plan, its label and its
parent (``outline``), and the dataclass whose form edits the entry at a path (``class_at``)."""

from __future__ import annotations

from planner import catalog as _catalog
from planner.hardware import Accelerator, Cooling, Fabric, Switch, System
from planner.plan import Costs, Facility, Network, NodeGroup, Phase, Plan, StorageTier, Workload

CATALOG_CLASSES = {"accelerators": Accelerator, "systems": System, "fabrics": Fabric, "switches": Switch,
                   "cooling": Cooling}
LISTS = {"phases": Phase, "nodes": NodeGroup, "storage": StorageTier, "workloads": Workload}


def class_at(path: tuple, plan=None):
    """The dataclass shown for a navigator path, or None for a list/group node. With the plan,
    a workload's class is its kind's section (planner.kinds)."""
    if path == ("plan",):
        return Plan
    if path in (("network",), ("facility",), ("costs",)):
        return {"network": Network, "facility": Facility, "costs": Costs}[path[0]]
    if path and isinstance(path[-1], int):
        if path[0] == "catalog":
            return CATALOG_CLASSES[path[1]]
        if plan is not None and path[-2] == "workloads" and path[-1] < len(plan.workloads):
            return type(plan.workloads[path[-1]])
        return LISTS[path[-2]]
    return None


def outline(plan) -> list[tuple[tuple, str, tuple | None]]:
    """(path, label, parent path) of every navigator entry, in order."""
    out = []

    def add(parent, text, path):
        out.append((path, text, parent))
        return path

    add(None, f"Plan: {plan.name}", ("plan",))
    phases = add(None, f"Phases ({len(plan.phases)})", ("phases",))
    for i, ph in enumerate(plan.phases):
        when = f" — {ph.online.isoformat()}" if ph.online else ""
        p = add(phases, f"{ph.name}{when}", ("phases", i))
        nodes = add(p, f"Nodes ({sum(g.count for g in ph.nodes):,})", ("phases", i, "nodes"))
        for j, g in enumerate(ph.nodes):
            add(nodes, f"{g.count:,} x {g.system}", ("phases", i, "nodes", j))
        st = add(p, f"Storage ({len(ph.storage)})", ("phases", i, "storage"))
        for j, t in enumerate(ph.storage):
            add(st, t.name, ("phases", i, "storage", j))
    add(None, f"Network: {plan.network.fabric}", ("network",))
    add(None, f"Facility: {plan.facility.cooling}", ("facility",))
    add(None, "Costs: depreciation, maintenance", ("costs",))
    wl = add(None, f"Workloads ({len(plan.workloads)})", ("workloads",))
    for i, w in enumerate(plan.workloads):
        add(wl, w.name, ("workloads", i))
    cat = add(None, "Custom hardware", ("catalog",))
    for kind in _catalog.KINDS:
        entries = getattr(plan.catalog, kind)
        group = add(cat, f"{kind.capitalize()} ({len(entries)})", ("catalog", kind))
        for i, e in enumerate(entries):
            add(group, e.id, ("catalog", kind, i))
    return out
