"""Training runs (``kind: training``): how long a run takes on the machine of its phase, what
it costs, and what limits it.

- Model FLOPs of a dense transformer: 6 x parameters x tokens (Kaplan et al. 2020; used for
  MFU by Chowdhery et al. 2022, PaLM appendix B). With full activation recomputation the
  hardware executes 8 x P x D (Narayanan et al. SC21, eq. 4: t = 8 T P / (n X)).
- Compute time = model FLOPs / (GPUs x peak per GPU x MFU), or the performance model's
  prediction (planner/perf) when the model's shape is given.
- I/O time = dataset bytes x epochs / aggregate storage read bandwidth. Compute and I/O
  overlap, so the run takes the longer of the two, and that one bounds it.
- Energy = IT power charged to the run x time x PUE; emissions = energy x carbon intensity;
  electricity cost = energy x price (Patterson et al. 2021, Table 4 method).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import interval_text as it
from ..findings import Finding, error, warning
from ..model.context import CheckContext, WorkloadContext
from ..model.results import PhaseResult, Warning, WorkloadResult
from ..sections import counts, shape_parameters
from ..units import format_duration
from ..units import format_quantity as q

if TYPE_CHECKING:
    from ..perf.predict import Prediction

HARDWARE_FACTOR = {"none": 1.0, "selective": 1.0, "full": 8.0 / 6.0}
# The highest utilisation in the published runs we cite: Megatron-LM's 1T model at 52% of
# peak in hardware FLOPs (SC21, Table 1); PaLM 46.2% MFU. Above this, a plan is optimistic.
MFU_PUBLISHED_MAX = 0.55
# Parameters stated beside a model shape may differ from the shape's count by rounding in the
# published figure; beyond this the two describe different models (issue: "more than 3%").
PARAMETER_TOLERANCE = 0.03

CODES = {
    "gpus-exceed-online": "a workload asks for more accelerators than are online",
    "storage-bound": "a run bound by storage reads rather than compute",
    "no-storage": "a run reads data but no storage is online",
    "dataset-exceeds-storage": "the dataset does not fit in the storage online",
    "mfu-above-published": "an MFU above what any published large run reached",
    "layout-does-not-fit": "the parallel layout needs more accelerator memory than there is",
    "layout-leaves-gpus-idle": "tensor x pipeline x data uses fewer accelerators than the run has",
    "failures-prevent-progress": "failures arrive faster than the run recovers from them: it never finishes",
    "tensor-spans-nodes": "tensor parallelism wider than a node's scale-up domain (costed over the fabric)",
    "layout-exceeds-gpus": "error: tensor x pipeline x data needs more accelerators than the run has",
    "achieved-above-peak": "error: an achieved FLOP/s or token rate above the accelerators' peak",
    "parameters-disagree-with-shape": "error: parameters stated beside a model shape differ from its count by "
                                      "more than 3%",
    "microbatches-not-whole": "error: the global batch does not split into whole microbatches",
    "interleave-without-pipeline": "error: an interleaved schedule with a single pipeline stage",
    "interleave-does-not-divide": "error: the interleave does not divide the layers per pipeline stage",
    "tensor-does-not-divide": "error: the tensor-parallel size does not divide the heads and the hidden size",
    "pipeline-exceeds-layers": "error: more pipeline stages than layers",
    "layout-without-shape": "error: a parallel layout without a model shape",
    "prediction-without-shape": "error: mfu 'predicted' without a model shape",
    "work-incomplete": "error: parameters without tokens, or tokens without parameters",
    "work-missing": "error: no work: neither parameters and tokens, total_flops, nor a dataset",
    "rates-conflict": "error: more than one of mfu, achieved_flops and token_rate",
    "token-rate-without-work": "error: a token rate without parameters or total_flops",
    "token-rate-without-tokens": "error: a token rate without tokens",
    "precision-unsupported": "error: an accelerator online has no rate at the run's precision",
    "shape-inconsistent": "error: a model shape whose fields contradict each other (kv_heads, top_k, dense_layers)",
    "shape-not-moe": "MoE fields on a dense shape (experts: 1): they are ignored",
    "context-does-not-divide": "error: a context-parallel size that does not divide the sequence length",
    "expert-without-experts": "error: expert parallelism for a dense model",
    "expert-does-not-divide": "error: an expert-parallel size that does not divide the experts and data x context",
    "published-figure-count": "error: a published block with no measured figure or more than one",
    "shard-group-does-not-divide": "error: a shard group that does not divide data x context",
    "tp-overlap-not-offered": "tensor-parallel overlap stated where the stack or accelerator has none (ignored)",
    "offload-without-sharding": "optimizer offload with ZeRO 0 over several data-parallel ranks",
}


@dataclass(frozen=True)
class TrainingResult(WorkloadResult):
    precision: str
    total_flops: float  # model FLOPs (6 P D for a dense transformer)
    hardware_flops: float  # counts recomputation (8 P D with full recompute)
    peak_flops_per_gpu: float
    mfu: float
    mfu_source: str  # "plan" | "achieved_flops" | "token_rate" | "catalog" | "predicted"
    sustained_flops: float  # model FLOP/s of the run
    compute_time_s: float
    io_bytes: float
    read_bandwidth_bytes_per_s: float
    io_time_s: float
    tokens_per_s: float | None
    model_parameters: float | None = None  # with a model shape: all its parameters
    active_parameters: float | None = None  # with a model shape: those a token passes through (MoE)
    predicted: Prediction | None = None  # when the model's shape is given


# -- evaluation -------------------------------------------------------------------------------
def parameters_of(w) -> float | None:
    """Stated parameters, else those of the model's shape."""
    if w.parameters is not None or w.model is None:
        return w.parameters
    return shape_parameters(w.model)


