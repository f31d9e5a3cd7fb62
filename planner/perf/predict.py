"""Predict a workload's throughput on the cluster online at its phase, for its stated layout
or the best of all layouts (``parallelism: auto``)."""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from ..sections import counts
from . import constants as C
from .calibration import DEFAULT, Calibration, generation_of
from .failures import FailureResult, failures
from .intervals import with_interval
from .layouts import fewer_replicas
from .options import OFFLOAD_CODES, OFFLOAD_NAMES, tp_overlap_offered
from .power import clock_scale
from .search_space import CANDIDATE_BUDGET, SearchSpace, candidates
from .step import RECOMPUTE_CODES, RECOMPUTE_NAMES, Machine, Shape, evaluate

STEP_PARTS = ("matmul_s", "memory_bound_s", "tensor_comm_s", "context_comm_s", "expert_comm_s", "expert_host_s",
              "shard_gather_exposed_s", "pipeline_bubble_s", "pipeline_comm_s", "data_comm_exposed_s",
              "optimizer_s", "offload_s", "overhead_s")
MEMORY_PARTS = ("weights_bytes", "gradients_bytes", "optimizer_bytes", "activations_bytes")
DEFAULT_BATCH_TOKENS = 4 * 2**20  # ~4M tokens per step, as Llama 2 and 3 (used when global_batch is absent)
# Step times this close to the best are a tie, won by the layout using the fewest accelerators:
# 1% is below the model's own error (within 15% of Megatron's Table 1), so a layout on 16 times
# the accelerators for a 0.5% shorter step is not a better answer.
STEP_TOLERANCE = 0.01


@dataclass(frozen=True)
class Layout:
    tensor: int
    pipeline: int
    data: int
    microbatch: int
    interleave: int
    zero: int
    recompute: str
    sequence_parallel: bool
    context: int = 1
    expert: int = 1
    shard_group: int = 0  # ZeRO/FSDP states sharded over this many data ranks (0: all d x c of them)
    expert_overlap: bool = False  # expert all-to-alls hidden behind another microbatch's compute
    tp_overlap: bool = False  # tensor-parallel communication overlapped with the GEMMs (options.py)
    offload: str = "none"  # "optimizer": Adam states and step on the host (options.py)

    def text(self) -> str:
        extra = ((f" c{self.context}" if self.context > 1 else "") + (f" e{self.expert}" if self.expert > 1 else "")
                 + (" overlapped" if self.expert_overlap and self.expert > 1 else "")
                 + (f" g{self.shard_group}" if self.shard_group else "") + (" tp-overlap" if self.tp_overlap else "")
                 + (f" {self.offload}-offload" if self.offload != "none" else ""))
        return (f"t{self.tensor} p{self.pipeline} d{self.data} m{self.microbatch} v{self.interleave} "
                f"z{self.zero} {self.recompute}{extra}")


@dataclass(frozen=True)
class Prediction:
    layout: Layout
    searched: int  # layouts considered (1 when the plan gives one)
    gpus_used: int
    global_batch: int
    steps: float
    step_time_s: float
    step_parts: dict  # named parts of the step, seconds; they add up to step_time_s
    dominant: str  # the largest part after matmuls: what limits this layout
    tokens_per_s: float
    mfu: float
    hfu: float
    achieved_flops_per_gpu: float  # hardware FLOP/s (counts recomputation)
    memory_per_gpu_bytes: float
    memory_parts: dict
    memory_capacity_bytes: float
    fits: bool
    train_time_s: float  # without failures
    failures: FailureResult
    expected_interruptions: float
    goodput: float
    time_s: float  # with failures
    candidates_possible: int = 1  # layouts of the full search space (searched when not cut)
    search_truncated: bool = False  # the search was cut to stay within its budget
    search_note: str = ""  # how it was cut, in words
    idle_note: str = ""  # why the layout leaves accelerators idle ('' when it uses them all)
    # 80% intervals from the validation residuals of runs like this one (perf/intervals.py); None
    # without residuals
    tokens_per_s_range: tuple[float, float] | None = None
    step_time_s_range: tuple[float, float] | None = None
    time_s_range: tuple[float, float] | None = None
    train_time_s_range: tuple[float, float] | None = None
    interval_basis: str = ""  # which runs the intervals come from, in words


