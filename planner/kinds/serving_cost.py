"""Cost and wording shared by the serving kind's evaluator, text and charts: what an
accelerator-second costs, and latencies and prices as a person reads them."""

from __future__ import annotations

import math

from ..model.results import PhaseResult

YEAR_S = 365 * 86400.0


def gpu_cost_per_s(w, plan, phase: PhaseResult) -> tuple[float, str]:
    if w.price_per_gpu_hour is not None:
        return w.price_per_gpu_hour / 3600.0, "price_per_gpu_hour"
    m = phase.machine
    power = m.it_power_per_gpu_w * phase.power.pue * plan.facility.electricity_price_usd_per_j
    if w.amortization_s is not None:  # stated: the capital cost straight over that period
        capex = phase.cost.capex_usd / phase.gpus if phase.gpus else 0.0
        return capex / w.amortization_s + power, "amortized capital cost + electricity"
    # the plan's cost of ownership (planner/model/tco.py): depreciation per component class,
    # maintenance and facility, the same figures as the cluster's cost per GPU-hour
    from ..model.tco import _yearly

    owned = sum(_yearly(plan.costs, phase)[:6]) / YEAR_S / phase.gpus if phase.gpus else 0.0
    return owned + power, "cost of ownership + electricity"


def latency_text(seconds: float) -> str:
    """A latency as a serving engineer reads it: 38 ms, 1.2 s."""
    if not math.isfinite(seconds):
        return "overloaded"
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def usd_text(x: float) -> str:
    if not math.isfinite(x):
        return "—"
    return f"{x:,.3f} USD" if x < 10 else f"{x:,.0f} USD"
