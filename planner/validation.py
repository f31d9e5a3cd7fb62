"""The validation suite: published training runs (validation/runs/*.yaml, each a plan whose one
training workload carries a ``published:`` figure and its source) against the model's
prediction, the fit of the calibrated figures (planner/perf/calibration.py) and
leave-one-source-out cross-validation.

    python -m planner.validation                 # the table and the error figures
    python -m planner.validation --fit           # refit the calibration, print the values
    python -m planner.validation --cv            # leave-one-source-out cross-validation
    python -m planner.validation --write-residuals planner/perf/residuals.json
    python -m planner.validation --write-readme README.md

Errors are on the rate: +10% means the model predicts 10% faster than measured (a shorter
step, more tokens/s, more FLOP/s). Runs stated with ``parallelism: auto`` keep the layout the
search picks with the shipped calibration while a fit varies it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .evaluation import evaluate
from .perf.calibration import DEFAULT, Calibration
from .perf.predict import batch_of, machine_of, run_model, shape_of
from .perf.step import Machine, Shape
from .planio import load

RUNS = Path(__file__).resolve().parent.parent / "validation" / "runs"
UNITS = {"token_rate": "tokens/s/GPU", "step_time_s": "s/step", "mfu": "MFU", "achieved_flops": "TFLOP/s/GPU"}
# The values a fit may move, with their bounds (calibration paths).
FIT = (
    (("generations", "ampere", "gemm_max"), 0.45, 0.95),
    (("generations", "hopper", "gemm_max"), 0.35, 0.95),
    (("generations", "volta", "gemm_max"), 0.35, 0.95),
    (("generations", "blackwell", "gemm_max"), 0.3, 0.85),  # the H200 measured 0.80 at best
    (("generations", "hopper", "fp8_gemm"), 0.4, 1.0),
    (("generations", "hopper", "attention"), 0.2, 0.9),
    (("generations", "ampere", "attention"), 0.2, 0.9),
    (("expert_tokens_half",), 0.0, 4000.0),
    (("expert_launch_s",), 0.0, 200e-6),
    (("stacks", "fsdp", "memory_passes"), 1.0, 10.0),
    (("stacks", "fsdp", "gather_overlap"), 0.0, 1.0),
    (("stacks", "deepspeed", "memory_passes"), 1.0, 10.0),
    (("stacks", "megatron", "dp_overlap"), 0.0, 1.0),
    (("fabric_latency_s",), 1e-6, 60e-6),
)


@dataclass(frozen=True)
class Run:
    id: str
    source: str  # as published
    source_key: str  # one per paper or repository table: the unit of cross-validation
    software: str
    generation: str
    precision: str
    gpus: int
    figure: str  # which published figure: token_rate, step_time_s, mfu, achieved_flops
    published: float
    shape: Shape
    batch: int
    machine: Machine
    layouts: dict  # one layout, as arrays
    active_parameters: float


def source_key(text: str) -> str:
    """A short name for a source: its first word (two for NVIDIA's several sources and our own)."""
    words = re.split(r"[\s,(]+", text.strip())
    n = 2 if words[0].upper() in ("NVIDIA", "CLUSTER") else 1
    return "-".join(w.lower() for w in words[:n])


def load_runs(folder: Path = RUNS) -> list[Run]:
    runs = []
    for path in sorted(Path(folder).glob("*.yaml")):
        plan = load(path)
        results = evaluate(plan)
        w = plan.workloads[0]
        r = results.workloads[0]
        pr = r.predicted
        if pr is None or w.published is None:
            continue
        from .catalog import for_plan

        phase_index = next(i for i, p in enumerate(results.phases) if p.name == r.phase)
        phase = results.phases[phase_index]
        machine = machine_of(plan, for_plan(plan), phase_index, phase, w.precision, r.gpus, w)
        lay = pr.layout
        stated: dict[str, list] = {"tensor": [lay.tensor], "pipeline": [lay.pipeline], "data": [lay.data],
                   "microbatch": [lay.microbatch], "interleave": [lay.interleave], "zero": [lay.zero],
                   "recompute": [{"none": 0, "selective": 1, "full": 2}[lay.recompute]],
                   "sequence_parallel": [lay.sequence_parallel], "context": [lay.context], "expert": [lay.expert],
                   "shard_group": [getattr(lay, "shard_group", 0) or (w.parallelism.shard_group or 0
                                                                      if w.parallelism not in (None, "auto") else 0)],
                   "expert_overlap": [lay.expert_overlap], "tp_overlap": [lay.tp_overlap],
                   "offload": [{"none": 0, "optimizer": 1}[lay.offload]]}
        layouts = {k: np.array(v) for k, v in stated.items()}
        (figure, value), = w.published.figures().items()
        runs.append(Run(path.stem, w.published.source, source_key(w.published.source), w.software,
                        machine.generation, w.precision, int(pr.gpus_used), figure, float(value), shape_of(w),
                        batch_of(w), machine, layouts, float(r.active_parameters or 0.0)))
    return runs


def predicted(run: Run, cal: Calibration = DEFAULT) -> tuple[float, bool]:
    """The model's value of the run's published figure, and whether the layout fits."""
    parts = run_model(run.shape, run.batch, run.machine, run.layouts, cal)
    step = float(parts["step_time_s"][0])
    used = float(parts["gpus_used"][0])
    fits = bool(parts["fits"][0])
    if run.figure == "step_time_s":
        return step, fits
    if run.figure == "token_rate":
        return float(parts["tokens_per_s"][0]) / used, fits
    if run.figure == "achieved_flops":
        return float(parts["hardware_flops"][0]) / (step * used), fits
    peak = run.machine.peak_flops
    return 6 * run.active_parameters * float(parts["tokens_per_s"][0]) / (used * peak), fits


def ratio(run: Run, value: float) -> float:
    """Predicted rate / published rate (a step time counts inversely)."""
    if run.figure == "step_time_s":
        return run.published / value
    return value / run.published


def ratios(runs: list[Run], cal: Calibration = DEFAULT) -> np.ndarray:
    return np.array([ratio(r, predicted(r, cal)[0]) for r in runs])


def summary(r: np.ndarray) -> dict:
    err = np.abs(r - 1)
    return {"runs": int(len(r)), "median": float(np.median(err)), "p90": float(np.percentile(err, 90)),
            "worst": float(err.max()), "mean": float(err.mean()), "bias": float(np.median(r) - 1)}


def objective(runs: list[Run], cal: Calibration) -> float:
    return float(np.mean(np.abs(np.log(ratios(runs, cal)))))


def fit(runs: list[Run], cal: Calibration = DEFAULT, rounds: int = 3, points: int = 13) -> Calibration:
    """Coordinate descent over FIT: each value in turn set to the best of a grid over its
    bounds (narrowing each round), the objective the mean |log(predicted / published)|.
    Values no run depends on (no run of that generation or stack) keep their shipped value."""
    best = objective(runs, cal)
    lows = {p: lo for p, lo, _ in FIT}
    highs = {p: hi for p, _, hi in FIT}
    for _ in range(rounds):
        for path, _, _ in FIT:
            if not _used(runs, path):
                continue
            lo, hi = lows[path], highs[path]
            for x in np.linspace(lo, hi, points):
                trial = cal.set(path, float(x))
                value = objective(runs, trial)
                if value < best - 1e-12:
                    best, cal = value, trial
            span = (hi - lo) / 4
            here = cal.get(path)
            lows[path], highs[path] = max(lo, here - span), min(hi, here + span)
    return cal


def _used(runs: list[Run], path: tuple) -> bool:
    if path[0] == "generations":
        return any(r.generation == path[1] and (path[2] != "fp8_gemm" or r.machine.fp8) for r in runs)
    if path[0] == "stacks":
        return any(r.software == path[1] for r in runs)
    return True


def cross_validate(runs: list[Run], cal: Calibration = DEFAULT) -> dict:
    """Leave one source out: fit without its runs, predict them. Run id -> ratio."""
    out = {}
    for key in sorted({r.source_key for r in runs}):
        train = [r for r in runs if r.source_key != key]
        fitted = fit(train, cal)
        for r in runs:
            if r.source_key == key:
                out[r.id] = ratio(r, predicted(r, fitted)[0])
    return out


def calibration_text(cal: Calibration) -> str:
    lines = []
    for path, _, _ in FIT:
        lines.append(f"{'.'.join(path)} = {cal.get(path):.6g}")
    return "\n".join(lines)


def table(runs: list[Run], cal: Calibration = DEFAULT, cv: dict | None = None) -> str:
    """Markdown: every run, published, predicted, error (and its cross-validated error)."""
    head = "| Run | Source | Stack | GPUs | Published | Predicted | Error |" + (" LOSO error |" if cv else "")
    rule = "|---|---|---|---:|---:|---:|---:|" + ("---:|" if cv else "")
    rows = [head, rule]
    for r in runs:
        value, fits = predicted(r, cal)
        shown = _figure(r, r.published), _figure(r, value) + ("" if fits else " (no fit)")
        err = ratio(r, value) - 1
        row = f"| {r.id} | {r.source_key} | {r.software} | {r.gpus:,} | {shown[0]} | {shown[1]} | {err:+.1%} |"
        if cv:
            row += f" {cv[r.id] - 1:+.1%} |"
        rows.append(row)
    return "\n".join(rows)


def _figure(r: Run, v: float) -> str:
    if r.figure == "achieved_flops":
        return f"{v / 1e12:.1f} TFLOP/s"
    if r.figure == "mfu":
        return f"{v:.1%} MFU"
    if r.figure == "step_time_s":
        return f"{v:.3g} s"
    return f"{v:,.0f} tok/s"


def residual_records(runs: list[Run], cal: Calibration = DEFAULT, cv: dict | None = None) -> list[dict]:
    """Per run: log(published / predicted) of its rate (the cross-validated one when given),
    for the prediction intervals (planner/perf/intervals.py)."""
    out = []
    for r in runs:
        rat = cv[r.id] if cv else ratio(r, predicted(r, cal)[0])
        out.append({"id": r.id, "source": r.source_key, "software": r.software, "generation": r.generation,
                    "gpus": r.gpus, "log_ratio": -math.log(rat)})
    return out


def coverage(runs: list[Run], cal: Calibration, records: list[dict], scale: float = 1.0) -> float:
    """Share of runs whose published rate falls inside the 80% interval the planner states for
    them (planner/perf/intervals.py), each interval built from the residuals of the OTHER
    sources' runs (its own source left out, as a new run would be)."""
    from .perf.intervals import interval

    inside = 0
    for r in runs:
        others = [x for x in records if x["source"] != r.source_key]
        iv = interval(r.software, r.generation, r.gpus, others, scale)
        if iv is None:
            continue
        truth = 1 / ratio(r, predicted(r, cal)[0])  # published / predicted rate
        inside += iv.low <= truth <= iv.high
    return inside / len(runs)


def interval_scale(runs: list[Run], cal: Calibration, records: list[dict], target: float = 0.8) -> float:
    """The smallest widening (steps of 0.05 from 1) at which the intervals, each built without its
    run's source, cover ``target`` of the published figures (planner/perf/intervals.py, rule 4)."""
    for scale in np.arange(1.0, 4.0001, 0.05):
        if coverage(runs, cal, records, float(scale)) >= target:
            return round(float(scale), 2)
    return 4.0


def readme_section(runs: list[Run], cal: Calibration, cv: dict) -> str:
    fitted, loso = summary(ratios(runs, cal)), summary(np.array([cv[r.id] for r in runs]))
    records = residual_records(runs, cal, cv)
    scale = interval_scale(runs, cal, records)
    raw, covered = coverage(runs, cal, records), coverage(runs, cal, records, scale)
    sources = sorted({r.source_key for r in runs})
    return "\n".join([
        f"{len(runs)} published runs from {len(sources)} sources ({', '.join(sources)}); each a plan file in "
        "`validation/runs/` naming its source, table and row. Error = predicted rate / published rate - 1 "
        "(+ means the model is optimistic).",
        "",
        "| | Median error | 90th percentile | Worst | Median bias |",
        "|---|---:|---:|---:|---:|",
        f"| Shipped calibration (fitted on all runs) | {fitted['median']:.1%} | {fitted['p90']:.1%} | "
        f"{fitted['worst']:.1%} | {fitted['bias']:+.1%} |",
        f"| Leave one source out (fitted without the run's source) | {loso['median']:.1%} | {loso['p90']:.1%} | "
        f"{loso['worst']:.1%} | {loso['bias']:+.1%} |",
        "",
        f"Prediction intervals: each run's 80% interval is built, as a new run's would be, from the "
        f"cross-validated residuals of the other sources' runs like it. Taken at their spread they hold "
        f"the published figure for {raw:.0%} of the {len(runs)} runs; widened by {scale:.2f} (the one "
        f"factor the planner ships, `interval_scale` in `planner/perf/residuals.json`) they hold {covered:.0%}.",
        "",
        "<details><summary>Every run</summary>",
        "",
        table(runs, cal, cv),
        "",
        "</details>",
    ])


BEGIN, END = "<!-- validation:begin -->", "<!-- validation:end -->"


def write_readme(path: Path, text: str) -> None:
    old = path.read_text()
    a, b = old.index(BEGIN) + len(BEGIN), old.index(END)
    path.write_text(old[:a] + "\n" + text + "\n" + old[b:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m planner.validation", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=Path, default=RUNS)
    ap.add_argument("--fit", action="store_true", help="refit the calibration and print its values")
    ap.add_argument("--cv", action="store_true", help="leave-one-source-out cross-validation")
    ap.add_argument("--write-residuals", type=Path, help="write the cross-validated residuals (JSON)")
    ap.add_argument("--write-readme", type=Path, help="replace the README's validation section")
    args = ap.parse_args(argv)
    runs = load_runs(args.runs)
    cal = fit(runs) if args.fit else DEFAULT
    if args.fit:
        print(calibration_text(cal))
    cv = cross_validate(runs, DEFAULT) if (args.cv or args.write_residuals or args.write_readme) else None
    print(table(runs, cal, cv))
    s = summary(ratios(runs, cal))
    print(f"\n{s['runs']} runs: median |error| {s['median']:.1%}, P90 {s['p90']:.1%}, worst {s['worst']:.1%}, "
          f"median bias {s['bias']:+.1%}")
    if cv:
        c = summary(np.array([cv[r.id] for r in runs]))
        print(f"leave one source out: median |error| {c['median']:.1%}, P90 {c['p90']:.1%}, worst {c['worst']:.1%}")
        records = residual_records(runs, cal, cv)
        scale = interval_scale(runs, cal, records)
        print(f"80% intervals cover {coverage(runs, cal, records):.0%} of the runs; widened by {scale:.2f}, "
              f"{coverage(runs, cal, records, scale):.0%}")
    if args.write_residuals and cv:
        records = residual_records(runs, cal, cv)
        args.write_residuals.write_text(json.dumps({
            "generated_by": "python -m planner.validation --write-residuals",
            "interval_scale": interval_scale(runs, cal, records), "runs": records}, indent=1) + "\n")
    if args.write_readme and cv:
        write_readme(args.write_readme, readme_section(runs, cal, cv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