def shape_of(workload) -> Shape:
    """The step model's view of a workload's shape (planner.sections.counts). Stated parameters
    replace the shape's count (checks hold them within 3% of it); a MoE's active share follows."""
    m = workload.model
    c = counts(m)
    params = workload.parameters or c.total
    F = c.mlp_width_active
    # bytes per token per layer kept for the backward pass (Korthikanti et al. 2022, section 4.1, for
    # a general shape): attention 2h (QKV input) + 4A (Q, output projection input) + 4K (K, V); MLP
    # 2h (input) + 4F (GeLU input, second matmul input) or 6F gated (both first matmuls' outputs,
    # fused: Megatron-Core's SwiGLU keeps its 2F-wide input); 4h for the two norms' inputs
    activation = (2 * m.hidden + 4 * c.attention_width + 4 * c.kv_width) + (2 * m.hidden + (6 if c.gated else 4) * F) \
        + 4 * m.hidden
    # Dropout masks (1 byte each of h, twice per layer, and the attention's) only in GPT-style
    # (GELU) shapes trained with dropout: Megatron-LM's and NeMo's GPT recipes (hidden_dropout 0.1,
    # Korthikanti's 34 s b h; NeMo-Framework-Launcher gpt3/175b_fp8_performance.yaml) and unfused
    # attention (OPT: dropout 0.1). Composer's MPT (flash attention) sets resid_pdrop 0; Llama-style
    # and Nemotron recipes set 0 (Megatron-Bridge llama configs, nemotron_340b.yaml hidden_dropout 0.0).
    dropout = m.mlp == "gelu" and (not m.flash_attention or getattr(workload, "software", "megatron") != "fsdp")
    scale = params / c.total
    return Shape(m.layers, m.hidden, m.heads, m.sequence_length, m.vocabulary, params, m.flash_attention,
                 active_parameters=c.active * scale, layer_matmul_params=c.layer_matmul_active,
                 attention_width=c.attention_width, activation_bytes=activation,
                 expert_parameters=c.expert_parameters * scale,
                 expert_matmul_fraction=c.expert_matmul_active / c.layer_matmul_active,
                 moe_layers=c.moe_layers, top_k=min(m.top_k, m.experts) if m.experts > 1 else 0,
                 kv_width=c.kv_width, experts=m.experts, mlp_width=F,
                 expert_ffn=float(m.expert_ffn_hidden or m.ffn_hidden or 4 * m.hidden),
                 expert_matrices=3 if c.gated else 2, routed_nodes=m.routed_nodes or 0, dropout=dropout)


def batch_of(workload) -> int:
    if workload.global_batch:
        return workload.global_batch
    return max(1, round(DEFAULT_BATCH_TOKENS / workload.model.sequence_length))


def machine_of(plan, catalog, index: int, phase, precision: str, gpus: int, workload=None) -> Machine:
    """What a run of ``gpus`` accelerators sees of its phase's machine description (computed
    once per phase in planner/model/machine.py): the most numerous system's node, links and
    memory; the peak of its accelerator at the run's precision; its generation; the run's
    training stack and power cap (planner/perf/power.py)."""
    m = phase.machine
    acc = catalog.accelerators[m.accelerator]
    cap = getattr(workload, "power_cap_w", None)
    return Machine(gpus=gpus, gpus_per_node=m.gpus_per_node, peak_flops=acc.peak_flops.get(precision, 0.0),
                   memory_bytes=m.memory_bytes, memory_bandwidth=m.memory_bandwidth_bytes_per_s,
                   scale_up_bandwidth=m.scale_up_bandwidth_bytes_per_s,
                   scale_out_bandwidth=m.scale_out_bandwidth_bytes_per_s,
                   cross_pod_bandwidth=m.cross_pod_bandwidth_bytes_per_s, gpus_per_pod=m.gpus_per_pod,
                   generation=generation_of(acc), fp8=precision.startswith("fp8"),
                   bf16_peak_flops=acc.peak_flops.get("bf16") or acc.peak_flops.get("fp16") or 0.0,
                   clock_scale=clock_scale(cap, acc.tdp_w) if cap else 1.0,
                   stack=getattr(workload, "software", "megatron"),
                   host_bandwidth=m.host_bandwidth_bytes_per_s,
                   host_memory_bandwidth=m.host_memory_bandwidth_bytes_per_s)