def active_parameters_of(w) -> float | None:
    """Parameters a token passes through: all of them for a dense model; for a mixture of
    experts, its shape's active share of the (stated or derived) total. Model FLOPs and MFU use
    these (6 x active parameters x tokens)."""
    total = parameters_of(w)
    if total is None or w.model is None:
        return total
    c = counts(w.model)
    return total * c.active / c.total


def evaluate(ctx: WorkloadContext, gpus: int | None = None) -> TrainingResult:
    """The run on its phase; ``gpus`` overrides the workload's count (for sweeps)."""
    plan, w, phase = ctx.plan, ctx.workload, ctx.phase
    machine = phase.machine
    online = phase.gpus
    gpus = gpus if gpus is not None else (w.gpus if w.gpus is not None else online)
    peak_per_gpu = machine.peak(w.precision)
    parameters = active_parameters_of(w)
    if w.total_flops is not None:
        model_flops = w.total_flops
    elif parameters is not None and w.tokens is not None:
        model_flops = 6.0 * parameters * w.tokens
    elif w.dataset is not None and w.flops_per_byte:
        model_flops = w.dataset.size_bytes * w.dataset.epochs * w.flops_per_byte
    else:
        model_flops = 0.0
    factor = HARDWARE_FACTOR[w.recompute]

    tokens_per_s = None
    predicted = None
    uses_prediction = w.model is not None and (w.mfu == "predicted" or (
        w.mfu is None and w.achieved_flops_per_gpu is None and w.tokens_per_s_per_gpu is None))
    if uses_prediction and gpus > 0:  # numpy and the performance model load only for runs that need them
        from ..perf.predict import predict

        write_bw = phase.storage.write_bandwidth_bytes_per_s or phase.storage.read_bandwidth_bytes_per_s
        predicted = predict(plan, ctx.catalog, w, ctx.phase_index, phase, gpus, write_bw)
    if predicted is not None:
        sustained = model_flops / predicted.train_time_s if predicted.train_time_s else 0.0
        tokens_per_s = predicted.tokens_per_s
        source = "predicted"
    elif w.tokens_per_s_per_gpu is not None:
        tokens_per_s = w.tokens_per_s_per_gpu * gpus
        per_token = model_flops / w.tokens if w.tokens else 6.0 * (parameters or 0.0)
        sustained = tokens_per_s * per_token
        source = "token_rate"
    elif w.achieved_flops_per_gpu is not None:
        sustained = gpus * w.achieved_flops_per_gpu / factor  # hardware -> model FLOP/s
        source = "achieved_flops"
    else:
        mfu = w.mfu if isinstance(w.mfu, float) else machine.typical_mfu
        sustained = gpus * peak_per_gpu * mfu
        source = "plan" if isinstance(w.mfu, float) else "catalog"
    mfu = sustained / (gpus * peak_per_gpu) if gpus and peak_per_gpu else 0.0
    if predicted is not None:
        mfu = predicted.mfu
        compute_time = predicted.time_s  # training steps plus checkpoints, lost work and restarts
    elif model_flops == 0:
        compute_time = 0.0
    else:
        compute_time = model_flops / sustained if sustained > 0 else float("inf")
    if tokens_per_s is None and w.tokens and compute_time and compute_time != float("inf"):
        tokens_per_s = w.tokens / compute_time

    io_bytes = w.dataset.size_bytes * w.dataset.epochs if w.dataset is not None else 0.0
    bandwidth = phase.storage.read_bandwidth_bytes_per_s
    if io_bytes == 0:
        io_time = 0.0
    else:
        io_time = io_bytes / bandwidth if bandwidth > 0 else float("inf")
    time_s = max(compute_time, io_time)
    if time_s == 0:
        bound = "none"
    elif predicted is not None and predicted.failures.progress_impossible:
        bound = "failures"  # interruptions arrive faster than the run recovers from them
    else:
        bound = "storage" if io_time > compute_time else "compute"

    it_power = gpus * (w.power_per_gpu_w if w.power_per_gpu_w is not None else machine.it_power_per_gpu_w)
    energy = it_power * time_s * phase.power.pue
    f = plan.facility
    return TrainingResult(
        name=w.name,
        kind="training",
        phase=phase.name,
        gpus=gpus,
        gpus_online=online,
        time_s=time_s,
        bound=bound,
        gpu_hours=gpus * time_s / 3600.0,
        it_power_w=it_power,
        energy_j=energy,
        emissions_kg=energy * f.carbon_intensity_kg_per_j,
        cost_usd=energy * f.electricity_price_usd_per_j,
        precision=w.precision,
        total_flops=model_flops,
        hardware_flops=model_flops * factor,
        peak_flops_per_gpu=peak_per_gpu,
        mfu=mfu,
        mfu_source=source,
        sustained_flops=sustained,
        compute_time_s=compute_time,
        io_bytes=io_bytes,
        read_bandwidth_bytes_per_s=bandwidth,
        io_time_s=io_time,
        tokens_per_s=tokens_per_s,
        model_parameters=parameters_of(w) if w.model is not None else None,
        active_parameters=parameters if w.model is not None else None,
        predicted=predicted,
    )


