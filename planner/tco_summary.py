"""The total cost of ownership as text (planner/model/tco.py): its rows in every text output
(planner.summary.sections) and the dashboard's cost cards."""

from __future__ import annotations

import math

from .model.results import Results
from .units import format_quantity as q


def musd(x: float, decimals: int = 1) -> str:
    return f"{x / 1e6:,.{decimals}f} M USD"


def usd(x: float) -> str:
    """A price as a person reads it: 1.058 USD, 659,544 USD; unbounded for a run that never ends."""
    if not math.isfinite(x):
        return "unbounded (the run never finishes)" if x > 0 else "n/a"
    return f"{x:,.0f} USD" if abs(x) >= 1000 else f"{x:.4g} USD"


def tco_rows(t) -> list[tuple[str, str]]:
    """The total cost of ownership in every text output (planner/model/tco.py)."""
    total = musd(t.usd_per_year) + ("" if t.complete else " (incomplete: some prices unknown)")
    depreciated = ("systems", "network", "storage", "facility build-out")
    return [("Cost of ownership per year", total)] + [
        (f"  {name}" + (", depreciated" if name in depreciated else ""), musd(x, 2)) for name, x in t.parts()
    ] + [("Cost per GPU-hour", f"{usd(t.usd_per_gpu_hour)} ({usd(t.ownership_usd_per_gpu_hour)} without "
                               "electricity)")]


def cost_cards(r: Results) -> dict:
    """The dashboard's cost cards: key -> (title, value, detail)."""
    c, t = r.cost, r.tco
    capex_detail = "incomplete: some prices unknown" if c.unpriced else "nodes, network, storage"
    cards = {"capex": ("Capital cost", musd(c.capex_usd), capex_detail),
             "opex": ("Electricity per year", musd(c.opex_usd_per_year, 2), q(c.energy_per_year_j, "energy"))}
    if t is not None:
        depreciation = sum(x for name, x in t.parts() if name not in ("maintenance", "facility", "electricity"))
        if not c.unpriced:  # a short detail: the cards share a row
            cards["capex"] = ("Capital cost", musd(c.capex_usd), f"{musd(depreciation)} a year depreciated")
        cards["opex"] = ("Cost of ownership per year", musd(t.usd_per_year), f"{usd(t.usd_per_gpu_hour)} per GPU-hour")
    return cards


def workload_tco_rows(t) -> list[tuple[str, str]]:
    rows = [("Cost of ownership", f"{usd(t.usd)} ({usd(t.ownership_usd)} ownership + "
                                  f"{usd(t.electricity_usd)} electricity)")]
    if t.usd_per_million_tokens is not None:
        rows.append(("Per million training tokens", usd(t.usd_per_million_tokens)))
        rows.append(("Tokens per USD", f"{t.tokens_per_usd:,.0f}"))
    if t.flops_per_usd is not None:
        rows.append(("Model FLOPs per USD", f"{t.flops_per_usd:.4g}".replace("e+", "e")))
    return rows