def stated_layout(workload, shape: Shape, gpus: int) -> dict:
    par = workload.parallelism
    t, p = par.tensor, par.pipeline
    d = gpus // (t * p * par.context) if par.data == "auto" else par.data
    rc = par.recompute or workload.recompute
    return {"tensor": np.array([t]), "pipeline": np.array([p]), "data": np.array([max(d, 1)]),
            "microbatch": np.array([par.microbatch]), "interleave": np.array([par.interleave]),
            "zero": np.array([par.zero]), "recompute": np.array([RECOMPUTE_CODES[rc]]),
            "sequence_parallel": np.array([par.sequence_parallel and t > 1]),
            "context": np.array([par.context]), "expert": np.array([par.expert]),
            "shard_group": np.array([par.shard_group or 0]),
            "expert_overlap": np.array([par.expert_overlap]), "tp_overlap": np.array([par.tp_overlap]),
            "offload": np.array([OFFLOAD_CODES[par.offload]])}


def experts_of(shape: Shape, layouts: dict) -> np.ndarray:
    """Expert-parallel sizes: as stated or searched (layouts.py tries every divisor of the experts
    that divides data x context), else (layouts without them) the experts spread as widely as
    the data-parallel ranks allow, gcd(experts, data)."""
    if "expert" in layouts:
        return layouts["expert"]
    if shape.experts > 1 and shape.moe_layers:
        return np.gcd(shape.experts, np.asarray(layouts["data"], dtype=np.int64))
    return np.ones_like(layouts["data"])


def run_model(shape: Shape, batch: int, machine: Machine, layouts: dict, cal: Calibration = DEFAULT) -> dict:
    return evaluate(shape, batch, machine, layouts["tensor"], layouts["pipeline"], layouts["data"],
                    layouts["microbatch"], layouts["interleave"], layouts["zero"], layouts["recompute"],
                    layouts["sequence_parallel"], layouts.get("context", 1), experts_of(shape, layouts),
                    layouts.get("shard_group"), xo=layouts.get("expert_overlap", False), cal=cal,
                    tpo=layouts.get("tp_overlap", False), off=layouts.get("offload", 0))


def rank(parts: dict, tolerance: float = STEP_TOLERANCE) -> np.ndarray:
    """Candidate indexes, best first:

    1. layouts that fit in memory before those that do not;
    2. among the first group, those within ``tolerance`` of its shortest step time (a tie) come
       first, fewest accelerators first (the highest MFU), then by step time;
    3. then every other layout by step time.
    """
    step, fits = parts["step_time_s"], parts["fits"]
    tie = _ties(parts, tolerance)
    used = np.where(tie, parts["gpus_used"], 0)
    return np.lexsort((step, used, ~tie, ~fits))


def _ties(parts: dict, tolerance: float) -> np.ndarray:
    """Which candidates tie for the best step time (of those that fit, if any do)."""
    step, fits = parts["step_time_s"], parts["fits"]
    if len(step) == 0:
        return np.zeros(0, dtype=bool)
    group = fits if fits.any() else np.ones_like(fits)
    return group & (step <= step[group].min() * (1 + tolerance))


def search(shape: Shape, batch: int, machine: Machine, budget: int = CANDIDATE_BUDGET):
    """Every valid layout (within the budget: search_space.py) evaluated at once (numpy), their
    order, best first, and the space searched. With flash attention, selective recomputation is
    the same as none and is not searched. Microbatches grow while the leanest layout fits in
    memory (layouts.Grid.microbatch_limits), judged by this same model. Tensor-parallel overlap
    is on wherever the stack offers it; optimizer offload is searched only where nothing fits
    without it (``_candidates``), which at most doubles the work."""
    layouts, parts, space = _candidates(shape, batch, machine, budget, offload=False)
    offers = DEFAULT.stack(machine.stack).optimizer_offload
    if offers and not parts["fits"].any() and _offload_helps(parts, layouts, machine):
        # nothing fits, but some would without the Adam states: the space again with them on the host
        lay2, parts2, space2 = _candidates(shape, batch, machine, budget, offload=True)
        layouts = {k: np.concatenate((layouts[k], lay2[k])) for k in layouts}
        parts = {k: np.concatenate((v, parts2[k])) if isinstance(v, np.ndarray) else v for k, v in parts.items()}
        space = replace(space, considered=space.considered + space2.considered,
                        possible=space.possible + space2.possible)
    # the layouts that tie for best again with fewer replicas (layouts.py), fastest first
    ties = np.flatnonzero(_ties(parts, STEP_TOLERANCE))
    ties = ties[np.argsort(parts["step_time_s"][ties], kind="stable")]
    more, wanted = fewer_replicas(layouts, ties, batch, budget - space.considered)
    if len(more["data"]):
        more_parts = run_model(shape, batch, machine, more)
        layouts = {k: np.concatenate((layouts[k], more[k])) for k in layouts}
        parts = {k: np.concatenate((v, more_parts[k])) if isinstance(v, np.ndarray) else v for k, v in parts.items()}
    added = len(more["data"])
    how = space.how + ((f"{added:,} of the {wanted:,} layouts with fewer data-parallel replicas next to the best",)
                       if added < wanted else ())
    order = rank(parts)
    space = replace(space, considered=space.considered + added, possible=space.possible + wanted, how=how,
                    idle_note=_idle_note(parts, order, batch, machine.gpus))
    return layouts, parts, order, space


