"""The difference of each headline figure from a pinned baseline design, as the window's cards
and build-out table show it: ``+12.4% vs baseline``. Qt-free; the window keeps the baseline's
plan and results in its view state (ui/view_state.py)."""

from __future__ import annotations

import math

SAME = 1e-9  # relative differences below this read "same as baseline"


def card_values(results, workload: int, precision: str) -> dict[str, float | None]:
    """The numbers behind the dashboard's cards (ui/dashboard.py CARDS), by card key."""
    out: dict[str, float | None] = {
        "gpus": float(results.gpus), "peak": results.peak_flops.get(precision),
        "it_power": results.power.it_w, "facility_power": results.power.facility_w,
        "capex": results.cost.capex_usd, "opex": results.cost.opex_usd_per_year,
    }
    w = results.workloads[workload] if 0 <= workload < len(results.workloads) else None
    out["sustained"] = getattr(w, "sustained_flops", None)
    out["time"] = w.time_s if w is not None else None
    out["energy"] = w.energy_j if w is not None else None
    out["emissions"] = w.emissions_kg if w is not None else None
    return out


def matching_workload(current_results, workload: int, baseline_results) -> int | None:
    """The baseline's workload to compare the selected one with: the one of the same name, else
    the one at the same position, else none."""
    if not 0 <= workload < len(current_results.workloads):
        return None
    name = current_results.workloads[workload].name
    names = [w.name for w in baseline_results.workloads]
    if name in names:
        return names.index(name)
    return workload if workload < len(names) else None


def change_text(now: float | None, then: float | None) -> str:
    """``+12.4% vs baseline``, ``same as baseline``, or why there is nothing to compare."""
    if now is None:
        return ""
    if then is None:
        return "not in baseline"
    if not (math.isfinite(now) and math.isfinite(then)):
        return "same as baseline" if now == then else ("never finishes" if math.isinf(now) else "baseline: never")
    if then == 0:
        return "same as baseline" if now == 0 else "baseline: 0"
    rel = now / then - 1
    return "same as baseline" if abs(rel) < SAME else f"{rel:+.1%} vs baseline"


def card_deltas(current, workload: int, baseline, precision: str) -> dict[str, str]:
    """Each card's change against the baseline's results, by card key."""
    now = card_values(current, workload, precision)
    other = matching_workload(current, workload, baseline)
    then = card_values(baseline, other if other is not None else -1, precision)
    return {k: change_text(v, then.get(k)) for k, v in now.items()}


PHASE_COLUMNS = (  # the build-out table's numeric columns: (column index, read(phase, precision))
    (1, lambda ph, p: float(ph.gpus)), (2, lambda ph, p: ph.peak_flops.get(p, 0.0)),
    (3, lambda ph, p: ph.power.it_w), (4, lambda ph, p: ph.power.facility_w), (5, lambda ph, p: float(ph.racks.racks)),
    (6, lambda ph, p: ph.storage.capacity_bytes), (7, lambda ph, p: ph.storage.read_bandwidth_bytes_per_s),
    (8, lambda ph, p: ph.cost.capex_usd),
)


def phase_deltas(current, baseline, precision: str) -> list[dict[int, str]]:
    """For each phase of ``current``, {column: change text} against the baseline's phase of the
    same name (empty for a phase the baseline lacks)."""
    by_name = {ph.name: ph for ph in baseline.phases}
    out = []
    for ph in current.phases:
        then = by_name.get(ph.name)
        out.append({} if then is None else {col: change_text(read(ph, precision), read(then, precision))
                                             for col, read in PHASE_COLUMNS})
    return out
