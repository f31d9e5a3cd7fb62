"""How a headline figure was computed: the formula, the values put in, and the plan fields
they came from. Used by the desktop app's "Explain" panel and the HTML report."""

from __future__ import annotations

from . import catalog as _catalog
from .costs_plan import Costs
from .explanation import Explanation
from .kinds import evaluator_of
from .model.results import Results
from .plan import Plan
from .schema import spec_of, value_text
from .units import format_duration
from .units import format_quantity as q


def _groups(plan: Plan, upto: int | None = None):
    last = len(plan.phases) if upto is None else upto + 1
    for i, phase in enumerate(plan.phases[:last]):
        for j, g in enumerate(phase.nodes):
            yield f"phases[{i}].nodes[{j}]", g


def _days(seconds: float) -> str:
    return format_duration(seconds, decimals=2)


def explain(plan: Plan, r: Results, key: str, workload: int = 0, precision: str = "bf16") -> Explanation:
    cat = _catalog.for_plan(plan)
    if key == "gpus":
        inputs = tuple((f"{g.count:,} x {g.system}", f"{g.count * cat.systems[g.system].accelerators:,}",
                        path + ".count") for path, g in _groups(plan))
        return Explanation(key, "Accelerators", f"{r.gpus:,}", "Σ node count × accelerators per system", inputs)
    if key == "peak":
        rows: list[tuple[str, str, str]] = []
        for path, g in _groups(plan):
            s = cat.systems[g.system]
            a = cat.accelerators[s.accelerator]
            each = a.peak_flops.get(precision, 0)
            rows.append((f"{g.count:,} x {s.accelerators} x {a.id} at {q(each, 'flop_rate')}",
                           q(g.count * s.accelerators * each, "flop_rate"), path + ".system"))
        return Explanation(key, f"Peak {precision} (dense)", q(r.peak_flops.get(precision, 0), "flop_rate"),
                           "Σ accelerators × dense peak per accelerator (catalog; 2:4 sparsity excluded)",
                           tuple(rows))
    p = r.power
    if key == "it_power":
        return Explanation(key, "IT power under training load", q(p.it_w, "power"),
                           "accelerators (TDP each) + rest of nodes (typical_power − accelerators) + network "
                           "(switches × switch power + transceivers × optic power) + storage", (
                               ("Accelerators", q(p.accelerators_w, "power"), "phases"),
                               ("Rest of nodes", q(p.node_other_w, "power"), "phases"),
                               ("Network", f"{q(p.network_w, 'power')} ({r.network.switches:,} switches, "
                                           f"{r.network.transceivers:,} transceivers)", "network.fabric"),
                               ("Storage", q(p.storage_w, "power"), "phases"),
                           ))
    if key == "facility_power":
        return Explanation(key, "Facility power under load", q(p.facility_w, "power"), "IT power × PUE", (
            ("IT power", q(p.it_w, "power"), ""),
            ("PUE", f"{p.pue:.2f}" + ("" if plan.facility.pue else f" (typical of {plan.facility.cooling})"),
             "facility.pue"),
        ))
    if key == "capex":
        c = r.cost
        return Explanation(key, "Capital cost", f"{c.capex_usd / 1e6:,.1f} M USD",
                           "nodes × system price + switches × switch price + transceivers × optic price + "
                           "storage tier prices", (
                               ("Nodes", f"{c.nodes_usd / 1e6:,.1f} M USD", "phases"),
                               ("Network", f"{c.network_usd / 1e6:,.1f} M USD", "network.fabric"),
                               ("Storage", f"{c.storage_usd / 1e6:,.1f} M USD", "phases"),
                               ("Not priced", ", ".join(c.unpriced) or "nothing", "catalog"),
                           ))
    if key == "opex" and r.tco is not None:
        return _explain_tco(plan, r)
    if key == "opex":
        c = r.cost
        price = plan.facility.electricity_price_usd_per_j * 3.6e6
        return Explanation(key, "Electricity per year", f"{c.opex_usd_per_year / 1e6:,.2f} M USD",
                           "facility power × 8,760 h × electricity price", (
                               ("Facility power", q(p.facility_w, "power"), ""),
                               ("Energy per year", q(c.energy_per_year_j, "energy"), ""),
                               ("Electricity price", f"{price:.3f} USD/kWh", "facility.electricity_price"),
                           ))
    if not r.workloads:
        return Explanation(key, "No workload", "—", "Add a workload to time a training run.", ())
    index = min(workload, len(r.workloads) - 1)
    w = r.workloads[index]
    wl = plan.workloads[index]
    base = f"workloads[{index}]"
    own = evaluator_of(wl).explain(plan, r, key, index)
    if own is not None:
        return own
    if key == "energy":
        return Explanation(key, f"Energy of {w.name}", q(w.energy_j, "energy"), "IT power of the run × time × PUE", (
            ("IT power of the run", q(w.it_power_w, "power"),
             base + ".power_per_gpu" if getattr(wl, "power_per_gpu_w", None) else ""),
            ("Time", _days(w.time_s), ""),
            ("PUE", f"{p.pue:.2f}", "facility.pue"),
        ))
    if key == "emissions":
        ci = plan.facility.carbon_intensity_kg_per_j * 3.6e6
        return Explanation(key, f"Emissions of {w.name}", q(w.emissions_kg, "mass") + " CO2e",
                           "energy × carbon intensity", (
                               ("Energy", q(w.energy_j, "energy"), ""),
                               ("Carbon intensity", f"{ci:.3f} kg/kWh", "facility.carbon_intensity"),
                           ))
    cards = evaluator_of(wl).cards(w)
    if key in cards:  # a figure the kind shows but does not explain in detail
        title, value, detail = cards[key]
        return Explanation(key, f"{title} of {w.name}", value, detail or f"computed by the {w.kind} model", ())
    raise KeyError(key)