def _candidates(shape: Shape, batch: int, machine: Machine, budget: int, offload: bool):
    """The search space's layouts, evaluated: tensor-parallel overlap wherever the stack offers it
    (the model never makes it slower); with ``offload``, optimizer offload on every layout that
    shards its states (ZeRO >= 1) or has one data rank, its microbatches grown to what then fits."""
    recompute = ("none", "full") if shape.flash_attention else ("none", "selective", "full")
    overlap = tp_overlap_offered(DEFAULT.stack(machine.stack), machine.generation)
    code = OFFLOAD_CODES["optimizer" if offload else "none"]

    def fits(lay: dict) -> np.ndarray:
        return run_model(shape, batch, machine, {**lay, "offload": np.full(len(lay["tensor"]), code)})["fits"]

    layouts, space = candidates(shape, batch, machine.gpus, machine.gpus_per_node, recompute, budget, fits, True)
    if offload:
        keep = _may_offload(layouts)
        layouts = {k: v[keep] for k, v in layouts.items()}
        dropped = len(keep) - int(keep.sum())  # not candidates at all: neither considered nor possible
        space = replace(space, considered=space.considered - dropped, possible=space.possible - dropped)
    n = len(layouts["tensor"])
    layouts["tp_overlap"] = (layouts["tensor"] > 1) & overlap
    layouts["offload"] = np.full(n, code, dtype=np.int64)
    return layouts, run_model(shape, batch, machine, layouts), space


def _may_offload(layouts: dict) -> np.ndarray:
    """Layouts whose optimizer may move to the host: ZeRO-Offload, FSDP's and Megatron's offload
    work on sharded states (ZeRO >= 1), or on a single data rank."""
    return (layouts["zero"] >= 1) | (layouts["data"] * layouts["context"] == 1)


def _offload_helps(parts: dict, layouts: dict, machine: Machine) -> bool:
    """Whether some layout that may offload would fit without its Adam states: only then is the
    space searched again with them on the host."""
    left = parts["memory_bytes"] - parts["optimizer_bytes"]
    return bool((_may_offload(layouts) & (left <= machine.memory_bytes * C.USABLE_MEMORY_FRACTION)).any())


def _idle_note(parts: dict, order: np.ndarray, batch: int, gpus: int) -> str:
    """Why the best layout leaves accelerators idle ('' when it uses them all)."""
    if not len(order) or parts["gpus_used"][order[0]] >= gpus:
        return ""
    used, step, fits = parts["gpus_used"], parts["step_time_s"], parts["fits"]
    first = int(order[0])
    head = f"uses {int(used[first]):,} of {gpus:,} accelerators"
    more = np.flatnonzero((fits if fits.any() else np.ones_like(fits)) & (used > used[first]))
    if not len(more):
        if used.max() <= used[first]:
            return (f"{head}: no layout uses more with a batch of {batch:,} sequences (data-parallel replicas x "
                    f"microbatch divide the batch)")
        return f"{head}: no layout on more of them fits in memory"
    j = more[np.argmin(step[more])]
    tie = " (within 1%: a tie goes to fewer accelerators)" if step[j] < step[first] else ""
    return (f"{head}: the fastest layout on more of them ({int(used[j]):,}) takes {step[j]:.3g} s a step "
            f"against {step[first]:.3g} s{tie}")


