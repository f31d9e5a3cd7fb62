"""Which input moves a figure most: every numeric input of the plan and of the catalog entries
it uses (planner.inputs) is set to (1 - step) and (1 + step) times its value, the plan is
evaluated at each, and the inputs are ranked by elasticity, the central difference

    e = (ln m+ - ln m-) / (ln x+ - ln x-)

(d ln metric / d ln input: the percentage change of the metric for a 1% change of the input).
A compute-bound run's time has e = -1 for its MFU and for its accelerator count, +1 for its
tokens. Inputs whose change leaves the metric unchanged are counted, not listed; a change the
plan refuses on one side (a PUE below 1, an MFU above 1) gives a one-sided difference; one it
refuses on both sides (a tensor size that no longer divides the heads) is listed apart.
Whole-number inputs are rounded (8 accelerators per node become 7 and 9)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import PlanError
from .evaluation import evaluate
from .inputs import Input, inputs
from .metrics import metric, value

DEFAULT_STEP = 0.10
UNCHANGED = 1e-12  # a relative change of the metric below this is no change


STEP_NOTICE = 1e-3  # relative changes below this are not called a step (Effect.monotone)


@dataclass(frozen=True)
class Effect:
    path: str  # the input's key path (a plan field, or catalog.KIND.ID.FIELD)
    where: str  # "plan" | "catalog"
    doc: str  # what the input is
    dim: str
    value: float  # the input as the plan has it
    low: float  # the input lowered and raised
    high: float
    metric_low: float  # the metric at each
    metric_high: float
    elasticity: float | None  # None when the metric is 0 or infinite at one end

    def monotone(self, base: float) -> bool:
        """False when lowering and raising the input both move the metric the same way (a step,
        such as nodes of 9 accelerators that a tensor group of 8 no longer fits): the elasticity
        then understates the effect. Changes both below 0.1% are too small to call either way (a
        shallow optimum, such as the sequence length's trade of per-step costs against attention)."""
        if base and max(abs(self.metric_low - base), abs(self.metric_high - base)) < STEP_NOTICE * abs(base):
            return True
        return not (self.metric_low - base) * (self.metric_high - base) > 0

    def change(self, which: str, base: float) -> float:
        """The metric's relative change at the low or high input (0.05 for +5%)."""
        m = self.metric_low if which == "low" else self.metric_high
        return m / base - 1 if base and math.isfinite(m) else math.inf


@dataclass(frozen=True)
class Sensitivity:
    metric: str
    label: str
    dim: str
    workload: str | None  # the workload of a workload metric
    step: float
    base: float  # the metric at the plan as it is
    effects: tuple[Effect, ...]  # ranked by |elasticity|, largest first
    unaffected: int  # inputs perturbed that leave the metric as it is
    refused: tuple  # ((path, why), ...): inputs whose change the plan does not accept

    def to_dict(self) -> dict:
        def num(v):
            return v if v is None or math.isfinite(v) else None

        return {"metric": self.metric, "label": self.label, "dimension": self.dim, "workload": self.workload,
                "step": self.step, "value": num(self.base), "unaffected_inputs": self.unaffected,
                "inputs": [{"path": e.path, "where": e.where, "meaning": e.doc, "dimension": e.dim, "value": e.value,
                            "low": e.low, "high": e.high, "metric_low": num(e.metric_low),
                            "metric_high": num(e.metric_high), "elasticity": e.elasticity,
                            "monotone": e.monotone(self.base)} for e in self.effects],
                "refused": [{"path": p, "why": why} for p, why in self.refused]}


def _ends(inp: Input, step: float) -> tuple[float, float]:
    lo, hi = inp.value * (1 - step), inp.value * (1 + step)
    if inp.spec.kind == "int":
        return float(round(lo)), float(round(hi))
    return lo, hi


def _typed(inp: Input, v: float):
    return int(v) if inp.spec.kind == "int" else v


def _metric_at(plan, inp: Input, v: float, metric_name: str, workload: int) -> tuple[float | None, str]:
    """The metric with the input at ``v``, or (None, why the plan refuses that value)."""
    try:
        return value(evaluate(inp.set(plan, _typed(inp, v))), metric_name, workload), ""
    except PlanError as exc:
        p = exc.problems[0]
        return None, f"{p.path}: expected {p.expected}" + (f", found {p.found}" if p.found else "")


def sensitivity(plan, metric_name: str = "time", workload: int = 0, step: float = DEFAULT_STEP,
                results=None) -> Sensitivity:
    """The elasticity of ``metric_name`` (planner.metrics) to every input, ranked."""
    if not 0 < step < 1:
        raise ValueError(f"step must be between 0 and 1 (a fraction), not {step}")  # callers check theirs
    m = metric(metric_name)
    base_results = results if results is not None else evaluate(plan)
    base = value(base_results, metric_name, workload)
    effects, refused, unaffected = [], [], 0
    for inp in inputs(plan, workload if m.of_workload else None):
        if not m.of_workload and inp.path.startswith("workloads"):
            continue  # a workload's fields never move the cluster's figures
        lo, hi = _ends(inp, step)
        if inp.value == 0 or lo == inp.value or hi == inp.value or lo <= 0:
            continue  # zero, or a whole number too small to move by the step
        (m_lo, why_lo), (m_hi, why_hi) = (_metric_at(plan, inp, v, metric_name, workload) for v in (lo, hi))
        if m_lo is None and m_hi is None:
            refused.append((inp.path, why_lo or why_hi))
            continue
        if m_lo is None:  # the plan refuses the lower value (a PUE below 1): a one-sided difference
            lo, m_lo = inp.value, base
        if m_hi is None:  # ... or the higher one (an MFU above 1)
            hi, m_hi = inp.value, base
        if m_lo == m_hi or (math.isfinite(m_lo) and abs(m_hi - m_lo) <= UNCHANGED * max(abs(base), 1e-300)):
            unaffected += 1
            continue
        e = None
        if m_lo > 0 and m_hi > 0 and math.isfinite(m_lo) and math.isfinite(m_hi):
            e = (math.log(m_hi) - math.log(m_lo)) / (math.log(hi) - math.log(lo))
        effects.append(Effect(inp.path, inp.where, inp.spec.doc, inp.dim, inp.value, lo, hi, m_lo, m_hi, e))
    effects.sort(key=lambda e: -abs(e.elasticity) if e.elasticity is not None else -math.inf)
    name = plan.workloads[workload].name if m.of_workload and plan.workloads else None
    return Sensitivity(metric_name, m.label, m.dim, name, step, base, tuple(effects), unaffected, tuple(refused))
