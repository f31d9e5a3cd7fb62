"""The residuals table behind the performance model's error bars (planner/perf/residuals.json,
read by planner/perf/intervals.py): for each validation run, ln(published / predicted tokens/s).

Two separate steps, so the source of runs can change without touching the table's format:

1. records: what each run published and what the model predicts for it (``Record``); today
   from the shared calibration runs (``calibration_records``), later from the validation suite;
2. ``table(records)``: the JSON document ``intervals.py`` reads; ``write`` saves it.

    python -m planner.validation_residuals calibration-runs.yaml [--write [PATH]]
    python -m planner.validation_residuals validation/runs/*.yaml [--write [PATH]]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_text

TABLE = Path(__file__).parent / "perf" / "residuals.json"


def model_version() -> str:
    """The commit the model was at (``git describe``), or 'unknown' outside a checkout."""
    import subprocess

    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=Path(__file__).parent,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"commit {done.stdout.strip()}" if done.returncode == 0 and done.stdout.strip() else "unknown"


@dataclass(frozen=True)
class Record:
    """One validation run. Both rates in the same unit (per GPU or for the whole run)."""

    id: str
    source: str
    software: str  # the training stack: megatron | fsdp | deepspeed
    generation: str  # the accelerator's generation (catalog accelerators.yaml ``generation``)
    gpus: int
    published_tokens_per_s: float
    predicted_tokens_per_s: float

    @property
    def log_ratio(self) -> float:
        return math.log(self.published_tokens_per_s / self.predicted_tokens_per_s)


def table(records: list[Record], generated_by: str, version: str = "") -> dict:
    """The residuals document (schema: planner/perf/intervals.py)."""
    return {"generated_by": generated_by, "model_version": version or model_version(),
            "runs": [{"id": r.id, "source": r.source, "software": r.software, "generation": r.generation,
                      "gpus": r.gpus, "log_ratio": round(r.log_ratio, 4)} for r in records]}


def dumps(doc: dict) -> str:
    """The table as JSON text, one run a line (diffs show which runs moved)."""
    head = {k: v for k, v in doc.items() if k != "runs"}
    lines = [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    runs = ",\n".join(f"  {json.dumps(r)}" for r in doc["runs"])
    return "{\n" + "\n".join(lines) + '\n "runs": [\n' + runs + "\n ]\n}\n"


def write(records: list[Record], path: Path = TABLE, generated_by: str = "") -> None:
    write_text(path, dumps(table(records, generated_by)))


# -- records from plan files with a ``published:`` block (validation/runs/*.yaml) ----------------
def published_per_gpu(workload, result) -> float | None:
    """A workload's published figure as tokens/s per accelerator: a token rate as given; a step
    time as global batch x sequence / step / GPUs; an MFU or achieved FLOP/s as the predicted
    rate scaled by published / predicted (the same FLOPs convention on both sides)."""
    pub, pr = workload.published, result.predicted
    if pub is None or pr is None:
        return None
    per_gpu = pr.tokens_per_s / pr.gpus_used
    if pub.token_rate is not None:
        return pub.token_rate
    if pub.step_time_s is not None:
        return pr.global_batch * workload.model.sequence_length / pub.step_time_s / pr.gpus_used
    if pub.mfu is not None:
        return per_gpu * pub.mfu / pr.mfu
    if pub.achieved_flops is not None:
        return per_gpu * pub.achieved_flops / pr.achieved_flops_per_gpu
    return None


def record_of(run_id: str, plan, source: str = "") -> Record | None:
    """The record of a plan's first training workload that has both a published figure (or the
    ``source`` and rate given by the caller, see ``calibration_records``) and a prediction."""
    from .catalog import for_plan
    from .evaluation import evaluate

    r = evaluate(plan)
    for w, result in zip(plan.workloads, r.workloads, strict=True):
        pr = getattr(result, "predicted", None)
        published = published_per_gpu(w, result) if getattr(w, "published", None) is not None else None
        if pr is None or published is None:
            continue
        phase = next(p for p in r.phases if p.name == result.phase)
        generation = for_plan(plan).accelerators[phase.machine.accelerator].generation or "unknown"
        return Record(run_id, source or w.published.source, w.software, generation, result.gpus, published,
                      pr.tokens_per_s / pr.gpus_used)
    return None


def plan_records(paths) -> list[Record]:
    """A record per validation plan file (``validation/runs/*.yaml``), named by its file."""
    from .planio import load

    found = [record_of(Path(p).stem, load(p)) for p in sorted(paths)]
    return [r for r in found if r is not None]


# -- records from /work/shared/reference/calibration-runs.yaml ---------------------------------
# Software stacks of the calibration sources: Korthikanti et al. and Nemotron-4 ran Megatron-LM
# (NeMo); MosaicML's llm-foundry runs PyTorch FSDP (its notes: FULL_SHARD).
SOFTWARE_BY_PREFIX = (("kort-", "megatron"), ("nemotron", "megatron"), ("mpt-", "fsdp"))
# What a row's note states about the shape that its model block leaves out (Nemotron-4 15B:
# GQA with 8 KV heads and a squared-ReLU MLP, Parmar et al. 2024 Table 1; MPT ties its
# embeddings, llm-foundry's mpt configs).
SHAPE_EXTRAS = (("nemotron", {"kv_heads": 8, "mlp": "relu2"}), ("mpt-", {"tied_embeddings": True}))
# The A100 40GB runs' nodes: a DGX A100 with 40 GB parts (NVIDIA DGX A100 datasheet, 320 GB model).
DGX_A100_40GB = {"dgx-a100-40gb": {"name": "DGX A100 (8 x A100 40GB)", "accelerator": "a100-40gb",
                                   "accelerators": 8, "max_power": "6.5 kW", "fabric_ports": 8}}


def _pick(table_: tuple, run_id: str, default=None):
    return next((v for prefix, v in table_ if run_id.startswith(prefix)), default)


def calibration_plan(row: dict) -> dict:
    """A plan (as data, for planner.planio) of one calibration row: its nodes, fabric, shape,
    batch, layout and stack, training 1e9 tokens (the rate does not depend on the count), its
    published token rate as the ``published:`` block."""
    model = {**row["model"], "flash_attention": row.get("flash_attention", False),
             **_pick(SHAPE_EXTRAS, row["id"], {})}
    layout = {**row["layout"], "data": "auto"}
    plan = {"name": row["id"], "phases": [{"name": "run", "nodes": [{"system": row["system"],
                                                                    "count": row["gpus"] // 8}]}],
            "network": {"fabric": row["fabric"]},
            "workloads": [{"name": row["id"], "model": model, "tokens": 1e9, "global_batch": row["global_batch"],
                           "precision": row["precision"], "parallelism": layout,
                           "software": _pick(SOFTWARE_BY_PREFIX, row["id"], "megatron"),
                           "published": {"token_rate": f"{row['tokens_per_s_per_gpu']} tokens/s",
                                         "source": row["source"]}}]}
    if row["system"] in DGX_A100_40GB:
        plan["catalog"] = {"systems": DGX_A100_40GB}
    return plan


def calibration_records(path: Path) -> list[Record]:
    """A record per calibration row: its published tokens/s per GPU against the prediction."""
    import yaml

    from .planio import loads

    rows = yaml.safe_load(Path(path).read_text())["runs"]
    found = [record_of(row["id"], loads(yaml.safe_dump(calibration_plan(row)), f"{path}:{row['id']}"))
             for row in rows]
    return [r for r in found if r is not None]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m planner.validation_residuals", description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", help="calibration-runs.yaml (shared/reference), or validation plan files "
                   "(each with a training workload carrying a published: block)")
    p.add_argument("--write", metavar="PATH", nargs="?", const=str(TABLE), help="write the table (default: "
                   "planner/perf/residuals.json); without it, print the residuals")
    args = p.parse_args(argv)
    yaml_table = len(args.runs) == 1 and Path(args.runs[0]).name == "calibration-runs.yaml"
    records = calibration_records(Path(args.runs[0])) if yaml_table else plan_records(args.runs)
    for r in records:
        print(f"{r.id:<24} {r.software:<9} {r.generation:<8} {r.gpus:>5}  published {r.published_tokens_per_s:>9,.0f}"
              f"  predicted {r.predicted_tokens_per_s:>9,.0f}  ln ratio {r.log_ratio:+.3f}")
    unknown = [r.id for r in records if r.generation == "unknown"]
    if unknown:
        print(f"{len(unknown)} runs on accelerators that name no generation (add `generation:` to their "
              f"catalog entry): {', '.join(unknown)}", file=sys.stderr)
    if args.write:
        given = "calibration-runs.yaml" if yaml_table else "validation/runs/*.yaml"
        write(records, Path(args.write), f"python -m planner.validation_residuals {given} --write")
    return 0


if __name__ == "__main__":
    sys.exit(main())