KEPT_ROWS = 64  # rows of a search kept by ``best_rows``: the prediction takes the first, the app's table 12
SEARCHES_CACHED = 256  # a GPU-count sweep of a searched run is 49 searches; a few sweeps fit
_searches: OrderedDict = OrderedDict()  # (shape, batch, machine, keep) -> (layouts, parts, space)
_searches_lock = threading.Lock()
_cached_only: contextvars.ContextVar[bool] = contextvars.ContextVar("cached_searches_only", default=False)


class SearchNotCached(Exception):
    """Raised inside ``cached_searches_only`` where a layout search would have to run."""


@contextlib.contextmanager
def cached_searches_only():
    """Inside this block (this thread), ``best_rows`` answers from its cache or raises
    SearchNotCached: a GUI thread leaves the searches of a sweep to a worker thread."""
    token = _cached_only.set(True)
    try:
        yield
    finally:
        _cached_only.reset(token)


def best_rows(shape: Shape, batch: int, machine: Machine, keep: int = KEPT_ROWS):
    """The best ``keep`` rows of ``search``, best first, as (layouts, parts, space): the search
    runs once per set of inputs (all frozen), so the evaluation, the ranked table and a sweep
    share it, and an edit that changes none of them searches nothing. Read-only arrays."""
    key = (shape, batch, machine, keep)
    with _searches_lock:
        hit = _searches.get(key)
        if hit is not None:
            _searches.move_to_end(key)
            return hit
    if _cached_only.get():
        raise SearchNotCached(key)
    layouts, parts, order, space = search(shape, batch, machine)
    top = order[:keep]

    def cut(v):
        if not isinstance(v, np.ndarray) or v.shape[:1] != order.shape:
            return v
        out = v[top]
        out.setflags(write=False)
        return out

    value = ({k: cut(v) for k, v in layouts.items()}, {k: cut(v) for k, v in parts.items()}, space)
    with _searches_lock:
        _searches[key] = value
        while len(_searches) > SEARCHES_CACHED:
            _searches.popitem(last=False)
    return value


def tokens_of(workload, shape: Shape) -> float:
    """The run's training tokens. Without a token count but with total_flops, from the model
    FLOPs convention total = 6 x parameters x tokens (Kaplan et al. 2020; PaLM appendix B):
    tokens = total_flops / (6 x parameters)."""
    if workload.tokens:
        return workload.tokens
    if workload.total_flops and shape.active > 0:
        return workload.total_flops / (6 * shape.active)
    return 0.0


def _pick(layouts: dict, parts: dict, i: int, shape: Shape) -> tuple[Layout, dict]:
    def at(key: str) -> int:
        return int(layouts[key][i])

    layout = Layout(at("tensor"), at("pipeline"), at("data"), at("microbatch"), at("interleave"), at("zero"),
                    recompute=RECOMPUTE_NAMES[at("recompute")],
                    sequence_parallel=bool(layouts["sequence_parallel"][i]),
                    context=at("context") if "context" in layouts else 1,
                    expert=int(experts_of(shape, {k: v[i:i + 1] for k, v in layouts.items()})[0]),
                    shard_group=at("shard_group") if "shard_group" in layouts else 0,
                    expert_overlap=bool(layouts["expert_overlap"][i]) if "expert_overlap" in layouts else False,
                    tp_overlap=bool(layouts["tp_overlap"][i]) if "tp_overlap" in layouts else False,
                    offload=OFFLOAD_NAMES[at("offload")] if "offload" in layouts else "none")
    return layout, {k: float(v[i]) for k, v in parts.items() if isinstance(v, np.ndarray)}


def predict(plan, catalog, workload, index: int, phase, gpus: int, write_bandwidth: float) -> Prediction | None:
    if workload.model is None:
        return None
    shape = shape_of(workload)
    batch = batch_of(workload)
    machine = machine_of(plan, catalog, index, phase, workload.precision, gpus, workload)
    if workload.parallelism == "auto" or workload.parallelism is None:
        layouts, parts, space = best_rows(shape, batch, machine)
        if len(parts["step_time_s"]) == 0:
            return None
        layout, row = _pick(layouts, parts, 0, shape)
    else:
        layouts = stated_layout(workload, shape, gpus)
        parts = run_model(shape, batch, machine, layouts)
        layout, row = _pick(layouts, parts, 0, shape)
        space = SearchSpace(1, 1)
    rate = C.FAILURES_PER_GPU_HOUR if getattr(workload, "failure_rate", None) is None else workload.failure_rate
    prediction = _prediction(shape, batch, machine, layout, row, space, tokens_of(workload, shape), write_bandwidth,
                             float(rate))
    return with_interval(prediction, machine.generation, getattr(workload, "software", None) or "megatron")


