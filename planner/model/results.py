"""Results of evaluating a plan: frozen, SI units, named parts plus totals."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .machine import MachineDescription

if TYPE_CHECKING:
    import pandas

    from .tco import TcoResult


@dataclass(frozen=True)
class NetworkResult:
    fabric: str
    topology: str
    endpoints: int
    levels: int
    switches_per_level: tuple
    switches: int
    endpoint_links: int
    switch_links: int
    transceivers: int
    oversubscription: float
    max_endpoints: int  # what this many levels of this radix can hold
    pod_endpoints: int  # endpoints under one switch of the tier below the top (full bandwidth among them)
    port_speed_bytes_per_s: float
    injection_bandwidth_per_accelerator_bytes_per_s: float
    bandwidth_per_accelerator_bytes_per_s: float  # across the top tier, after oversubscription
    bisection_bandwidth_bytes_per_s: float
    switch_power_w: float
    optics_power_w: float
    power_w: float
    capex_usd: float
    switch_models: tuple = ()  # the switch model of each tier, bottom-up (catalog or fabric id)
    scalable_units: int = 0  # rail-optimized: scalable units provisioned (0: a fat tree)
    scalable_unit_nodes: int = 0  # rail-optimized: nodes per scalable unit
    # links arriving at each tier from below, bottom-up (node links first); () where every switch
    # uses its k - down up-links (planner/network_report.py tier_links computes them)
    tier_links: tuple = ()


@dataclass(frozen=True)
class PowerResult:
    accelerators_w: float  # under training load
    node_other_w: float  # CPUs, memory, NICs, fans, PSU losses of the nodes
    network_w: float
    storage_w: float
    it_w: float
    accelerators_max_w: float
    node_other_max_w: float
    it_max_w: float
    pue: float
    facility_w: float
    facility_max_w: float
    cooling_overhead_w: float  # facility_w - it_w


@dataclass(frozen=True)
class RackResult:
    racks: int
    nodes_per_rack: int  # the densest group's
    rack_power_w: float  # densest rack under training load
    rack_power_max_w: float
    limit_w: float
    cooling: str
    cooling_limit_w: float


@dataclass(frozen=True)
class StorageResult:
    tiers: int
    capacity_bytes: float
    read_bandwidth_bytes_per_s: float
    write_bandwidth_bytes_per_s: float
    power_w: float


@dataclass(frozen=True)
class CostResult:
    capex_usd: float
    nodes_usd: float
    network_usd: float
    storage_usd: float
    energy_per_year_j: float
    opex_usd_per_year: float
    unpriced: tuple  # names of components with no price in the catalog


@dataclass(frozen=True)
class PhaseResult:
    name: str
    online: _dt.date | None
    gpus: int
    nodes: int
    peak_flops: dict  # precision -> FLOP/s, dense
    sparse_flops: dict
    power: PowerResult
    network: NetworkResult
    racks: RackResult
    storage: StorageResult
    cost: CostResult
    machine: MachineDescription  # what a workload on this phase runs on, per accelerator


@dataclass(frozen=True)
class WorkloadResult:
    """What every workload kind reports; each kind's result subclasses it with its own detail
    (planner/kinds/<kind>.py)."""

    name: str
    kind: str
    phase: str
    gpus: int
    gpus_online: int
    time_s: float  # how long the workload takes (inf: never)
    bound: str  # what limits it, e.g. "compute" | "storage" | "failures" | "none"
    gpu_hours: float
    it_power_w: float
    energy_j: float  # at the facility (x PUE)
    emissions_kg: float
    cost_usd: float  # electricity


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    path: str = ""  # key path of the plan field it points at


@dataclass(frozen=True)
class Results:
    name: str
    gpus: int
    nodes: int
    peak_flops: dict
    sparse_flops: dict
    power: PowerResult
    network: NetworkResult
    racks: RackResult
    storage: StorageResult
    cost: CostResult
    phases: tuple
    workloads: tuple
    warnings: tuple
    tco: TcoResult | None = None  # total cost of ownership (model/tco.py)

    def workload(self, name: str) -> WorkloadResult:
        for w in self.workloads:
            if w.name == name:
                return w
        raise KeyError(name)

    def to_dict(self) -> dict:
        """Plain data for JSON: SI units, names carrying units, dates as ISO text."""
        return _plain(self)

    def to_frame(self) -> pandas.DataFrame:
        """The headline figures as a one-row pandas DataFrame (SI units, USD), for notebooks;
        the columns of a row of ``planner.sweep.grid``. Needs pandas (``pip install
        'cluster-planner[sweep]'``)."""
        import pandas

        from .headline import headline

        return pandas.DataFrame([headline(self)])


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no infinity: null means "never" (e.g. no storage to read from)
    return value
