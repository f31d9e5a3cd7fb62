"""Error bars of the performance model: an 80% interval around a predicted throughput, from how
far the model missed on published runs like it (the residuals table ``residuals.json`` beside
this module, written by ``python -m planner.validation --write-residuals
planner/perf/residuals.json``: leave-one-source-out residuals, each run predicted by the model
calibrated without its source).

The table: ``{"generated_by", "runs": [{"id", "source", "software", "generation", "gpus",
"log_ratio"}, ...]}`` with ``log_ratio = ln(published / predicted rate)`` of each run.

Which runs are "like" a prediction: the same training stack (``software``), accelerator
generation (catalog ``generation``) and scale band (up to 64 GPUs, up to 1,024, more). With
fewer than ``MIN_RUNS`` such runs the group widens: drop the scale band, then the generation
(same stack anywhere), then the stack (same generation, any stack), then all runs; ``basis``
says which group was used. An unknown generation skips the groups that need one.

The interval, from the group's n log ratios (rule of this module, stated so it can be checked):

1. the empirical 10th and 90th percentiles (linear interpolation, numpy's default) and the
   median m;
2. each percentile's distance from m multiplied by
   k(n) = t(0.90, n - 1) x sqrt(1 + 1/n) / z(0.90),
   the ratio of the normal-theory 80% prediction interval of a new run from n runs (Student's t,
   the mean estimated too) to the one from a known distribution (z(0.90) = 1.2816). k is 2.94 for
   2 runs, 1.17 for 8, 1.05 for 23 and tends to 1: a small group's spread is widened by its own
   uncertainty. (Hahn & Meeker, Statistical Intervals, 1991, section 4.5: the prediction interval
   x̄ ± t s sqrt(1 + 1/n).)
3. the factors on tokens/s are exp(m + k (P10 - m)) and exp(m + k (P90 - m)); a step time's or a
   run's time are the reciprocals, swapped (time scales as 1 / throughput).

4. both distances are then multiplied by the table's ``interval_scale`` (1 when absent): the one
   factor that makes the stated 80% intervals hold 80% of the published figures on the
   validation suite, each run's interval built without its own source's runs (a setting the
   residuals never saw is wider than the spread of those it did).

Fewer than 2 runs in all: no interval (None). The interval need not contain the prediction: a
model that under-predicts a stack shows it as a range above the point figure.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

RESIDUALS = Path(__file__).with_name("residuals.json")
MIN_RUNS = 8  # runs a group needs before it stands alone
COVERAGE = 0.80
BANDS = ((64, "up to 64 GPUs"), (1024, "65 to 1,024 GPUs"), (math.inf, "over 1,024 GPUs"))
Z90 = 1.2815515655446004  # standard normal 90th percentile
# Student's t 90th percentile for 1..30 degrees of freedom (any statistics table, e.g. NIST/SEMATECH
# e-Handbook of Statistical Methods, section 1.3.6.7.2)
T90 = (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372, 1.363, 1.356, 1.350, 1.345, 1.341,
       1.337, 1.333, 1.330, 1.328, 1.325, 1.323, 1.321, 1.319, 1.318, 1.316, 1.315, 1.314, 1.313, 1.311, 1.310)


@dataclass(frozen=True)
class Interval:
    """Multiplicative factors on a predicted tokens/s: the 80% interval is [low x, high x]."""

    low: float
    high: float
    n: int  # runs behind it
    basis: str  # which runs, in words: "12 megatron runs (any accelerator)"

    def rate(self, value: float) -> tuple[float, float]:
        """The interval of a throughput (tokens/s, FLOP/s)."""
        return value * self.low, value * self.high

    def time(self, value: float) -> tuple[float, float]:
        """The interval of a time (step, run): the reciprocal factors, swapped."""
        return value / self.high, value / self.low


def t90(dof: int) -> float:
    """Student's t 90th percentile; beyond the table, its Cornish-Fisher expansion in 1/dof."""
    if dof <= len(T90):
        return T90[dof - 1]
    return Z90 + (Z90**3 + Z90) / (4 * dof)


def inflation(n: int) -> float:
    """k(n) of the module's rule: how much wider n runs make an interval than a known spread."""
    return t90(n - 1) * math.sqrt(1 + 1 / n) / Z90


def band_of(gpus: int) -> int:
    return next(i for i, (top, _) in enumerate(BANDS) if gpus <= top)


def load(path: Path = RESIDUALS) -> tuple[dict, ...]:
    """The runs of a residuals table. A broken table is our bug (it ships with the package)."""
    doc = json.loads(Path(path).read_text())
    runs = tuple(doc["runs"])
    for r in runs:
        missing = {"software", "generation", "gpus", "log_ratio"} - set(r)
        assert not missing, f"{path}: run {r.get('id', '?')} lacks {sorted(missing)}"
    return runs


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[dict, ...]:
    return load(RESIDUALS) if RESIDUALS.exists() else ()


@functools.lru_cache(maxsize=1)
def shipped_scale() -> float:
    """The shipped table's interval_scale (rule 4 of the module docstring)."""
    if not RESIDUALS.exists():
        return 1.0
    return float(json.loads(RESIDUALS.read_text()).get("interval_scale", 1.0))


def group(software: str, generation: str | None, gpus: int, runs) -> tuple[list[float], str]:
    """The log ratios of the runs like this one, and which group they are (module docstring)."""
    band = band_of(gpus)
    levels = []
    if generation:
        levels += [(lambda r: r["software"] == software and r["generation"] == generation
                    and band_of(r["gpus"]) == band, f"{software} runs on {generation}, {BANDS[band][1]}"),
                   (lambda r: r["software"] == software and r["generation"] == generation,
                    f"{software} runs on {generation} (any scale)")]
    levels.append((lambda r: r["software"] == software, f"{software} runs (any accelerator)"))
    if generation:
        levels.append((lambda r: r["generation"] == generation, f"runs on {generation} (any stack)"))
    levels.append((lambda r: True, "validation runs (all)"))
    found, basis = [], ""
    for keep, words in levels:
        found, basis = [float(r["log_ratio"]) for r in runs if keep(r)], words
        if len(found) >= MIN_RUNS:
            break
    return found, f"{len(found)} {basis}"


def interval(software: str, generation: str | None, gpus: int, runs=None,
             scale: float | None = None) -> Interval | None:
    """The 80% interval of a prediction for ``gpus`` accelerators of ``generation`` running
    ``software``, from ``runs`` (default: the shipped residuals table); None with under 2 runs."""
    runs = _shipped() if runs is None else runs
    ratios, basis = group(software, generation, gpus, runs)
    if len(ratios) < 2:
        return None
    x = np.asarray(ratios)
    m = float(np.median(x))
    p10, p90 = np.percentile(x, [100 * (1 - COVERAGE) / 2, 100 * (1 + COVERAGE) / 2])
    k = inflation(len(x)) * ((shipped_scale() if runs is None else 1.0) if scale is None else scale)
    return Interval(math.exp(m + k * (p10 - m)), math.exp(m + k * (p90 - m)), len(x), basis)


def with_interval(prediction, generation: str | None, software: str, runs=None):
    """``prediction`` (planner/perf/predict.py Prediction) with its ranges and their basis."""
    iv = interval(software, generation, prediction.gpus_used, runs)
    if iv is None:
        return prediction
    return replace(prediction, tokens_per_s_range=iv.rate(prediction.tokens_per_s),
                   step_time_s_range=iv.time(prediction.step_time_s), time_s_range=iv.time(prediction.time_s),
                   train_time_s_range=iv.time(prediction.train_time_s), interval_basis=iv.basis)
