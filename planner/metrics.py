"""The figures a design is judged by, by name: what ``compare``, ``sensitivity`` and
``uncertainty`` read from a plan's Results, each with its label and dimension (planner.units).

Workload figures are those every workload kind reports (model/results.py WorkloadResult);
cluster figures are those of the whole cluster (the last phase)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .errors import PlanError, Problem
from .schema import number_text
from .units import format_duration
from .units import format_quantity as q


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    dim: str  # planner.units dimension ("count" for plain numbers)
    of_workload: bool  # read from the selected workload (else from the cluster)
    read: Callable  # (results, workload index) -> float


def _w(attr: str) -> Callable:
    return lambda r, i: float(getattr(r.workloads[i], attr))


METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("time", "Time of the run", "time", True, _w("time_s")),
    Metric("gpu_hours", "GPU-hours of the run", "count", True, _w("gpu_hours")),
    Metric("energy", "Energy of the run (facility)", "energy", True, _w("energy_j")),
    Metric("cost", "Electricity cost of the run", "usd", True, _w("cost_usd")),
    Metric("emissions", "Emissions of the run", "mass", True, _w("emissions_kg")),
    Metric("facility_power", "Facility power under load", "power", False, lambda r, i: r.power.facility_w),
    Metric("it_power", "IT power under load", "power", False, lambda r, i: r.power.it_w),
    Metric("capex", "Capital cost", "usd", False, lambda r, i: r.cost.capex_usd),
    Metric("opex", "Electricity per year", "usd", False, lambda r, i: r.cost.opex_usd_per_year),
)}


def metric(name: str) -> Metric:
    """The metric called ``name``; PlanError naming the choices otherwise."""
    if name not in METRICS:
        raise PlanError([Problem("<command line>", None, None, "--metric", "one of: " + ", ".join(METRICS),
                                 f"'{name}'")])
    return METRICS[name]


def workload_index(plan, name: str | None) -> int:
    """Index of the workload called ``name`` (the first when None); PlanError when there is none."""
    names = [w.name for w in plan.workloads]
    if name is None:
        if not names:
            raise PlanError([Problem("<command line>", None, None, "workloads", "a plan with a workload",
                                     "none")])
        return 0
    if name not in names:
        raise PlanError([Problem("<command line>", None, None, "--workload",
                                 "the name of a workload of the plan: " + ", ".join(names), f"'{name}'")])
    return names.index(name)


def value(results, name: str, index: int) -> float:
    """The metric ``name`` of these results (of workload ``index`` for a workload metric)."""
    m = METRICS[name]
    return m.read(results, index) if not m.of_workload or results.workloads else float("nan")


def value_text(v: float | None, dim: str) -> str:
    """A figure as the tables show it."""
    if v is None:
        return "—"
    if not math.isfinite(v):
        return "never" if dim == "time" else str(v)
    if dim == "time":
        return format_duration(v)
    if dim == "usd":
        return f"{v / 1e6:,.2f} M USD" if abs(v) >= 1e5 else f"{v:,.0f} USD"
    if dim == "count":
        if abs(v) >= 1e7:
            return str(number_text(v))  # 175e9, as a plan writes it
        return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 1000 else f"{v:.3g}"
    return q(v, dim)