def _prediction(shape, batch, machine, layout: Layout, row: dict, space: SearchSpace, tokens: float,
                write_bandwidth: float, rate: float = C.FAILURES_PER_GPU_HOUR) -> Prediction:
    used = layout.tensor * layout.pipeline * layout.data * layout.context
    step = row["step_time_s"]
    steps = tokens / (batch * shape.sequence) if tokens else 0.0
    train = steps * step
    model_flops = 6 * shape.active * batch * shape.sequence  # per step, the MFU convention (active parameters)
    fail = failures(train, used, shape.parameters, write_bandwidth, rate)
    step_parts = {k: row[k] for k in STEP_PARTS}
    others = {k: v for k, v in step_parts.items() if k != "matmul_s"}
    return Prediction(
        layout=layout,
        searched=space.considered,
        gpus_used=used,
        global_batch=batch,
        steps=steps,
        step_time_s=step,
        step_parts=step_parts,
        dominant=max(others, key=others.__getitem__).removesuffix("_s"),
        tokens_per_s=row["tokens_per_s"],
        mfu=model_flops / (step * used * machine.peak_flops),
        hfu=row["hardware_flops"] / (step * used * machine.peak_flops),
        achieved_flops_per_gpu=row["hardware_flops"] / (step * used),
        memory_per_gpu_bytes=row["memory_bytes"],
        memory_parts={k: row[k] for k in MEMORY_PARTS},
        memory_capacity_bytes=machine.memory_bytes * C.USABLE_MEMORY_FRACTION,
        fits=bool(row["fits"]),
        train_time_s=train,
        failures=fail,
        expected_interruptions=fail.expected_interruptions,
        goodput=fail.goodput,
        time_s=fail.time_s,
        candidates_possible=space.possible,
        search_truncated=space.truncated,
        search_note=space.note,
        idle_note=space.idle_note if used < machine.gpus else "",
    )


@dataclass(frozen=True)
class Ranking:
    """A layout search's best rows, how many layouts it evaluated and how many there were.
    Unpacks as (rows, searched)."""

    rows: list
    searched: int  # layouts evaluated
    candidates_possible: int  # layouts of the full search space
    search_truncated: bool  # the search was cut to stay within its budget
    search_note: str  # how it was cut, in words ('' when it was not)

    def __iter__(self):
        return iter((self.rows, self.searched))


def ranked_table(plan, catalog, workload, index: int, phase, gpus: int, top: int = 10) -> Ranking:
    """The best ``top`` layouts of a workload (ranked as ``rank`` says), each a dict with its
    layout, step parts, memory and why it wins or loses (its dominant overhead)."""
    shape = shape_of(workload)
    batch = batch_of(workload)
    machine = machine_of(plan, catalog, index, phase, workload.precision, gpus, workload)
    if top <= KEPT_ROWS:
        layouts, parts, space = best_rows(shape, batch, machine)
        order = np.arange(len(parts["step_time_s"]))
    else:
        layouts, parts, order, space = search(shape, batch, machine)
    rows = []
    for i in order[:top]:
        layout, row = _pick(layouts, parts, int(i), shape)
        others = {k: row[k] for k in STEP_PARTS if k != "matmul_s"}
        used = layout.tensor * layout.pipeline * layout.data * layout.context
        rows.append({
            "layout": layout,
            "gpus_used": used,
            "step_time_s": row["step_time_s"],
            "tokens_per_s": row["tokens_per_s"],
            "mfu": 6 * shape.active * batch * shape.sequence / (row["step_time_s"] * used * machine.peak_flops),
            "memory_per_gpu_bytes": row["memory_bytes"],
            "fits": bool(row["fits"]),
            "dominant": max(others, key=others.__getitem__).removesuffix("_s"),
            "parts": {k: row[k] for k in STEP_PARTS},
        })
    return Ranking(rows, space.considered, space.possible, space.truncated, space.note)
