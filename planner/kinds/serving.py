"""Inference serving (``kind: serving``): how many accelerators a demand needs under a latency
target, how fast each token comes, and what a million tokens cost (README, "Serving model";
the performance model is in serving_model.py, load and search in serving_search.py).

- Replicas = ceil(requests per second / what one replica completes at the chosen batch); GPUs =
  replicas x tensor x pipeline x expert, at most ``gpus``.
- Power = GPUs x the phase's IT power under load per accelerator; energy per token = power x
  PUE / output tokens per second; tokens per second per MW of facility power likewise.
- Cost per accelerator-second = ``price_per_gpu_hour`` / 3,600 when given (a cloud price
  includes power), else the phase's capital cost per accelerator / ``amortization`` + its IT
  power x PUE x electricity price. Cost per million output tokens = GPUs x that / output tokens
  per second x 1e6; per year = GPUs x that x 365 days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..findings import Finding, error, warning
from ..model.context import CheckContext, WorkloadContext
from ..model.results import PhaseResult, Warning, WorkloadResult
from ..units import format_quantity as q
from .serving_cost import YEAR_S, gpu_cost_per_s
from .serving_cost import latency_text as _t
from .serving_cost import usd_text as _usd
from .serving_model import BYTES, USABLE_MEMORY_FRACTION, arithmetic, facts_of
from .serving_plan import ServingParallelism, Slo
from .serving_search import Design, search
from .training import CODES as TRAINING_CODES
from .training import _check_shape

REUSED = ("precision-unsupported", "tensor-does-not-divide", "pipeline-exceeds-layers", "layout-exceeds-gpus",
          "gpus-exceed-online", "tensor-spans-nodes", "shape-inconsistent", "parameters-disagree-with-shape",
          "shape-not-moe")
CODES = {
    **{code: TRAINING_CODES[code] for code in REUSED},
    "serving-without-model": "error: a serving workload with neither a model shape nor parameters",
    "expert-without-experts": "error: expert parallelism on a dense model, or not dividing its experts",
    "model-does-not-fit": "the served model's weights leave no room for a KV cache in the replica's memory",
    "slo-not-met": "no batch of the replica layout meets the latency targets",
    "demand-not-met": "the accelerator cap (gpus) holds fewer replicas than the demand needs",
}


@dataclass(frozen=True)
class ServingFigures:
    """What a serving deployment delivers (JSON: ``serving``)."""

    replicas: int
    gpus: int
    gpus_per_replica: int
    layout: str  # "t8 p1 e1 fp8, KV fp8"
    fits: bool
    weights_bytes_per_gpu: float
    kv_cache_bytes_per_request: float  # layers x kv_heads x head_dim x 2 x (input + output) x bytes
    max_batch: int  # sequences the KV cache of a replica holds
    batch: int  # the replica's batch limit chosen for the SLO
    prefill_tokens_per_s: float  # prompt tokens the deployment prefills per second, doing nothing else
    decode_tokens_per_s: float  # tokens it decodes per second at the batch, doing nothing else
    output_tokens_per_s: float  # served: the whole deployment
    ttft_s: float  # median at the load
    tpot_s: float
    meets_slo: bool
    power_w: float  # IT power of the deployment's accelerators' share of the cluster
    energy_j_per_token: float  # at the facility
    usd_per_million_tokens: float  # per million output tokens
    cost_usd_per_year: float
    tokens_per_s_per_mw: float  # output tokens per second per MW at the facility


@dataclass(frozen=True)
class ServingResult(WorkloadResult):
    precision: str
    requests_per_s: float
    input_tokens: int
    output_tokens: int
    slo_ttft_s: float
    slo_tpot_s: float
    utilization: float  # served load / what the replicas do at the chosen batch
    cost_basis: str  # "price_per_gpu_hour" | "amortized capital cost + electricity"
    usd_per_gpu_hour: float
    serving: ServingFigures


# -- evaluation -------------------------------------------------------------------------------
def evaluate(ctx: WorkloadContext) -> ServingResult:
    plan, w, phase = ctx.plan, ctx.workload, ctx.phase
    d = search(w, phase.machine)[0]
    return result_of(plan, w, phase, d)


def result_of(plan, w, phase: PhaseResult, d: Design) -> ServingResult:
    r, f = d.replica, plan.facility
    slo = w.slo or Slo()
    tokens = d.output_tokens_per_s
    per_s, basis = gpu_cost_per_s(w, plan, phase)
    power = d.gpus * phase.machine.it_power_per_gpu_w
    facility_w = power * phase.power.pue
    energy = facility_w * YEAR_S
    held = w.demand.input_tokens + w.demand.output_tokens
    figures = ServingFigures(
        replicas=d.replicas, gpus=d.gpus, gpus_per_replica=r.gpus, layout=d.layout, fits=r.fits,
        weights_bytes_per_gpu=r.weights_bytes_per_gpu,
        kv_cache_bytes_per_request=r.facts.kv_bytes_per_token(BYTES[r.kv_precision]) * held,
        max_batch=d.max_batch, batch=d.batch,
        prefill_tokens_per_s=d.replicas * d.prefill_tokens_per_s,
        decode_tokens_per_s=d.replicas * d.decode_tokens_per_s,
        output_tokens_per_s=tokens, ttft_s=d.ttft_s, tpot_s=d.tpot_s, meets_slo=d.meets_slo, power_w=power,
        energy_j_per_token=facility_w / tokens if tokens else math.inf,
        usd_per_million_tokens=d.gpus * per_s / tokens * 1e6 if tokens else math.inf,
        cost_usd_per_year=d.gpus * per_s * YEAR_S,
        tokens_per_s_per_mw=tokens / (facility_w / 1e6) if facility_w else 0.0)
    bound = {"bandwidth": "memory bandwidth", "compute": "compute", "memory": "memory capacity"}[d.bound]
    return ServingResult(
        name=w.name, kind="serving", phase=phase.name, gpus=d.gpus, gpus_online=phase.gpus, time_s=YEAR_S,
        bound=bound, gpu_hours=d.gpus * YEAR_S / 3600.0, it_power_w=power, energy_j=energy,
        emissions_kg=energy * f.carbon_intensity_kg_per_j, cost_usd=energy * f.electricity_price_usd_per_j,
        precision=r.precision, requests_per_s=w.demand.requests_per_s, input_tokens=w.demand.input_tokens,
        output_tokens=w.demand.output_tokens, slo_ttft_s=slo.time_to_first_token_s,
        slo_tpot_s=slo.time_per_output_token_s, utilization=d.utilization, cost_basis=basis,
        usd_per_gpu_hour=per_s * 3600.0, serving=figures)


# -- cross-field checks -----------------------------------------------------------------------
def check(ctx: CheckContext) -> list[Finding]:
    w, path = ctx.workload, ctx.path
    out: list[Finding] = []
    if w.model is None and w.parameters is None:
        out.append(error("serving-without-model", path, "a model shape (model: {layers, hidden, heads, ...}) or "
                                                        "parameters", "neither"))
    out += _check_shape(ctx)
    peaks = {a: ctx.catalog.accelerators[a].peak_flops for a in ctx.accelerators}
    if w.precision != "auto":
        lacking = sorted(a for a, p in peaks.items() if not p.get(arithmetic(w.precision, p)))
        need = "16-bit rate (int8 and int4 are weight-only)" if w.precision in ("int8", "int4") else \
            f"{w.precision} rate"
    else:
        lacking = sorted(a for a, p in peaks.items() if not any(p.get(x) for x in ("bf16", "fp16", "fp8", "fp4")))
        need = "bf16, fp16, fp8 or fp4 rate"
    if lacking:
        out.append(error("precision-unsupported", path + ("precision",),
                         f"a precision every accelerator online computes ({', '.join(lacking)} has no {need})",
                         f"'{w.precision}'"))
    out += _check_layout(ctx)
    if w.gpus is not None and ctx.gpus_online and w.gpus > ctx.gpus_online:
        phase = ctx.plan.phases[ctx.phase_index].name
        out.append(warning("gpus-exceed-online", path + ("gpus",),
                           f"{w.name}: may use up to {w.gpus:,} accelerators; {ctx.gpus_online:,} are online at "
                           f"{phase}"))
    return out


def _check_layout(ctx: CheckContext) -> list[Finding]:
    w, where = ctx.workload, ctx.path + ("parallelism",)
    par, m = w.parallelism or ServingParallelism(), w.model
    out = []
    if isinstance(par.tensor, int) and m is not None and (m.heads % par.tensor):
        out.append(error("tensor-does-not-divide", where + ("tensor",),
                         f"a tensor size dividing the {m.heads} attention heads", str(par.tensor)))
    layers = m.layers if m is not None else facts_of(None, w.parameters).layers if w.parameters else 0
    if layers and par.pipeline > layers:
        out.append(error("pipeline-exceeds-layers", where + ("pipeline",),
                         f"at most one pipeline stage per layer ({layers})", str(par.pipeline)))
    if par.expert > 1 and (m is None or m.experts <= 1 or m.experts % par.expert):
        what = "a mixture of experts (model: experts > 1)" if m is None or m.experts <= 1 else \
            f"an expert-parallel size dividing the {m.experts} experts"
        out.append(error("expert-without-experts", where + ("expert",), what, str(par.expert)))
    tensor = par.tensor if isinstance(par.tensor, int) else 1
    size = tensor * par.pipeline * par.expert
    limit = min(x for x in (w.gpus, ctx.gpus_online) if x)
    if size > limit:
        out.append(error("layout-exceeds-gpus", where + ("tensor" if par.tensor != "auto" else "pipeline",),
                         f"tensor x pipeline x expert at most the {limit:,} accelerators available",
                         f"{tensor} x {par.pipeline} x {par.expert} = {size:,}"))
    if isinstance(par.tensor, int) and ctx.gpus_per_node and par.tensor > ctx.gpus_per_node:
        out.append(warning("tensor-spans-nodes", where + ("tensor",),
                           f"{w.name}: tensor parallelism of {par.tensor} spans nodes of {ctx.gpus_per_node} "
                           "accelerators; its all-reduces run over the fabric, far slower than within a node"))
    return out


# -- warnings that need the result --------------------------------------------------------------
def warnings(index: int, w: ServingResult, phase: PhaseResult, workload) -> list[Warning]:
    s, path = w.serving, f"workloads[{index}]"
    out = []
    if not s.fits:
        hint = _fitting_hint(workload, phase)
        out.append(Warning("model-does-not-fit",
                           f"{w.name}: at {s.layout}, {q(s.weights_bytes_per_gpu, 'bytes')} of {w.precision} "
                           f"weights per accelerator leave no room for a KV cache in the "
                           f"{q(phase.machine.memory_bytes * USABLE_MEMORY_FRACTION, 'bytes')} usable{hint}",
                           path + ".precision"))
    elif not s.meets_slo and s.output_tokens_per_s:
        out.append(Warning("slo-not-met",
                           f"{w.name}: at best TTFT {_t(s.ttft_s)} and TPOT {_t(s.tpot_s)} with {s.layout}, batch "
                           f"{s.batch}; targets {_t(w.slo_ttft_s)} and {_t(w.slo_tpot_s)}", path + ".slo"))
    if s.fits and s.output_tokens_per_s < w.requests_per_s * w.output_tokens * (1 - 1e-9):
        out.append(Warning("demand-not-met",
                           f"{w.name}: {s.gpus:,} accelerators ({s.replicas:,} replicas) serve "
                           f"{s.output_tokens_per_s / w.output_tokens:,.3g} of the {w.requests_per_s:,.3g} requests/s",
                           path + ".gpus"))
    return out


def _fitting_hint(workload, phase: PhaseResult) -> str:
    fitting = [d for d in search(workload, phase.machine, all_precisions=True) if d.replica.fits]
    if not fitting:
        return "; no precision fits a node: state a larger tensor or pipeline size"
    names = list(dict.fromkeys(d.replica.precision for d in fitting))
    d = fitting[0]
    return f"; {' and '.join(names)} fit{'s' if len(names) == 1 else ''} (best: {d.layout}, on {d.gpus:,} accelerators)"


# -- text, cards --------------------------------------------------------------------------------
def summary_rows(w: ServingResult) -> list[tuple[str, str]]:
    s = w.serving
    fits = "" if s.fits else " — does not fit"
    return [
        ("Accelerators", f"{s.gpus:,} of {w.gpus_online:,} online at {w.phase}: {s.replicas:,} replicas x "
                         f"{s.gpus_per_replica} ({s.layout}){fits}"),
        ("Demand", f"{w.requests_per_s:,.4g} requests/s of {w.input_tokens:,} + {w.output_tokens:,} tokens"),
        ("Weights per accelerator", q(s.weights_bytes_per_gpu, "bytes")),
        ("KV cache per request", q(s.kv_cache_bytes_per_request, "bytes")),
        ("Batch per replica", f"{s.batch:,} (the KV cache holds {s.max_batch:,})"),
        ("Output tokens/s", f"{s.output_tokens_per_s:,.0f} (utilization {w.utilization:.0%}; bound by {w.bound})"),
        ("Latency (median)", (f"TTFT {_t(s.ttft_s)}, TPOT {_t(s.tpot_s)}" if s.fits else "none: does not fit")
         + f"; targets {_t(w.slo_ttft_s)}, {_t(w.slo_tpot_s)}: {'met' if s.meets_slo else 'not met'}"),
        ("IT power", q(s.power_w, "power")),
        ("Energy per output token", f"{s.energy_j_per_token:.3g} J" if math.isfinite(s.energy_j_per_token) else "—"),
        ("Tokens/s per MW", f"{s.tokens_per_s_per_mw:,.0f}"),
        ("Cost per million tokens", f"{_usd(s.usd_per_million_tokens)} ({w.cost_basis}, "
                                    f"{w.usd_per_gpu_hour:.3g} USD per GPU-hour)"),
        ("Cost per year", _usd(s.cost_usd_per_year) if s.gpus else "—"),
        ("Energy per year (facility)", q(w.energy_j, "energy")),
        ("Emissions per year", q(w.emissions_kg, "mass") + " CO2e"),
    ]


def cards(w: ServingResult) -> dict:
    """The dashboard's four workload slots: GPUs needed, latency against the SLO, tokens/s, $/M."""
    s = w.serving
    met = "met" if s.meets_slo else "NOT met"
    return {
        "sustained": ("GPUs needed", f"{s.gpus:,}" if s.fits else "does not fit",
                      f"{s.replicas:,} x {s.gpus_per_replica} ({s.layout})" if s.fits else f"{s.layout}: see warnings"),
        "time": ("TTFT / TPOT", f"{_t(s.ttft_s)} / {_t(s.tpot_s)}" if s.fits else "—",
                 f"SLO {_t(w.slo_ttft_s)} / {_t(w.slo_tpot_s)}: {met}"),
        "energy": ("Output tokens/s", f"{s.output_tokens_per_s:,.0f}",
                   f"{s.tokens_per_s_per_mw:,.0f} tokens/s per MW; batch {s.batch:,}"),
        "emissions": ("Cost per million tokens", _usd(s.usd_per_million_tokens),
                      f"{_usd(s.cost_usd_per_year)} per year"),
    }


def explain(plan, results, key: str, index: int):
    from .serving_text import explain as serving_explain

    return serving_explain(plan, results, key, index)


def charts(plan, results, index: int) -> dict:
    from .serving_charts import charts as serving_charts

    return serving_charts(plan, results, index)


def performance(plan, results, index: int):
    """The Performance tab's view of this deployment: its curve, memory and ranked layouts."""
    from .serving_charts import performance as serving_performance

    return serving_performance(plan, results, index)