# -- cross-field checks (run at load and at every edit, before the model) ----------------------
def check(ctx: CheckContext) -> list[Finding]:
    w, path = ctx.workload, ctx.path
    out: list[Finding] = []
    params = w.parameters is not None or w.model is not None
    measured = w.published is not None and w.model is not None  # a measured step: its time needs no tokens
    if params != (w.tokens is not None) and w.total_flops is None and not measured:
        missing = "tokens" if w.tokens is None else "parameters (or a model shape)"
        out.append(error("work-incomplete", path, f"'{missing}' too: model FLOPs are 6 x parameters x tokens",
                         "only one"))
    elif not (params and w.tokens is not None) and w.total_flops is None and w.dataset is None and not measured:
        out.append(error("work-missing", path, "parameters and tokens, total_flops, or a dataset", "none of them"))
    rates = [k for k, v in (("mfu", w.mfu), ("achieved_flops", w.achieved_flops_per_gpu),
                            ("token_rate", w.tokens_per_s_per_gpu)) if v is not None and v != "predicted"]
    if len(rates) > 1:
        out.append(error("rates-conflict", path + (rates[1],), "one of mfu, achieved_flops or token_rate",
                         " and ".join(rates)))
    if w.tokens_per_s_per_gpu is not None and w.parameters is None and w.total_flops is None and w.model is None:
        out.append(error("token-rate-without-work", path + ("token_rate",),
                         "parameters (or total_flops) with a token rate", "no parameters"))
    if w.tokens_per_s_per_gpu is not None and w.tokens is None:
        out.append(error("token-rate-without-tokens", path + ("token_rate",), "tokens with a token rate",
                         "no tokens"))
    cat = ctx.catalog
    lacking = sorted(a for a in ctx.accelerators if w.precision not in cat.accelerators[a].peak_flops)
    if lacking:
        out.append(error("precision-unsupported", path + ("precision",),
                         f"a precision every accelerator online has ({', '.join(lacking)} has no {w.precision} "
                         "rate)", f"'{w.precision}'"))
    gpus = w.gpus if w.gpus is not None else ctx.gpus_online
    if w.gpus is not None and ctx.gpus_online and w.gpus > ctx.gpus_online:
        phase = ctx.plan.phases[ctx.phase_index].name
        out.append(warning("gpus-exceed-online", path + ("gpus",),
                           f"{w.name}: asks for {w.gpus:,} accelerators; {ctx.gpus_online:,} are online at {phase}"))
    if not lacking:
        out += _check_rates(ctx, gpus)
    if w.published is not None and len(w.published.figures()) != 1:
        found = ", ".join(w.published.figures()) or "none"
        out.append(error("published-figure-count", path + ("published",),
                         "exactly one of token_rate, step_time, mfu or achieved_flops", found))
    out += _check_shape(ctx)
    out += _check_layout(ctx, gpus)
    return out


