"""Two or more designs side by side: their headline figures with the absolute and relative
difference of each against the first, and the plan fields that differ (key paths with every
plan's value). What ``cluster-planner compare`` prints and the window's Compare view and
baseline deltas show. Qt-free; plans are evaluated here unless their results are given."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .evaluation import evaluate
from .metrics import METRICS, value_text
from .yamldata import to_yaml_data


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    dim: str  # planner.units dimension; "count" for plain numbers
    values: tuple  # one per plan, SI units; None where a plan has no such figure

    def absolute(self, j: int) -> float | None:
        """Plan j's value minus the first plan's (None when either is missing or not finite)."""
        a, b = self.values[0], self.values[j]
        if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
            return None
        return b - a

    def relative(self, j: int) -> float | None:
        """(plan j - first) / first; None when the first is 0 or either is missing."""
        d = self.absolute(j)
        return None if d is None or self.values[0] == 0 else d / self.values[0]


@dataclass(frozen=True)
class Comparison:
    names: tuple[str, ...]  # one label per plan, first is the reference
    workloads: tuple  # the workload compared in each plan (None where it has none)
    rows: tuple[Row, ...]
    differences: tuple  # ((key path, (value text or None per plan)), ...)

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def to_dict(self) -> dict:
        def plain(v):
            return None if v is None or not math.isfinite(v) else v

        return {
            "plans": [{"name": n, "workload": w} for n, w in zip(self.names, self.workloads, strict=True)],
            "figures": [{"key": r.key, "label": r.label, "dimension": r.dim, "values": [plain(v) for v in r.values],
                         "differences": [None] + [{"absolute": r.absolute(j), "relative": r.relative(j)}
                                                  for j in range(1, len(r.values))]} for r in self.rows],
            "fields_differ": [{"path": p, "values": list(v)} for p, v in self.differences],
        }


CLUSTER_ROWS = (  # key, label, dim, read(results, precision)
    ("gpus", "Accelerators", "count", lambda r, p: r.gpus),
    ("nodes", "Nodes", "count", lambda r, p: r.nodes),
    ("racks", "Racks (compute)", "count", lambda r, p: r.racks.racks),
    ("peak", "Peak {p} (dense)", "flop_rate", lambda r, p: r.peak_flops.get(p)),
    ("it_power", "IT power under load", "power", lambda r, p: r.power.it_w),
    ("facility_power", "Facility power under load", "power", lambda r, p: r.power.facility_w),
    ("pue", "PUE", "count", lambda r, p: r.power.pue),
    ("capex", "Capital cost", "usd", lambda r, p: r.cost.capex_usd),
    ("opex", "Electricity per year", "usd", lambda r, p: r.cost.opex_usd_per_year),
    ("storage", "Storage capacity", "bytes", lambda r, p: r.storage.capacity_bytes),
    ("read_bandwidth", "Storage read bandwidth", "bandwidth", lambda r, p: r.storage.read_bandwidth_bytes_per_s),
    ("switches", "Fabric switches", "count", lambda r, p: r.network.switches),
)
WORKLOAD_ROWS = ("time", "gpu_hours", "energy", "cost", "emissions")


def pick_workloads(plans: Sequence, name: str | None, fallback: bool = False) -> list[int | None]:
    """The workload compared in each plan: the one called ``name`` (with ``fallback``, a plan
    without it gives its first); without a name, the first plan's first workload where every
    plan has one of that name, else each plan's first."""
    if name is None and plans and plans[0].workloads:
        name = plans[0].workloads[0].name
        fallback = False
        if not all(any(w.name == name for w in p.workloads) for p in plans):
            return [0 if p.workloads else None for p in plans]
    first = 0 if fallback else None
    return [next((i for i, w in enumerate(p.workloads) if w.name == name), first if p.workloads else None)
            for p in plans]


def compare(items: Sequence[tuple[str, Any]], precision: str = "bf16", workload: str | None = None,
            results: Sequence | None = None, fallback: bool = False) -> Comparison:
    """``items`` are (label, Plan) pairs, the first the reference; ``results`` their Results
    when already evaluated (the window has them); ``workload`` and ``fallback`` as in
    pick_workloads."""
    names = tuple(n for n, _ in items)
    plans = [p for _, p in items]
    evaluated = list(results) if results is not None else [evaluate(p) for p in plans]
    picks = pick_workloads(plans, workload, fallback)
    rows = [Row(key, label.format(p=precision), dim, tuple(_num(read(r, precision)) for r in evaluated))
            for key, label, dim, read in CLUSTER_ROWS]
    rows.append(Row("workload_gpus", "Accelerators of the run", "count",
                    tuple(None if i is None else float(r.workloads[i].gpus) for r, i in zip(evaluated, picks,
                                                                                           strict=True))))
    for key in WORKLOAD_ROWS:
        m = METRICS[key]
        rows.append(Row(key, m.label, m.dim, tuple(None if i is None else m.read(r, i)
                                                   for r, i in zip(evaluated, picks, strict=True))))
    chosen = tuple(None if i is None else p.workloads[i].name for p, i in zip(plans, picks, strict=True))
    return Comparison(names, chosen, tuple(rows), tuple(field_differences(plans)))


def _num(v) -> float | None:
    return None if v is None else float(v)


def flatten(data, prefix: str = "") -> dict[str, str]:
    """A plan's YAML data as {key path: value text}: ``phases[1].nodes[0].count: 2000``."""
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = str(data)
    return out


def field_differences(plans: Sequence) -> list[tuple[str, tuple]]:
    """Every key path whose value is not the same in all plans, with each plan's value text
    (None where a plan has no such key), in the order the paths first appear."""
    flat = [flatten(to_yaml_data(p)) for p in plans]
    paths: dict[str, None] = {}
    for f in flat:
        paths.update(dict.fromkeys(f))
    out = []
    for path in paths:
        values = tuple(f.get(path) for f in flat)
        if len(set(values)) > 1:
            out.append((path, values))
    return out


def delta_text(row: Row, j: int) -> str:
    """``+1.23 MW (+12.4%)``; ``—`` where there is no difference to state."""
    d, rel = row.absolute(j), row.relative(j)
    if d is None:
        return "—"
    sign = "+" if d > 0 else ("-" if d < 0 else "±")
    text = sign + value_text(abs(d), row.dim)
    return text + (f" ({rel:+.1%})" if rel is not None else "")
