"""Total cost of ownership: capex amortized over each component class's depreciation period,
plus maintenance, facility and electricity, per year; from it the cost of a GPU-hour, of each
workload, of a million training tokens, and tokens and FLOPs per dollar.

Straight-line depreciation with no residual value and no cost of capital (the usual first cut,
as in Barroso, Clidaras and Hölzle, The Datacenter as a Computer, ch. 6, without the interest
term). Every GPU-hour of the year is counted: the cluster runs around the clock, and electricity
is the facility's draw under training load all year (CostResult.opex_usd_per_year).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

SECONDS_PER_YEAR = 365 * 86400  # a planning year, as model/cluster.py's yearly energy
HOURS_PER_YEAR = SECONDS_PER_YEAR / 3600.0


@dataclass(frozen=True)
class WorkloadTco:
    name: str
    gpu_hours: float
    ownership_usd: float  # GPU-hours x the phase's ownership cost per GPU-hour (all but electricity)
    electricity_usd: float  # the run's own energy x price (WorkloadResult.cost_usd)
    usd: float  # the run's total cost of ownership
    tokens: float | None  # training tokens, where the workload states them
    usd_per_million_tokens: float | None
    tokens_per_usd: float | None
    flops_per_usd: float | None  # model FLOPs per USD


@dataclass(frozen=True)
class TcoResult:
    """Yearly cost of the whole cluster (the last phase), in USD per year unless named."""

    systems_usd_per_year: float  # depreciation of the nodes
    network_usd_per_year: float
    storage_usd_per_year: float
    facility_build_usd_per_year: float  # depreciation of costs.facility_capex
    maintenance_usd_per_year: float
    facility_usd_per_year: float  # costs.facility_price x IT power at maximum
    electricity_usd_per_year: float
    usd_per_year: float
    gpu_hours_per_year: float
    usd_per_gpu_hour: float  # all costs
    ownership_usd_per_gpu_hour: float  # all but electricity
    complete: bool  # False when components have no price (CostResult.unpriced)
    workloads: tuple  # WorkloadTco, in the plan's order

    def parts(self) -> tuple[tuple[str, float], ...]:
        """The yearly cost as named parts, in the order the charts and tables show them."""
        return (("systems", self.systems_usd_per_year), ("network", self.network_usd_per_year),
                ("storage", self.storage_usd_per_year), ("facility build-out", self.facility_build_usd_per_year),
                ("maintenance", self.maintenance_usd_per_year), ("facility", self.facility_usd_per_year),
                ("electricity", self.electricity_usd_per_year))


def _yearly(costs: Any, phase: Any) -> tuple[float, ...]:
    """The year's cost parts of a phase's cluster (a model.results.PhaseResult)."""
    c = phase.cost
    facility_capex = costs.facility_capex_usd or 0.0
    hardware = c.nodes_usd + c.network_usd + c.storage_usd
    return (c.nodes_usd * SECONDS_PER_YEAR / costs.systems_life_s,
            c.network_usd * SECONDS_PER_YEAR / costs.network_life_s,
            c.storage_usd * SECONDS_PER_YEAR / costs.storage_life_s,
            facility_capex * SECONDS_PER_YEAR / costs.facility_life_s,
            hardware * costs.maintenance,
            costs.facility_price_usd_per_w_s * phase.power.it_max_w * SECONDS_PER_YEAR,
            c.opex_usd_per_year)


def _per_gpu_hour(usd_per_year: float, gpus: int) -> float:
    return usd_per_year / (gpus * HOURS_PER_YEAR) if gpus else math.inf


def tco(plan: Any, phases: tuple, workloads: tuple) -> TcoResult:
    """The cluster's yearly cost and each workload's, each workload at the ownership cost per
    GPU-hour of the phase it runs on (the cluster online then; an owned facility's build-out
    counts in full from the first phase)."""
    costs = plan.costs
    last = phases[-1]
    parts = _yearly(costs, last)
    total = sum(parts)
    rows = []
    for i, w in enumerate(workloads):
        phase = phases[plan.workload_phase(plan.workloads[i])]
        ownership_rate = _per_gpu_hour(sum(_yearly(costs, phase)[:-1]), phase.gpus)
        ownership = ownership_rate * w.gpu_hours if w.gpu_hours else 0.0
        usd = ownership + w.cost_usd
        tokens = getattr(plan.workloads[i], "tokens", None)
        flops = getattr(w, "total_flops", None)
        paid = usd > 0 and math.isfinite(usd)
        rows.append(WorkloadTco(
            name=w.name, gpu_hours=w.gpu_hours, ownership_usd=ownership, electricity_usd=w.cost_usd, usd=usd,
            tokens=tokens,
            usd_per_million_tokens=usd / tokens * 1e6 if tokens and paid else None,
            tokens_per_usd=tokens / usd if tokens and paid else None,
            flops_per_usd=flops / usd if flops and paid else None))
    return TcoResult(
        systems_usd_per_year=parts[0], network_usd_per_year=parts[1], storage_usd_per_year=parts[2],
        facility_build_usd_per_year=parts[3], maintenance_usd_per_year=parts[4], facility_usd_per_year=parts[5],
        electricity_usd_per_year=parts[6], usd_per_year=total, gpu_hours_per_year=last.gpus * HOURS_PER_YEAR,
        usd_per_gpu_hour=_per_gpu_hour(total, last.gpus),
        ownership_usd_per_gpu_hour=_per_gpu_hour(total - parts[6], last.gpus),
        complete=not last.cost.unpriced, workloads=tuple(rows))
