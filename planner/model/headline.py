"""The headline figures of a plan's results as one flat mapping of column name to value: a
row of ``Results.to_frame()`` and of a sweep's table (planner.sweep.grid). SI units and USD, as
in ``Results.to_dict()``; a workload's columns are named by its position in the plan
(``workloads[0].time_s``), so columns keep their meaning when a sweep renames nothing."""

from __future__ import annotations

from typing import Any

PRECISIONS = ("fp64", "tf32", "bf16", "fp16", "fp8", "fp4")  # peak columns, where the accelerators have them
WORKLOAD_FIELDS = ("gpus", "time_s", "bound", "gpu_hours", "energy_j", "emissions_kg", "cost_usd")
WORKLOAD_EXTRA = ("mfu", "tokens_per_s")  # a kind's own figures, where it has them
TCO_FIELDS = ("usd", "usd_per_million_tokens", "tokens_per_usd", "flops_per_usd")


def headline(r: Any) -> dict[str, Any]:
    """``r``: planner.Results. Column -> value, in a stable order."""
    row: dict[str, Any] = {"gpus": r.gpus, "nodes": r.nodes, "racks": r.racks.racks}
    for prec in PRECISIONS:
        if prec in r.peak_flops:
            row[f"peak_{prec}_flops"] = r.peak_flops[prec]
    row.update({
        "it_power_w": r.power.it_w,
        "facility_power_w": r.power.facility_w,
        "pue": r.power.pue,
        "bandwidth_per_accelerator_bytes_per_s": r.network.bandwidth_per_accelerator_bytes_per_s,
        "capex_usd": r.cost.capex_usd,
        "electricity_usd_per_year": r.cost.opex_usd_per_year,
    })
    if r.tco is not None:
        row.update({"tco_usd_per_year": r.tco.usd_per_year, "usd_per_gpu_hour": r.tco.usd_per_gpu_hour,
                    "capex_complete": r.tco.complete})
    row["warnings"] = len(r.warnings)
    for i, w in enumerate(r.workloads):
        base = f"workloads[{i}]."
        row[base + "name"] = w.name
        for name in WORKLOAD_FIELDS + WORKLOAD_EXTRA:
            if hasattr(w, name):
                row[base + name] = getattr(w, name)  # inf (never finishes) stays inf: Parquet holds it
        if r.tco is not None:
            t = r.tco.workloads[i]
            for name in TCO_FIELDS:
                row[base + "tco_" + name] = getattr(t, name)
    return row