def _check_rates(ctx: CheckContext, gpus: int) -> list[Finding]:
    """A measured rate above what the hardware can do is a typo, not an optimistic plan."""
    w, path = ctx.workload, ctx.path
    peak = ctx.min_peak(w.precision)
    if not peak:
        return []
    out = []
    achieved = _highest(w.achieved_flops_per_gpu)  # a range's high, too, must be possible
    if achieved is not None and achieved > peak:
        out.append(error("achieved-above-peak", path + ("achieved_flops",),
                         f"achieved FLOP/s per accelerator at most the {w.precision} dense peak "
                         f"({q(peak, 'flop_rate')})", q(achieved, "flop_rate")))
    params = active_parameters_of(w)
    rate = _highest(w.tokens_per_s_per_gpu)
    if rate is not None and w.tokens:
        per_token = w.total_flops / w.tokens if w.total_flops is not None else 6.0 * (params or 0.0)
        implied = rate * per_token
        if implied > peak:
            out.append(error("achieved-above-peak", path + ("token_rate",),
                             f"a token rate whose model FLOP/s per accelerator ({q(implied, 'flop_rate')} = "
                             f"{rate:,.0f} tokens/s x {per_token:.3g} FLOPs per token) is at most "
                             f"the {w.precision} dense peak ({q(peak, 'flop_rate')})",
                             f"{rate:,.0f} tokens/s per GPU"))
    return out


def _highest(value):
    """A figure, or the high end of a range ({low, mode, high}: planner.ranges)."""
    return getattr(value, "high", value)


def _check_shape(ctx: CheckContext) -> list[Finding]:
    w, path = ctx.workload, ctx.path
    if w.model is None:
        return []
    m, where = w.model, path + ("model",)
    out = []
    if m.kv_heads is not None and m.heads % m.kv_heads:
        out.append(error("shape-inconsistent", where + ("kv_heads",),
                         f"key/value heads dividing the {m.heads} query heads (grouped-query attention)",
                         str(m.kv_heads)))
    if m.experts > 1 and m.top_k > m.experts:
        out.append(error("shape-inconsistent", where + ("top_k",), f"at most the {m.experts} experts",
                         str(m.top_k)))
    if m.experts > 1 and m.dense_layers >= m.layers:
        out.append(error("shape-inconsistent", where + ("dense_layers",),
                         f"fewer dense layers than the {m.layers} layers (a MoE needs MoE layers)",
                         str(m.dense_layers)))
    if m.experts == 1 and (m.top_k > 1 or m.shared_experts or m.expert_ffn_hidden or m.dense_layers):
        out.append(warning("shape-not-moe", where + ("experts",),
                           f"{w.name}: top_k, shared_experts, expert_ffn_hidden and dense_layers describe a mixture "
                           "of experts, but experts is 1: they are ignored"))
    if out or w.parameters is None:
        return out
    shape_params = shape_parameters(w.model)
    if shape_params and abs(w.parameters / shape_params - 1) > PARAMETER_TOLERANCE:
        return [error("parameters-disagree-with-shape", path + ("parameters",),
                      f"parameters within {PARAMETER_TOLERANCE:.0%} of the model shape's count "
                      f"({shape_params:.4g}; or leave parameters out to use it)",
                      f"{w.parameters:.4g}")]
    return []


