"""How sure a figure is: Monte Carlo over the inputs given as ranges (planner.ranges), each an
independent triangular distribution, vectorised with numpy.

The plan is evaluated once, at the modes; each sample's figures then follow in closed form
from that result (planner.propagate), all samples at once as arrays: 10,000 samples of the RSC
preset take about a millisecond (benchmarks/bench_uncertainty.py). A test checks the closed
form against ``evaluate`` of plans with every range set to its low or its high.

The performance model gives no prediction intervals of its own yet: a predicted run's step
time is a single figure, so only the ranges a plan states (MFU, measured rates, failure rate,
power, PUE, prices, carbon intensity) spread the results. Inputs are sampled independently
(no correlation between, say, electricity price and PUE)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .evaluation import evaluate
from .inputs import ranged
from .metrics import METRICS
from .propagate import figures
from .ranges import triangular

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 0
REPORTED = ("time", "energy", "cost", "emissions", "facility_power", "capex", "opex")
PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class Spread:
    metric: str
    label: str
    dim: str
    at_modes: float  # the figure evaluated at every input's mode (what evaluate reports)
    p10: float
    p50: float
    p90: float
    mean: float
    never: float  # fraction of samples that never finish (an infinite time)


@dataclass(frozen=True)
class Uncertainty:
    workload: str | None
    samples: int
    seed: int
    inputs: tuple  # ((key path, low, mode, high, dimension), ...)
    spreads: tuple[Spread, ...]
    notes: tuple[str, ...] = ()
    draws: dict = field(default_factory=dict, compare=False, repr=False)  # metric -> samples (numpy)

    def spread(self, metric: str) -> Spread:
        return next(s for s in self.spreads if s.metric == metric)

    def to_dict(self) -> dict:
        def num(v):
            return v if math.isfinite(v) else None

        return {"workload": self.workload, "samples": self.samples, "seed": self.seed,
                "inputs": [{"path": p, "low": lo, "mode": mo, "high": hi, "dimension": d}
                           for p, lo, mo, hi, d in self.inputs],
                "figures": [{"metric": s.metric, "label": s.label, "dimension": s.dim, "at_modes": num(s.at_modes),
                             "p10": num(s.p10), "p50": num(s.p50), "p90": num(s.p90), "mean": num(s.mean),
                             "never_finishes": s.never} for s in self.spreads],
                "notes": list(self.notes)}


def draw(plan, samples: int, seed: int = DEFAULT_SEED) -> dict:
    """{key path: samples} for every input given as a range (numpy arrays of ``samples``)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return {path: triangular(rng, r.low, r.mode, r.high, samples) for path, r, _ in ranged(plan)}


def uncertainty(plan, workload: int = 0, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
                results=None) -> Uncertainty:
    """P10, P50 and P90 of the run's time, energy, cost and emissions and of the cluster's
    facility power, capex and electricity per year, over ``samples`` draws of the ranges."""
    import numpy as np

    if samples < 1:
        raise ValueError(f"samples must be at least 1, not {samples}")  # callers check theirs
    r = results if results is not None else evaluate(plan)
    found = ranged(plan)
    draws = draw(plan, samples, seed)
    index = workload if r.workloads else None
    values = figures(plan, r, index, draws, samples)
    spreads = []
    for name in REPORTED:
        if name not in values:
            continue
        x = values[name]
        finite = x[np.isfinite(x)]
        p10, p50, p90 = (float(v) for v in np.quantile(x, [p / 100 for p in PERCENTILES], method="inverted_cdf"))
        m = METRICS[name]
        at_modes = m.read(r, index if index is not None else 0)
        spreads.append(Spread(name, m.label, m.dim, at_modes, p10, p50, p90,
                              float(finite.mean()) if finite.size == x.size else math.inf,
                              1.0 - finite.size / x.size))
    notes = []
    if not found:
        notes.append("The plan gives no ranges, so every figure is certain: write an input as "
                     "{low: ..., mode: ..., high: ...} (mfu, pue, prices, failure_rate, ...) to see a spread.")
    if index is not None and "time" not in values:
        notes.append(f"The figures of a {r.workloads[index].kind} workload are not propagated; cluster figures are.")
    chosen = plan.workloads[index].name if index is not None else None
    inputs = tuple((p, rg.low, rg.mode, rg.high, spec.dim if spec.kind == "quantity" else "count")
                   for p, rg, spec in found)
    return Uncertainty(chosen, samples, seed, inputs, tuple(spreads), tuple(notes), values)
