"""A workload kind that exists only in the tests, to prove the seam: a plan section and an
evaluator module, registered in one line, and nothing else in the tree changes.

``kind: copy`` moves a dataset across the fabric once: time = bytes / (GPUs x scale-out
bandwidth per GPU)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from planner.charts import Axis, Chart, Panel, Series
from planner.findings import error
from planner.model.results import WorkloadResult
from planner.schema import MISSING, field
from planner.units import format_quantity as q


@dataclass(frozen=True, kw_only=True)
class CopyWorkload:
    kind: ClassVar[str] = "copy"
    name: str = field("name", "str", "Name of the copy", MISSING)
    size_bytes: float = field("size", "quantity", "Bytes to move", MISSING, dim="bytes", strict_min=True)
    gpus: int | None = field("gpus", "int", "Accelerators taking part", None, strict_min=True)
    phase: str | None = field("phase", "str", "Phase", None)


@dataclass(frozen=True)
class CopyResult(WorkloadResult):
    size_bytes: float
    bandwidth_bytes_per_s: float


def evaluate(ctx, gpus=None):
    w, phase = ctx.workload, ctx.phase
    n = gpus or w.gpus or phase.gpus
    bandwidth = n * phase.machine.scale_out_bandwidth_bytes_per_s
    time_s = w.size_bytes / bandwidth
    it_power = n * phase.machine.it_power_per_gpu_w
    energy = it_power * time_s * phase.power.pue
    return CopyResult(name=w.name, kind="copy", phase=phase.name, gpus=n, gpus_online=phase.gpus, time_s=time_s,
                      bound="network", gpu_hours=n * time_s / 3600, it_power_w=it_power, energy_j=energy,
                      emissions_kg=energy * ctx.plan.facility.carbon_intensity_kg_per_j,
                      cost_usd=energy * ctx.plan.facility.electricity_price_usd_per_j,
                      size_bytes=w.size_bytes, bandwidth_bytes_per_s=bandwidth)


def check(ctx):
    if ctx.workload.size_bytes > 1e21:
        return [error("copy-too-large", ctx.path + ("size",), "at most a zettabyte")]
    return []


def warnings(index, result, phase, workload):
    return []


def summary_rows(w):
    return [("Moved", q(w.size_bytes, "bytes")), ("Fabric bandwidth", q(w.bandwidth_bytes_per_s, "bandwidth")),
            ("Time", q(w.time_s, "time"))]


def cards(w):
    return {"time": ("Copy time", q(w.time_s, "time"), f"at {q(w.bandwidth_bytes_per_s, 'bandwidth')}"),
            "energy": ("Energy of the copy", q(w.energy_j, "energy"), "")}


def explain(plan, results, key, index):
    return None


def charts(plan, results, index):
    w = results.workloads[index]
    return {"time": Chart("time", "Copy time", Axis(categories=("copy",)),
                          (Panel(Axis("Time", "s"), (Series("time", (0.0,), (w.time_s,), "bars"),)),))}