def _check_layout(ctx: CheckContext, gpus: int) -> list[Finding]:
    """A stated parallel layout must divide the model and the batch and fit the run's
    accelerators (Megatron-LM's rules, Narayanan et al. SC21 section 2)."""
    w, path = ctx.workload, ctx.path
    out: list[Finding] = []
    if w.mfu == "predicted" and w.model is None:
        out.append(error("prediction-without-shape", path + ("mfu",),
                         "a model shape (model: {layers, hidden, heads}) to predict from", "'predicted' without one"))
    if w.parallelism is not None and w.model is None:
        out.append(error("layout-without-shape", path + ("parallelism",), "a model shape with a parallel layout",
                         "no model"))
    par, m = w.parallelism, w.model
    if m is None or par is None or par == "auto":
        return out
    where = path + ("parallelism",)
    if m.heads % par.tensor or m.hidden % par.tensor:
        out.append(error("tensor-does-not-divide", where + ("tensor",),
                         f"a tensor size dividing heads ({m.heads}) and hidden ({m.hidden})", str(par.tensor)))
    if par.pipeline > m.layers:
        out.append(error("pipeline-exceeds-layers", where + ("pipeline",),
                         f"at most one pipeline stage per layer ({m.layers})", str(par.pipeline)))
    elif par.interleave > 1 and par.pipeline == 1:
        out.append(error("interleave-without-pipeline", where + ("interleave",),
                         "interleave 1 with a single pipeline stage (an interleaved schedule splits the layers of "
                         "each of several stages)", str(par.interleave)))
    elif par.interleave > 1 and -(-m.layers // par.pipeline) % par.interleave:
        out.append(error("interleave-does-not-divide", where + ("interleave",),
                         f"an interleave dividing the layers per stage ({-(-m.layers // par.pipeline)})",
                         str(par.interleave)))
    tp = par.tensor * par.pipeline * par.context
    data = par.data if par.data != "auto" else (gpus // tp if gpus else 0)
    if gpus and tp * max(data, 1) > gpus:
        cp = f" x {par.context}" if par.context > 1 else ""
        what = (f"{par.tensor} x {par.pipeline}{cp} x {data}" if par.data != "auto"
                else f"{par.tensor} x {par.pipeline}{cp}")
        out.append(error("layout-exceeds-gpus", where + ("data" if par.data != "auto" else "tensor",),
                         f"tensor x pipeline x {'context x ' if cp else ''}data at most the run's {gpus:,} "
                         "accelerators",
                         f"{what} = {tp * max(data, 1):,}"))
    elif w.global_batch and data and w.global_batch % (data * par.microbatch):
        source = "" if par.data != "auto" else f" (data auto = {gpus:,} // ({par.tensor} x {par.pipeline}))"
        out.append(error("microbatches-not-whole", where + ("microbatch",),
                         f"data x microbatch dividing the global batch ({w.global_batch:,}) into whole "
                         "microbatches", f"{data:,}{source} x {par.microbatch}"))
    if m.sequence_length % par.context:
        out.append(error("context-does-not-divide", where + ("context",),
                         f"a context-parallel size dividing the sequence length ({m.sequence_length:,})",
                         str(par.context)))
    if par.expert > 1 and m.experts == 1:
        out.append(error("expert-without-experts", where + ("expert",),
                         "expert 1 for a dense model (expert parallelism spreads a mixture of experts)",
                         str(par.expert)))
    elif par.expert > 1 and (m.experts % par.expert or (data and (data * par.context) % par.expert)):
        out.append(error("expert-does-not-divide", where + ("expert",),
                         f"an expert-parallel size dividing the {m.experts} experts and data x context "
                         f"({data * par.context:,})", str(par.expert)))
    if par.shard_group and data and (data * par.context) % par.shard_group:
        out.append(error("shard-group-does-not-divide", where + ("shard_group",),
                         f"a shard group dividing data x context ({data * par.context:,})", str(par.shard_group)))
    if par.tp_overlap:
        from ..perf.calibration import DEFAULT, generation_of
        from ..perf.options import tp_overlap_offered

        gens = sorted({generation_of(ctx.catalog.accelerators[a]) for a in ctx.accelerators})
        offered = [g for g in gens if tp_overlap_offered(DEFAULT.stack(w.software), g)]
        if par.tensor == 1 or not offered:
            why = ("there is no tensor parallelism to overlap" if par.tensor == 1 else
                   f"{w.software} does not overlap it on {', '.join(gens) or 'these accelerators'} (Hopper and "
                   "later, Megatron-LM or FSDP)")
            out.append(warning("tp-overlap-not-offered", where + ("tp_overlap",),
                               f"{w.name}: tensor-parallel overlap is ignored: {why}"))
    if par.offload != "none" and par.zero == 0 and data > 1:
        out.append(warning("offload-without-sharding", where + ("offload",),
                           f"{w.name}: optimizer offload with ZeRO 0 keeps a whole optimizer per data-parallel "
                           f"rank on each host ({data:,} copies); ZeRO-Offload and FSDP offload shard it (zero 1-3)"))
    if ctx.gpus_per_node and par.tensor > ctx.gpus_per_node:
        out.append(warning("tensor-spans-nodes", where + ("tensor",),
                           f"{w.name}: tensor parallelism of {par.tensor} spans nodes of {ctx.gpus_per_node} "
                           "accelerators; its all-reduces run over the fabric, far slower than within a node"))
    return out


# -- warnings that need the result --------------------------------------------------------------
def warnings(index: int, w: TrainingResult, phase: PhaseResult, workload) -> list[Warning]:
    out = []
    path = f"workloads[{index}]"
    pr = w.predicted
    if pr is not None and not pr.fits:
        out.append(Warning("layout-does-not-fit",
                           f"{w.name}: layout {pr.layout.text()} needs {q(pr.memory_per_gpu_bytes, 'bytes')} per "
                           f"accelerator, more than the {q(pr.memory_capacity_bytes, 'bytes')} usable",
                           path + ".parallelism"))
    if pr is not None and pr.gpus_used < w.gpus:
        out.append(Warning("layout-leaves-gpus-idle",
                           f"{w.name}: layout {pr.layout.text()} uses {pr.gpus_used:,} of {w.gpus:,} accelerators",
                           path + ".parallelism"))
    if pr is not None and pr.failures.progress_impossible:
        f = pr.failures
        out.append(Warning("failures-prevent-progress",
                           f"{w.name}: never finishes on {pr.gpus_used:,} accelerators: {f.reason()}. Use at most "
                           f"{int(f.max_gpus):,} accelerators (workload gpus), or write checkpoints faster (storage "
                           f"write bandwidth)", path + ".gpus"))
    if w.mfu > MFU_PUBLISHED_MAX:
        out.append(Warning("mfu-above-published",
                           f"{w.name}: MFU {w.mfu:.0%} is above the {MFU_PUBLISHED_MAX:.0%} that published large "
                           f"runs reached", path + ".mfu"))
    if w.io_bytes > 0 and phase.storage.read_bandwidth_bytes_per_s == 0:
        out.append(Warning("no-storage", f"{w.name}: reads {q(w.io_bytes, 'bytes')} but no storage is online "
                                         f"at {w.phase}", path + ".dataset"))
    elif w.bound == "storage" and w.total_flops > 0:
        out.append(Warning("storage-bound",
                           f"{w.name}: storage reads take {q(w.io_time_s, 'time')}, longer than the "
                           f"{q(w.compute_time_s, 'time')} of compute", path + ".dataset"))
    if workload.dataset is not None and workload.dataset.size_bytes > phase.storage.capacity_bytes:
        out.append(Warning("dataset-exceeds-storage",
                           f"{w.name}: dataset of {q(workload.dataset.size_bytes, 'bytes')} does not fit in the "
                           f"{q(phase.storage.capacity_bytes, 'bytes')} of storage online at {phase.name}",
                           path + ".dataset.size"))
    return out


# -- text, cards ------------------------------------------------------------------------------
def _time_text(w: TrainingResult, seconds: float) -> str:
    """A duration; a run that never ends because failures outpace it says so."""
    pr = w.predicted
    if pr is not None and pr.failures.progress_impossible and seconds == float("inf"):
        return "never: failures arrive faster than the run recovers (see warnings)"
    return format_duration(seconds)


def summary_rows(w: TrainingResult) -> list[tuple[str, str]]:
    rows = [
        ("Accelerators", f"{w.gpus:,} of {w.gpus_online:,} online at {w.phase}"),
        ("Work", q(w.total_flops, "flops") + " (model FLOPs)"),
    ]
    if w.model_parameters is not None:
        active = w.active_parameters or w.model_parameters
        rows.append(("Parameters", f"{w.model_parameters / 1e9:,.2f} B" + (
            f" ({active / 1e9:,.2f} B active per token)" if active < w.model_parameters * 0.999 else "")))
    pr = w.predicted
    if w.total_flops:
        rows.append(("MFU", f"{w.mfu:.1%} ({w.mfu_source})"))
        if pr is not None:
            rows += [("Throughput", it.tokens_text(pr)), ("Step time", it.step_text(pr))]
        spread = it.time_range(w.compute_time_s, pr.time_s_range) if pr is not None else ""
        rows.append(("Compute time", _time_text(w, w.compute_time_s) + spread))
    if w.io_bytes:
        rows.append(("I/O time", f"{format_duration(w.io_time_s)} ({q(w.io_bytes, 'bytes')} at "
                                  f"{q(w.read_bandwidth_bytes_per_s, 'bandwidth')})"))
    rows.append(("Time", _time_text(w, w.time_s) + it.time_range(w.time_s, it.run_range(w)) + f", bound by {w.bound}"))
    if pr is not None and pr.interval_basis:
        rows.append(("Error bars", it.basis_text(pr)))
    if w.time_s == float("inf"):
        rows += [(label, "unbounded (the run never finishes)")
                 for label in ("GPU-hours", "Energy (facility)", "Emissions", "Electricity cost")]
        return rows
    rows += [
        ("GPU-hours", f"{w.gpu_hours:,.0f}"),
        ("Energy (facility)", q(w.energy_j, "energy")),
        ("Emissions", q(w.emissions_kg, "mass") + " CO2e"),
        ("Electricity cost", f"{w.cost_usd:,.0f} USD"),
    ]
    return rows


def cards(w: TrainingResult) -> dict:
    """The dashboard's workload cards: key -> (title, value, detail)."""
    pr, rng = w.predicted, it.run_range(w)
    sustained = ("Sustained", q(w.sustained_flops, "flop_rate"), f"MFU {w.mfu:.1%} on {w.gpus:,} GPUs")
    if pr is not None:  # a predicted run: its throughput, with its interval first (the detail elides)
        point, per = it.per_gpu(pr)
        sustained = ("Tokens/s per GPU", f"{point:,.0f}",
                     (f"{it.LABEL}: {it.rate_range(per)}; " if per else "") + f"MFU {w.mfu:.1%}")
    spread = f"{it.LABEL}: {it.duration(w.time_s, rng)}; " if rng and w.time_s != float("inf") else ""
    if pr is not None and not w.total_flops and not w.io_bytes:
        # a measured step with no token count (a validation run): its step, not a run of 0 s
        step_rng = f"{it.LABEL}: {it.duration(pr.step_time_s, pr.step_time_s_range)}; " \
            if pr.step_time_s_range else ""
        return {
            "sustained": sustained,
            "time": ("Step time", format_duration(pr.step_time_s), f"{step_rng}no token count: no run time"),
            "energy": ("Energy per step", q(w.it_power_w * pr.step_time_s, "energy"), "IT power x step time"),
            "emissions": ("Emissions of the run", "—", "no token count"),
        }
    return {
        "sustained": sustained,
        "time": ("Training time", format_duration(w.time_s) if w.time_s != float("inf") else "never",
                 "failures outpace progress: see warnings" if _time_text(w, w.time_s).startswith("never:")
                 else f"{spread}bound by {w.bound}; {w.gpu_hours:,.0f} GPU-hours"),
        "energy": ("Energy of the run", q(w.energy_j, "energy"), f"{w.cost_usd:,.0f} USD of electricity"),
        "emissions": ("Emissions of the run", q(w.emissions_kg, "mass") + " CO2e", ""),
    }


# -- explanations -----------------------------------------------------------------------------
def _days(seconds: float) -> str:
    return format_duration(seconds, decimals=2)


def explain(plan, r, key: str, index: int):
    """How this run's sustained rate and time were computed, or None for other figures."""
    from ..explanation import Explanation
    from ..schema import number_text

    w = r.workloads[index]
    wl = plan.workloads[index]
    base = f"workloads[{index}]"
    rate_input = {
        "plan": ("MFU", f"{w.mfu:.1%}", base + ".mfu"),
        "catalog": ("MFU (accelerator's typical)", f"{w.mfu:.1%}", base + ".mfu"),
        "achieved_flops": ("Achieved hardware FLOP/s per GPU", q(wl.achieved_flops_per_gpu or 0, "flop_rate"),
                           base + ".achieved_flops"),
        "token_rate": ("Tokens/s per GPU", f"{wl.tokens_per_s_per_gpu or 0:,.0f}", base + ".token_rate"),
        "predicted": ("MFU predicted for layout " + (w.predicted.layout.text() if w.predicted else ""),
                      f"{w.mfu:.1%}", base + ".parallelism"),
    }[w.mfu_source]
    if key == "sustained" and w.predicted is not None:
        pr = w.predicted
        point, per = it.per_gpu(pr)
        return Explanation(key, f"Tokens/s per GPU of {w.name}", f"{point:,.0f}",
                           "global batch × sequence length / predicted step time / GPUs used; the 80% interval "
                           "scales it by the model's errors on published runs like it (10th to 90th percentile, "
                           "widened for few runs)", (
                               ("Global batch", f"{pr.global_batch:,} sequences", base + ".global_batch"),
                               ("Step time", it.step_text(pr), base + ".parallelism"),
                               ("GPUs used", f"{pr.gpus_used:,}", base + ".gpus"),
                               ("80% interval", f"{it.rate_range(per)} tokens/s per GPU" if per else "none", ""),
                               ("Interval from", pr.interval_basis or "no validation runs", ""),
                               ("Sustained model FLOP/s", q(w.sustained_flops, "flop_rate"), ""),
                               rate_input,
                           ))
    if key == "sustained":
        return Explanation(key, "Sustained model FLOP/s", q(w.sustained_flops, "flop_rate"),
                           "GPUs × peak per GPU × MFU", (
                               ("GPUs", f"{w.gpus:,}", base + ".gpus"),
                               ("Peak per GPU", q(w.peak_flops_per_gpu, "flop_rate"), base + ".precision"),
                               rate_input,
                           ))
    if key == "time" and w.predicted is not None and not w.total_flops and not w.io_bytes:
        pr = w.predicted  # a measured step with no token count (a validation run)
        from ..perf.parts import PART_NAMES

        parts = tuple((PART_NAMES.get(k.removesuffix("_s"), "matmuls"), format_duration(v), "")
                      for k, v in pr.step_parts.items() if v > 0)
        return Explanation(key, f"Step time of {w.name}", format_duration(pr.step_time_s),
                           "the sum of the step's predicted parts (no token count: no run time)",
                           (("Layout", pr.layout.text(), base + ".parallelism"),
                            ("80% interval", it.step_text(pr), ""), *parts))
    if key == "time" and w.predicted is not None:
        pr = w.predicted
        return Explanation(key, f"Time of {w.name}", _days(w.time_s),
                           "steps × predicted step time, plus checkpoints, lost work and restarts "
                           "(T = T0 (1 + δ/τ) / (1 − (τ/2 + R)/M), Young/Daly)", (
                               ("Steps", f"{pr.steps:,.0f} of {pr.global_batch:,} sequences", base + ".global_batch"),
                               ("Step time", it.step_text(pr), base + ".parallelism"),
                               rate_input,
                               ("Training time without failures", _days(pr.train_time_s)
                                + it.time_range(pr.train_time_s, pr.train_time_s_range), ""),
                               ("80% interval of the time", it.duration(w.time_s, it.run_range(w))
                                if it.run_range(w) and w.time_s != float("inf") else "none",
                                ""),
                               ("Mean time between failures", q(pr.failures.mtbf_s, "time"), ""),
                               ("Checkpoint every", q(pr.failures.checkpoint_interval_s, "time"), ""),
                               ("Expected interruptions", f"{pr.expected_interruptions:,.0f}", ""),
                               ("Goodput", f"{pr.goodput:.1%}", ""),
                           ))
    if key == "time":
        work = (f"6 × {number_text(wl.parameters)} parameters × {number_text(wl.tokens)} tokens"
                if wl.parameters and wl.tokens and wl.total_flops is None else "given")
        return Explanation(key, f"Time of {w.name}", _days(w.time_s),
                           "max(compute time, I/O time); compute = model FLOPs / (GPUs × peak per GPU × MFU); "
                           "I/O = dataset bytes × epochs / storage read bandwidth", (
                               ("Model FLOPs", f"{w.total_flops:.3g} ({work})".replace("e+", "e"),
                                base + ".parameters"),
                               ("GPUs", f"{w.gpus:,}", base + ".gpus"),
                               ("Peak per GPU", q(w.peak_flops_per_gpu, "flop_rate"), base + ".precision"),
                               rate_input,
                               ("Compute time", _days(w.compute_time_s), ""),
                               ("I/O time", _days(w.io_time_s) if w.io_bytes else "no dataset", base + ".dataset"),
                               ("Bound by", w.bound, ""),
                           ))
    return None


def charts(plan, results, index: int) -> dict:
    """Its chart descriptions (planner.charts), by key; numpy loads only when they are drawn."""
    from .training_charts import charts as training_charts

    return training_charts(plan, results, index)
