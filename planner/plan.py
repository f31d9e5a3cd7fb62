"""The plan: a cluster design and its build-out, as frozen data in SI units.

Format version 1 (``format: cluster-planner/1``). Every field's YAML key, unit and meaning
is declared here once; README's "Plan format" section is generated from the same specs
(``python -m planner.docs``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .costs_plan import Costs
from .hardware import CatalogEntries
from .kinds import workload_sections
from .kinds.training_plan import TrainingWorkload
from .schema import MISSING, field
from .sections import RECOMPUTE, Dataset, ModelShape, Parallelism
from .units import parse

FORMAT = "cluster-planner/1"
FORMAT_VERSION = 1
TOPOLOGIES = ("fat-tree", "rail-optimized")


@dataclass(frozen=True, kw_only=True)
class NodeGroup:
    system: str = field("system", "str", "Catalog id of the system (node type)", MISSING, ref="systems")
    count: int = field("count", "int", "Number of systems", MISSING, strict_min=True, maximum=10_000_000)


@dataclass(frozen=True, kw_only=True)
class StorageTier:
    name: str = field("name", "str", "Name of the storage tier", MISSING)
    capacity_bytes: float = field("capacity", "quantity", "Usable capacity", MISSING, dim="bytes")
    read_bandwidth_bytes_per_s: float = field("read_bandwidth", "quantity", "Sustained aggregate read bandwidth",
                                              0.0, dim="bandwidth")
    write_bandwidth_bytes_per_s: float | None = field("write_bandwidth", "quantity",
                                                      "Sustained aggregate write bandwidth", None, dim="bandwidth")
    power_w: float = field("power", "quantity", "Power drawn by the tier (servers, drives, its network)",
                           0.0, dim="power", ranged=True)
    price_usd: float | None = field("price", "quantity", "Purchase price of the tier (unknown if absent)", None,
                                    dim="usd", ranged=True)


@dataclass(frozen=True, kw_only=True)
class Phase:
    name: str = field("name", "str", "Name of the build-out phase", MISSING)
    online: _dt.date | None = field("online", "date", "Date the phase comes online", None)
    nodes: tuple = field("nodes", "list", "Node groups this phase adds", (), item=NodeGroup)
    storage: tuple = field("storage", "list", "Storage tiers this phase adds", (), item=StorageTier)


@dataclass(frozen=True, kw_only=True)
class Network:
    fabric: str = field("fabric", "str", "Catalog id of the compute fabric", "infiniband-ndr",
                        ref="fabrics")
    topology: str = field("topology", "choice", "Fabric topology", "fat-tree", choices=TOPOLOGIES)
    oversubscription: float = field("oversubscription", "number",
                                    "Down:up ratio at the top tier of the fabric; 1 = non-blocking", 1.0,
                                    minimum=1.0, maximum=64.0)
    switch: str | None = field("switch", "str",
                               "Catalog id of the switch model of every tier (default: the fabric's own switch)",
                               None, ref="switches")
    top_switch: str | None = field("top_switch", "str",
                                   "Catalog id of the top tier's switch model, e.g. a director-class chassis "
                                   "(default: switch)", None, ref="switches")
    scalable_unit: int | None = field("scalable_unit", "int",
                                      "Rail-optimized: nodes per scalable unit (default: as many as one leaf "
                                      "holds a rail of: a leaf's down ports for one port per rail, one NVL72 "
                                      "rack; NVIDIA's GB200 SU is 8 racks)", None,
                                      strict_min=True, maximum=1e6)


@dataclass(frozen=True, kw_only=True)
class Facility:
    pue: float | None = field("pue", "number", "Power usage effectiveness (default: the cooling type's typical)",
                              None, minimum=1.0, maximum=5.0, ranged=True)
    cooling: str = field("cooling", "str", "Cooling type (catalog id): sets the rack density limit", "air",
                         ref="cooling")
    rack_power_limit_w: float | None = field("rack_power_limit", "quantity",
                                             "Power provisioned per rack (default: the cooling limit)", None,
                                             dim="power", strict_min=True)
    rack_units: int = field("rack_units", "int", "Usable rack units per rack", 42, strict_min=True, maximum=100)
    power_budget_w: float | None = field("power_budget", "quantity", "Facility power available; warn above it",
                                         None, dim="power", strict_min=True)
    electricity_price_usd_per_j: float = field("electricity_price", "quantity", "Price of electricity",
                                               parse("0.07 USD/kWh", "usd_per_energy")[0], dim="usd_per_energy",
                                               ranged=True)
    carbon_intensity_kg_per_j: float = field("carbon_intensity", "quantity", "Emissions per unit of energy",
                                             parse("0.4 kg/kWh", "mass_per_energy")[0], dim="mass_per_energy",
                                             ranged=True)






@dataclass(frozen=True, kw_only=True)
class Plan:
    name: str = field("name", "str", "Name of the cluster design", MISSING)
    phases: tuple = field("phases", "list", "Build-out phases, in order; each adds to what came before",
                          MISSING, item=Phase)
    format: str = field("format", "str", "Plan format and version", FORMAT)
    description: str = field("description", "str", "Free text: purpose and sources of the figures", "")
    catalog: CatalogEntries = field("catalog", "object", "Custom hardware (adds to or overrides the built-in)",
                                    CatalogEntries(), item=CatalogEntries)
    network: Network = field("network", "object", "Compute fabric", Network(), item=Network)
    facility: Facility = field("facility", "object", "Facility: cooling, PUE, power budget, prices",
                               Facility(), item=Facility)
    costs: Costs = field("costs", "object", "Depreciation, maintenance and facility prices for the total cost of "
                         "ownership", Costs(), item=Costs)
    workloads: tuple = field("workloads", "list", "Workloads to time (kind: training by default)", (),
                             item=TrainingWorkload, variants=workload_sections)

    def phase_index(self, name: str) -> int:
        for i, p in enumerate(self.phases):
            if p.name == name:
                return i
        raise KeyError(name)

    def workload_phase(self, workload) -> int:
        """Index of the phase a workload runs on: the phase it names, else the last."""
        name = getattr(workload, "phase", None)
        return self.phase_index(name) if name is not None else len(self.phases) - 1


__all__ = ["FORMAT", "KEY_ORDER", "RECOMPUTE", "TOPOLOGIES", "Costs", "Dataset", "Facility", "ModelShape",
           "Network", "NodeGroup", "Parallelism", "Phase", "Plan", "StorageTier", "TrainingWorkload", "Workload"]

# The training section under its former name: plans and scripts written against it keep working.
Workload = TrainingWorkload

# Order of top-level keys when saving: what a person reads first comes first.
KEY_ORDER = ("format", "name", "description", "catalog", "phases", "network", "facility", "costs", "workloads")
