"""The dashboard's headline figures as text, in one place: the cards show them and the
explanation's headline repeats them, so a card and its explanation never disagree on format
(``30.0 days`` on both)."""

from __future__ import annotations

from planner.summary import workload_cards
from planner.tco_summary import cost_cards
from planner.units import format_quantity as q

CARDS = [
    ("gpus", "Accelerators"), ("peak", "Peak (dense)"), ("sustained", "Sustained"),
    ("time", "Training time"), ("it_power", "IT power"), ("facility_power", "Facility power"),
    ("energy", "Energy of the run"), ("emissions", "Emissions of the run"), ("capex", "Capital cost"),
    ("opex", "Cost of ownership per year"),
]
WORKLOAD_CARDS = ("sustained", "time", "energy", "emissions")  # slots worded by the workload's kind
CARD_TITLES = dict(CARDS)


def pue_detail(plan, r) -> str:
    """``PUE 1.10 (set in plan)`` or ``PUE 1.58 (air's typical)``: says where the figure came from."""
    where = "set in plan" if plan.facility.pue is not None else f"{plan.facility.cooling}'s typical"
    return f"PUE {r.power.pue:.2f} ({where})"


def headline_figures(plan, r, precision: str, workload: int) -> dict[str, tuple[str, str, str]]:
    """key -> (title, value, detail) for every card, for the chosen precision and workload."""
    peak = r.peak_flops.get(precision, 0.0)
    sparse = r.sparse_flops.get(precision)
    out = {
        "gpus": (CARD_TITLES["gpus"], f"{r.gpus:,}", f"{r.nodes:,} nodes, {r.racks.racks:,} racks"),
        "peak": (CARD_TITLES["peak"], q(peak, "flop_rate"),
                 f"{precision}" + (f"; {q(sparse, 'flop_rate')} sparse" if sparse else "")),
        "it_power": (CARD_TITLES["it_power"], q(r.power.it_w, "power"),
                     f"{q(r.power.it_max_w, 'power')} at maximum"),
        "facility_power": (CARD_TITLES["facility_power"], q(r.power.facility_w, "power"), pue_detail(plan, r)),
    }
    out.update(cost_cards(r))  # capital cost and the cost of ownership (planner/model/tco.py)
    if r.workloads:
        w = r.workloads[min(workload, len(r.workloads) - 1)]
        cards = workload_cards(w)
        for key in WORKLOAD_CARDS:  # a kind fills the slots it has figures for
            out[key] = cards.get(key, (CARD_TITLES[key], "—", f"not for a {w.kind} workload"))
    else:
        for key in WORKLOAD_CARDS:
            out[key] = (CARD_TITLES[key], "—", "no workload")
    return out
