"""Cluster Planner's step model side by side with NVIDIA's Calculon. Prints figures; asserts nothing.

    .venv/bin/pip install pandas psutil && .venv/bin/pip install -e /path/to/calculon
    .venv/bin/python benchmarks/bench_calculon.py

Calculon (github.com/calculon-ai/calculon, Isaev et al., SC23) is optional: without it the
script says how to get it and exits 2. Its system (A100 80GB, DGX nodes of 8 on NVLink 300 GB/s,
HDR InfiniBand 25 GB/s per GPU) and model files are copied, unchanged, in benchmarks/calculon/
(Apache-2.0, commit caa4b11); our Machine is built from that system file (same peak, HBM
bandwidth and size, NVLink and network bandwidth, GPUs per node) and our Shape from the model
files (GPT vocabulary 51,200, no FlashAttention, as Megatron ran then).

1. Published Megatron step times on Selene for models Calculon ships: Korthikanti et al. 2022
   table 5 (Calculon's own validation set, its `llm-validation`) and SC21 table 1's 530B and 1T
   rows: measured, Calculon, ours.
2. For Megatron 22B, GPT-3 175B and Megatron 1T, 20 layouts each (SC21's layout first, then a
   seeded sample) that both tools express: tensor 1-8 within a node, pipeline dividing the
   layers, data, microbatch, interleave, recompute none / selective / full, sequence parallelism
   on or off, ZeRO-1 (Calculon's optimizer sharding). Both step times, their ratio, both memory
   verdicts (Calculon: 80 GiB; ours: 92% of it), the two breakdowns where they differ by > 25%;
   per model the Spearman correlation, the share of pairs ordered alike, the median ratio and
   where each tool puts the other's best layout; then the same over every such layout.

Calculon runs as its validation does: TP (and a pipeline that fits in a node) on NVLink, other
PP and DP on InfiniBand, unfused GeLU, all-gathers redone with sequence parallelism, no overlap
or offload. Layouts whose weights, gradients and Adam states alone exceed 80 GiB are left out;
layouts that do not fit are timed all the same (Calculon on a copy with unbounded HBM).

Why they differ (breakdowns of the > 25% rows and of the best picks). Ours is slower almost
everywhere, 1.07x (22B) to 1.21x (1T) at the median:
- GEMMs: Calculon's A100 file runs a GEMM of >= 128 GFLOP at 95% of peak (achieved ~93%) and
  adds every op's HBM traffic after it; we run all matmuls at 72% x (h/t)/(h/t + 96) (~70%
  here, set against SC21 table 1) plus 2 HBM passes over the activations. On 175B and 1T our
  compute is 1.2-1.4x Calculon's; on 22B at t8 its small GEMMs drop to 78-88% and it is even.
- Logits: we put the output layer (6 m s h V / t) on the slowest stage; Calculon models the
  blocks only: +6% at 2 layers a stage, +12% at 1 (the 1T p128 rows, 1.29-1.40x).
- Tensor comm: Calculon's NVLink at 65% (ours 78%), reduce-scatter / all-gather at 1.5x the
  ring bytes and the all-gather redone backward with sequence parallelism (we omit it): its TP
  time is 1.3x ours without, 2.5-2.7x with sequence parallelism (the 22B t8 sp rows, 0.84x).
- Data comm: Calculon has one InfiniBand tier, each replica's gradients through its own NIC, not
  overlapped; we reduce inside the node on NVLink first, ring the rest over the fabric and hide
  up to 2/3 of a microbatch: our 22B best (t2 p1 d128) has 1.9 s of it in Calculon, 0 here.
- Memory: Calculon's optimizer sharding also shards gradients (ZeRO-2-like; Megatron's
  distributed optimizer keeps a full gradient buffer, as we do) and it does not shard
  full-recompute checkpoints over sequence parallelism (Korthikanti et al. and we divide by t):
  t4 p128 m4 full sp is 95 GiB there, 42 GiB here.
Calculon's own validation figures are available (README; `calculon llm-validation` reproduces
them): end-to-end 3.65% mean, 8.87% max error on Korthikanti's table 5; activation memory 2.1%
(fig. 1) and 6.7% (fig. 7) mean. Section 1 repeats the times. On SC21 table 1 the order flips: Calculon -9 to -12%, ours
+5 to +7%; the two papers' 1T runs (same work per pipeline) differ by 9% between themselves.
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The script's folder holds calculon/ (the JSON files), which would shadow the package: leave it off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

from planner.perf.predict import Layout, run_model  # noqa: E402
from planner.perf.step import RECOMPUTE_CODES, Machine, Shape, parameters_of  # noqa: E402

try:
    import calculon  # noqa: F401  (the package registers its commands on import)
    from calculon import System
    from calculon.llm import Llm
except ImportError as error:  # Calculon, or pandas / psutil that it imports, is missing
    print(f"Calculon is not importable ({error}). It is optional; to run this benchmark:\n"
          "    git clone https://github.com/calculon-ai/calculon /tmp/calculon\n"
          "    .venv/bin/pip install pandas psutil && .venv/bin/pip install -e /tmp/calculon")
    sys.exit(2)

DATA = HERE / "calculon"
VOCAB = 51200  # Megatron's GPT vocabulary (Calculon counts it in its parameters, not its compute)
GiB = 2**30
CAL_NAMES = {"none": "none", "selective": "attn_only", "full": "full"}
SAMPLE = 20  # layouts per model in the printed table
SEED = 11
# (Calculon model file, GPUs, global batch, the t and p of SC21 table 1's nearest model, full recompute)
RUNS = (("megatron-22B", 256, 1024, Layout(8, 1, 32, 1, 1, 0, "full", False)),
        ("gpt3-175B", 1024, 1536, Layout(8, 8, 16, 1, 1, 0, "full", False)),
        ("megatron-1T", 3072, 3072, Layout(8, 64, 6, 1, 1, 0, "full", False)))
# Published step times of runs whose models Calculon ships (Selene, DGX A100 80GB, HDR IB, m1):
# (source, model, GPUs, batch, t, p, v, recompute + sequence parallelism, seconds per step).
# Korthikanti et al. 2022 ("Reducing activation recomputation"), table 5, as Calculon's
# validation (calculon/llm/validation.py) has them; "full" = full recompute, "seqsel" = selective
# + sequence parallelism. SC21 (Narayanan et al.) table 1 gives teraFLOP/s per GPU: its step is
# eq. 3's 96 B s l h^2 (1 + s/6h + V/16lh) FLOPs / (TF x GPUs); v1 as our own validation test.
PUBLISHED = (("K22 t5", "megatron-22B", 8, 4, 8, 1, 1, "full", 1.42),
             ("K22 t5", "megatron-22B", 8, 4, 8, 1, 1, "seqsel", 1.10),
             ("K22 t5", "gpt3-175B", 64, 64, 8, 8, 3, "full", 18.13),
             ("K22 t5", "gpt3-175B", 64, 64, 8, 8, 3, "seqsel", 13.75),
             ("K22 t5", "turing-530B", 280, 280, 8, 35, 3, "full", 49.05),
             ("K22 t5", "turing-530B", 280, 280, 8, 35, 3, "seqsel", 37.83),
             ("K22 t5", "megatron-1T", 512, 512, 8, 64, 1, "full", 94.42),
             ("K22 t5", "megatron-1T", 512, 512, 8, 64, 1, "seqsel", 71.49),
             ("SC21 t1", "turing-530B", 2520, 2520, 8, 35, 1, "full", 163.0),
             ("SC21 t1", "megatron-1T", 3072, 3072, 8, 64, 1, "full", 163.0))
MICROBATCH_OF = {"megatron-22B": 4}  # K22's 22B run: batch 4 in one microbatch of 4


def load(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


SYSTEM = load("a100_80g")
UNBOUNDED = copy.deepcopy(SYSTEM)
UNBOUNDED["mem1"]["GiB"] = 10**6  # time layouts that do not fit; the verdict uses SYSTEM's 80 GiB


def machine(gpus: int) -> Machine:
    """Our Machine with Calculon's system's figures."""
    nvlink, fabric = SYSTEM["networks"]
    return Machine(gpus=gpus, gpus_per_node=nvlink["size"], peak_flops=SYSTEM["matrix"]["float16"]["tflops"] * 1e12,
                   memory_bytes=SYSTEM["mem1"]["GiB"] * GiB, memory_bandwidth=SYSTEM["mem1"]["GBps"] * 1e9,
                   scale_up_bandwidth=nvlink["bandwidth"] * 1e9, scale_out_bandwidth=fabric["bandwidth"] * 1e9)


def shape(app: dict) -> Shape:
    assert app["attn_heads"] * app["attn_size"] == app["hidden"] and app["feedforward"] == 4 * app["hidden"]
    L, h, s = app["num_blocks"], app["hidden"], app["seq_size"]
    return Shape(L, h, app["attn_heads"], s, VOCAB, parameters_of(L, h, s, VOCAB), flash_attention=False)


def execution(lay: Layout, batch: int) -> dict:
    node = SYSTEM["networks"][0]["size"]
    return {"num_procs": lay.tensor * lay.pipeline * lay.data, "tensor_par": lay.tensor,
            "pipeline_par": lay.pipeline, "data_par": lay.data, "tensor_par_net": 0,
            # pipeline over NVLink when the whole pipeline of tensor groups is in one node, as ours
            "pipeline_par_net": 0 if node % (lay.tensor * lay.pipeline) == 0 else 1,
            "data_par_net": 1, "batch_size": batch, "microbatch_size": lay.microbatch, "datatype": "float16",
            # unfused, as Calculon's validation: its activation memory then matches Korthikanti's measured
            "fused_activation": False, "attention_type": "multihead",
            "activation_recompute": CAL_NAMES[lay.recompute], "pipeline_interleaving": lay.interleave,
            "optimizer_sharding": lay.zero == 1, "tensor_par_comm_type": "rs_ag" if lay.sequence_parallel else "ar",
            "tensor_par_overlap": "none",
            # Megatron's sequence parallelism keeps the sharded input and redoes the all-gather in the
            # backward pass (Korthikanti et al. 4.2.2; Calculon allows it only without full recompute)
            "seq_par_ag_redo": lay.sequence_parallel and lay.recompute != "full", "data_par_overlap": False,
            "weight_offload": False, "activations_offload": False, "optimizer_offload": False, "training": True}


def calculon_run(app: dict, exe: dict) -> dict:
    """Calculon's step time, memory and parts for one execution."""
    model = Llm(Llm.Application(app), logging.getLogger("calculon"))
    model.compile(System(UNBOUNDED), Llm.Execution.from_json(exe))
    model.run(System(UNBOUNDED))
    st = model.get_stats_json(False)
    mem = st["proc_mem_tier1_cap_req"]
    return {"step": st["total_time"], "mem": mem, "fits": mem <= SYSTEM["mem1"]["GiB"] * GiB,
            "parts": {"compute": st["fw_time"] + st["bw_time"] + st["recompute_time"],
                      "tp": st["tp_comm_exposed_time"] + st["recomm_exposed_time"], "bubble": st["bubble_time"],
                      "pp": st["pp_comm_exposed_time"], "dp": st["dp_comm_exposed_time"],
                      "optim": st["optim_step_time"]}}