def _explain_tco(plan: Plan, r: Results) -> Explanation:
    """The cost of ownership per year and per GPU-hour (planner/model/tco.py)."""
    t, c, costs = r.tco, r.cost, plan.costs
    assert t is not None

    def life(attr: str) -> str:
        return value_text(spec_of(Costs, attr), getattr(costs, attr))

    price = plan.facility.electricity_price_usd_per_j * 3.6e6
    m = lambda x: f"{x / 1e6:,.2f} M USD"  # noqa: E731
    facility_capex = costs.facility_capex_usd or 0.0
    per_hour = f"{t.usd_per_gpu_hour:.4g} USD per GPU-hour" if r.gpus else "no GPU-hours"
    return Explanation(
        "opex", "Cost of ownership per year", f"{t.usd_per_year / 1e6:,.1f} M USD ({per_hour})",
        "Σ capex / depreciation period per class + maintenance × hardware capex + facility price × IT power at "
        "maximum + electricity (facility power × 8,760 h × price); per GPU-hour: ÷ (GPUs × 8,760 h)", (
            ("Systems", f"{m(c.nodes_usd)} / {life('systems_life_s')} = {m(t.systems_usd_per_year)}",
             "costs.systems_depreciation"),
            ("Network", f"{m(c.network_usd)} / {life('network_life_s')} = {m(t.network_usd_per_year)}",
             "costs.network_depreciation"),
            ("Storage", f"{m(c.storage_usd)} / {life('storage_life_s')} = {m(t.storage_usd_per_year)}",
             "costs.storage_depreciation"),
            ("Facility build-out", f"{m(facility_capex)} / {life('facility_life_s')} = "
                                   f"{m(t.facility_build_usd_per_year)}", "costs.facility_capex"),
            ("Maintenance", f"{costs.maintenance:.1%} × {m(c.capex_usd)} = {m(t.maintenance_usd_per_year)}",
             "costs.maintenance"),
            ("Facility", f"{life('facility_price_usd_per_w_s')} × {q(r.power.it_max_w, 'power')} = "
                         f"{m(t.facility_usd_per_year)}", "costs.facility_price"),
            ("Electricity", f"{q(c.energy_per_year_j, 'energy')} × {price:.3f} USD/kWh = "
                            f"{m(t.electricity_usd_per_year)}", "facility.electricity_price"),
            ("GPU-hours per year", f"{t.gpu_hours_per_year:,.0f}", "phases"),
            ("Not priced", ", ".join(c.unpriced) or "nothing", "catalog"),
        ))


KEYS = ("gpus", "peak", "sustained", "time", "it_power", "facility_power", "energy", "emissions", "capex", "opex")
