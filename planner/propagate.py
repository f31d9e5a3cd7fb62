"""The model's figures for many values of the ranged inputs at once, in closed form from one
evaluation at the modes (numpy arrays, one element per sample). Exact for the fields that
accept ranges (``Spec.ranged``), because each enters the model in one of these ways:

- a rate of the run (MFU, achieved FLOP/s, tokens/s, the accelerators' typical MFU, weighted
  by their counts): compute time is inversely proportional to it;
- the failure rate of a run with a model shape: time = training time / goodput, with Young's
  checkpoint interval (planner/perf/failures.py, vectorised here);
- power: IT power is a sum over node groups (count x typical power) and storage tiers; the
  run's energy = its accelerators x IT power per accelerator x time x PUE;
- prices: capital cost is a sum of count x price; electricity and emissions are energy x
  price and energy x carbon intensity; facility power = IT x PUE.

``draws`` maps key paths (planner.inputs) to sample arrays; an input without draws stays at
its value. The run takes max(compute time, I/O time), as in planner/kinds/training.py."""

from __future__ import annotations

from . import catalog as _catalog

SECONDS_PER_YEAR = 365 * 86400  # as planner/model/cluster.py
# The fields that accept ranges (Spec.ranged), by section, each with its closed form below; a
# test keeps this in step with the specs, so a new ranged field cannot be silently ignored.
RANGED = {
    "StorageTier": ("power", "price"),
    "Facility": ("pue", "electricity_price", "carbon_intensity"),
    "TrainingWorkload": ("mfu", "achieved_flops", "token_rate", "power_per_gpu", "failure_rate"),
    "Accelerator": ("typical_mfu",),
    "System": ("typical_power", "price"),
    "Fabric": ("switch_price", "optic_price"),
    "Cooling": ("typical_pue",),
}


def figures(plan, results, index: int | None, draws: dict, n: int) -> dict:
    """{metric name: samples} for the cluster's figures and, for a training run, the run's."""
    import numpy as np

    cat = _catalog.for_plan(plan)

    def at(path: str, mode: float):
        return draws.get(path, mode)

    def delta(path: str, mode: float | None):
        return draws[path] - mode if path in draws and mode is not None else 0.0

    f = plan.facility
    cooling = cat.cooling[f.cooling]
    pue = at("facility.pue", f.pue) if f.pue is not None else at(f"catalog.cooling.{cooling.id}.typical_pue",
                                                                   cooling.typical_pue)
    price = at("facility.electricity_price", f.electricity_price_usd_per_j)
    carbon = at("facility.carbon_intensity", f.carbon_intensity_kg_per_j)

    def it_power(k: int):
        """IT power under load at phase k: the model's, moved by each sampled power figure."""
        total = results.phases[k].power.it_w
        for i, ph in enumerate(plan.phases[: k + 1]):
            for g in ph.nodes:
                total = total + g.count * delta(f"catalog.systems.{g.system}.typical_power",
                                                cat.systems[g.system].typical_power_w)
            for j, t in enumerate(ph.storage):
                total = total + delta(f"phases[{i}].storage[{j}].power", t.power_w)
        return total

    last = len(plan.phases) - 1
    it_last = it_power(last)
    facility = it_last * pue
    net = results.network
    # only the tiers built of the fabric's own switches (not a catalog switch model) take its price
    fabric_switches = (sum(n for n, m in zip(net.switches_per_level, net.switch_models, strict=False)
                           if m == net.fabric) if net.switch_models else net.switches)
    capex = results.cost.capex_usd + fabric_switches * delta(
        f"catalog.fabrics.{results.network.fabric}.switch_price", cat.fabrics[results.network.fabric].switch_price_usd
    ) + results.network.transceivers * delta(f"catalog.fabrics.{results.network.fabric}.optic_price",
                                             cat.fabrics[results.network.fabric].optic_price_usd)
    for i, ph in enumerate(plan.phases):
        for g in ph.nodes:
            capex = capex + g.count * delta(f"catalog.systems.{g.system}.price", cat.systems[g.system].price_usd)
        for j, t in enumerate(ph.storage):
            capex = capex + delta(f"phases[{i}].storage[{j}].price", t.price_usd)
    out = {"facility_power": facility, "capex": capex, "opex": facility * SECONDS_PER_YEAR * price}
    if index is not None and results.workloads[index].kind == "training":
        out.update(_training(plan, results, index, cat, draws, it_power, pue, price, carbon))
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in out.items()}


def _training(plan, results, index: int, cat, draws: dict, it_power, pue, price, carbon) -> dict:
    import numpy as np

    def at(path: str, mode: float):
        return draws.get(path, mode)

    w = results.workloads[index]
    wl = plan.workloads[index]
    base = f"workloads[{index}]"
    k = plan.workload_phase(wl)
    phase = results.phases[k]
    compute = w.compute_time_s
    with np.errstate(divide="ignore", invalid="ignore"):
        if w.predicted is not None:
            pr, fl = w.predicted, w.predicted.failures
            if f"{base}.failure_rate" in draws:
                rate = draws[f"{base}.failure_rate"]
                compute = pr.train_time_s / goodput(rate, pr.gpus_used, fl.checkpoint_write_s, fl.restart_s)
        elif compute and w.mfu_source != "catalog":
            key, mode = {"plan": ("mfu", wl.mfu), "achieved_flops": ("achieved_flops", wl.achieved_flops_per_gpu),
                         "token_rate": ("token_rate", wl.tokens_per_s_per_gpu)}[w.mfu_source]
            compute = compute * (mode / at(f"{base}.{key}", mode))
        elif compute:
            machine = phase.machine
            weighted = sum(count * at(f"catalog.accelerators.{acc}.typical_mfu", _typical(cat, acc))
                           for acc, count in machine.accelerators) / machine.gpus
            compute = compute * (machine.typical_mfu / weighted)
        time = np.maximum(compute, w.io_time_s)
        per_gpu = (at(f"{base}.power_per_gpu", wl.power_per_gpu_w) if wl.power_per_gpu_w is not None
                   else it_power(k) / phase.gpus)
        energy = w.gpus * per_gpu * time * pue
    return {"time": time, "gpu_hours": w.gpus * time / 3600.0, "energy": energy, "cost": energy * price,
            "emissions": energy * carbon}


def _typical(cat, acc: str) -> float:
    mfu = cat.accelerators[acc].typical_mfu
    return 0.4 if mfu is None else mfu  # as planner/model/cluster.py


def goodput(rate, gpus: float, delta: float, restart: float):
    """planner/perf/failures.py's goodput for an array of failure rates (per accelerator-hour):
    (1 - (tau/2 + R)/M) / (1 + delta/tau), tau = sqrt(2 delta M), M = 1 / (N rate); 0 where
    failures come faster than the run recovers (it never finishes), 1 with no failures."""
    import numpy as np

    rate = np.asarray(rate, dtype=float) * gpus
    with np.errstate(divide="ignore", invalid="ignore"):
        mtbf = np.where(rate > 0, 3600.0 / rate, np.inf)
        loss = np.sqrt(2 * delta * mtbf) / 2 + restart
        g = np.where(loss < mtbf, (1 - loss / mtbf) / (1 + np.sqrt(delta / (2 * mtbf))), 0.0)
    return np.where(np.isinf(mtbf), 1.0, g)