def ours(sh: Shape, batch: int, gpus: int, lays: list[Layout]) -> dict:
    """Our model over the layouts at once: step, memory, fits and the same six parts."""
    col = {k: np.array([getattr(x, k) for x in lays]) for k in
           ("tensor", "pipeline", "data", "microbatch", "interleave", "zero", "sequence_parallel")}
    col["recompute"] = np.array([RECOMPUTE_CODES[x.recompute] for x in lays])
    r = run_model(sh, batch, machine(gpus), col)
    return {"step": r["step_time_s"], "mem": r["memory_bytes"], "fits": r["fits"],
            "parts": {"compute": r["matmul_s"] + r["memory_bound_s"], "tp": r["tensor_comm_s"],
                      "bubble": r["pipeline_bubble_s"], "pp": r["pipeline_comm_s"],
                      "dp": r["data_comm_exposed_s"], "optim": r["optimizer_s"]}}


def space(sh: Shape, gpus: int, batch: int) -> list[Layout]:
    """Every layout both tools express on all ``gpus`` whose weights, gradients and Adam states
    (16 bytes a parameter, 4 + 12/d with ZeRO-1) fit in 80 GiB before activations."""
    L, out = sh.layers, []
    for t, p in itertools.product((1, 2, 4, 8), range(1, L + 1)):
        if L % p or gpus % (t * p) or sh.heads % t:
            continue
        d = gpus // (t * p)
        if batch % d:
            continue
        for m, v, z, rc, sp in itertools.product((1, 2, 4, 8), (1, 2, 3, 4), (0, 1), CAL_NAMES, (False, True)):
            micro = batch // d // m if (batch // d) % m == 0 else 0
            if (not micro or (v > 1 and (p == 1 or (L // p) % v or micro % p)) or (z and d == 1)
                    or (sp and t == 1)):
                continue
            if (4 + 12 / (d if z else 1)) * sh.parameters / (t * p) > SYSTEM["mem1"]["GiB"] * GiB:
                continue
            out.append(Layout(t, p, d, m, v, z, rc, sp))
    return out


def label(lay: Layout) -> str:
    return lay.text() + (" sp" if lay.sequence_parallel else "")


def ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties averaged."""
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(1, len(x) + 1)
    for value in np.unique(x):
        same = x == value
        r[same] = r[same].mean()
    return r


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def concordance(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pairs (i < j) that both orderings put the same way round."""
    i, j = np.triu_indices(len(a), 1)
    return float(np.mean(np.sign(a[i] - a[j]) == np.sign(b[i] - b[j])))


def agreement(c: dict, o: dict, lays: list[Layout]) -> list[str]:
    """Rank agreement of the two tools' step times, over all layouts and over those both say fit,
    and where each tool puts the other's best layout (of those the picking tool says fit)."""
    c_step, o_step, c_fit, o_fit = c["step"], o["step"], c["fits"], o["fits"]
    lines = []
    for what, sel in ((f"all {len(lays)}", np.ones(len(lays), bool)), (f"the {(c_fit & o_fit).sum()} that fit in both",
                                                                      c_fit & o_fit)):
        if sel.sum() > 2:
            lines.append(f"  {what}: Spearman {spearman(c_step[sel], o_step[sel]):.3f}, pairs ordered alike "
                         f"{100 * concordance(c_step[sel], o_step[sel]):.1f}%, median ratio ours/Calculon "
                         f"{np.median(o_step[sel] / c_step[sel]):.3f}")
    for who, them, step, fit, other, other_fit in (("Calculon", "ours", c_step, c_fit, o_step, o_fit),
                                                   ("our", "Calculon's", o_step, o_fit, c_step, c_fit)):
        if not fit.any():
            lines.append(f"  {who} finds no layout that fits")
            continue
        best = int(np.flatnonzero(fit)[np.argmin(step[fit])])
        if other_fit[best]:
            where = (f"#{int((other[other_fit] < other[best]).sum()) + 1} of the {other_fit.sum()} it says fit, "
                     f"{100 * (other[best] / other[other_fit].min() - 1):.1f}% slower than its best")
        else:
            where = (f"one it says does not fit ({o['mem'][best] / GiB:.0f} GiB ours, "
                     f"{c['mem'][best] / GiB:.0f} Calculon)")
        lines.append(f"  {who} best {label(lays[best])} ({step[best]:.2f} s) is {them} {where}")
    return lines


def parts_line(who: str, parts: dict, i: int) -> str:
    return f"      {who:<8}" + "  ".join(f"{k} {v[i]:7.2f}" for k, v in parts.items())


def sc21_seconds(app: dict, gpus: int, batch: int, tflops: float) -> float:
    """SC21 eq. 3: 96 B s l h^2 (1 + s/(6h) + V/(16 l h)) FLOPs a step, at ``tflops`` a GPU."""
    s, l, h = app["seq_size"], app["num_blocks"], app["hidden"]
    return 96 * batch * s * l * h**2 * (1 + s / (6 * h) + VOCAB / (16 * l * h)) / (tflops * 1e12 * gpus)


def published() -> None:
    print("1. Published Megatron runs (Selene, A100 80GB), s per step; K22 t5 is Calculon's own validation")
    print(f"   {'source':<8}{'model':<13}{'layout':<31}{'measured':>9}{'Calculon':>9}{'ours':>8}"
          f"{'Calc err':>10}{'our err':>9}")
    errs: dict = {"K22 t5": ([], []), "SC21 t1": ([], [])}
    for source, name, gpus, batch, t, p, v, run, figure in PUBLISHED:
        app = load(name)
        sel = run == "seqsel"
        lay = Layout(t, p, gpus // (t * p), MICROBATCH_OF.get(name, 1) if source == "K22 t5" else 1, v, 0,
                     "selective" if sel else "full", sel)
        seconds = figure if source == "K22 t5" else sc21_seconds(app, gpus, batch, figure)
        c = calculon_run(app, execution(lay, batch))["step"]  # as calculon/validation/seqsel/tab5/*.json
        o = float(ours(shape(app), batch, gpus, [lay])["step"][0])
        errs[source][0].append(c / seconds - 1)
        errs[source][1].append(o / seconds - 1)
        print(f"   {source:<8}{name:<13}{label(lay):<31}{seconds:9.2f}{c:9.2f}{o:8.2f}"
              f"{100 * (c / seconds - 1):+9.1f}%{100 * (o / seconds - 1):+8.1f}%")
    for source, (c_err, o_err) in errs.items():
        c_abs, o_abs = np.abs(c_err), np.abs(o_err)
        print(f"   {source}: Calculon mean |error| {100 * c_abs.mean():.1f}% (max {100 * c_abs.max():.1f}%), "
              f"ours {100 * o_abs.mean():.1f}% (max {100 * o_abs.max():.1f}%)")


def calculon_all(app: dict, lays: list[Layout], batch: int) -> dict:
    runs = [calculon_run(app, execution(x, batch)) for x in lays]
    return {"step": np.array([r["step"] for r in runs]), "mem": np.array([r["mem"] for r in runs]),
            "fits": np.array([r["fits"] for r in runs]),
            "parts": {k: np.array([r["parts"][k] for r in runs]) for k in runs[0]["parts"]}}


def compare() -> None:
    print("\n2. Layouts both tools express (A100 80GB DGX, NVLink 300 GB/s, IB 25 GB/s per GPU), s per step")
    rng = np.random.default_rng(SEED)
    pooled: list = []  # (Calculon steps, our steps) of each model's table
    for name, gpus, batch, anchor in RUNS:
        app = load(name)
        sh = shape(app)
        every = space(sh, gpus, batch)
        rest = [x for x in every if x != anchor]
        lays = [anchor] + [rest[i] for i in sorted(rng.choice(len(rest), SAMPLE - 1, replace=False))]
        cal, our = calculon_all(app, lays, batch), ours(sh, batch, gpus, lays)
        pooled.append((cal["step"], our["step"]))
        print(f"\n {name} ({sh.parameters / 1e9:.0f}B) on {gpus} GPUs, batch {batch} x {sh.sequence}")
        print(f"   {'layout':<34}{'Calculon':>9}{'ours':>8}{'ratio':>7}  {'fits C/o':<9}{'GiB C/ours':>12}")
        for i, lay in enumerate(lays):
            ratio = our["step"][i] / cal["step"][i]
            flag = "  <- >25%" if abs(ratio - 1) > 0.25 else ""
            print(f"   {label(lay):<34}{cal['step'][i]:9.2f}{our['step'][i]:8.2f}{ratio:7.2f}  "
                  f"{'yn'[not cal['fits'][i]]}/{'yn'[not our['fits'][i]]}{'':6}{cal['mem'][i] / GiB:6.0f}/"
                  f"{our['mem'][i] / GiB:<5.0f}{flag}")
            if flag:
                print(parts_line("Calculon", cal["parts"], i))
                print(parts_line("ours", our["parts"], i))
        print("\n".join(agreement(cal, our, lays)))
        print(f" every layout of the space ({len(every)}):")
        print("\n".join(agreement(calculon_all(app, every, batch), ours(sh, batch, gpus, every), every)))
    same = sum(concordance(c, o) * len(c) * (len(c) - 1) / 2 for c, o in pooled)
    pairs = sum(len(c) * (len(c) - 1) / 2 for c, _ in pooled)
    ratio = np.median(np.concatenate([o / c for c, o in pooled]))
    print(f"\n The three tables ({sum(len(c) for c, _ in pooled)} layouts): mean Spearman "
          f"{np.mean([spearman(c, o) for c, o in pooled]):.3f}, pairs of the same model ordered alike "
          f"{100 * same / pairs:.1f}%, median ratio ours/Calculon {ratio:.3f}")


if __name__ == "__main__":
    published()
    compare()
