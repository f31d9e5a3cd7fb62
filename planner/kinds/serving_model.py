"""The serving performance model: what one replica of a model holds and how fast it answers
(README, "Serving model"). Pure Python, SI units; one replica is ``tensor x pipeline x expert``
accelerators of the phase's main system.

- Weights per GPU = parameters x bytes / (tensor x pipeline), routed experts also / expert.
- KV cache per token = layers x kv_heads x head_dim x 2 (K and V) x bytes (Pope et al. 2022,
  "Efficiently Scaling Transformer Inference", section 2); a request holds input + output tokens.
- Batch: continuous batching holds sequences at every stage of their answer, input + output / 2
  tokens each on average (Kwon et al. 2023, vLLM's PagedAttention allocates as tokens arrive).
- Decode step = weight and KV reads at the achieved bandwidth (what dominates at small batch)
  + the arithmetic at the achieved peak (what dominates at large batch) + 2 all-reduces per
  layer over the scale-up link (Megatron-LM's tensor parallelism, Shoeybi et al. 2019)
  [+ two all-to-alls per MoE layer across expert groups].
- Prefill = 2 x active parameters x input tokens + the causal attention's 2 x layers x
  (heads x head_dim) x input^2, compute-bound, plus its all-reduces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..perf.constants import COLLECTIVE_EFFICIENCY
from ..sections import GATED, counts

BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "fp4": 0.5, "int4": 0.5}
WEIGHT_ONLY = ("int8", "int4")
ACTIVATION_BYTES = 2.0  # activations exchanged in 16 bits
# Fraction of accelerator memory the engine may use for weights and KV cache: vLLM's
# gpu_memory_utilization and TensorRT-LLM's kv_cache_free_gpu_mem_fraction both default to 0.9.
USABLE_MEMORY_FRACTION = 0.9
# Achieved fraction of HBM bandwidth when streaming weights and KV cache: decode at batch 1
# reaches ~77% on A100 (vLLM, Llama 3.1 8B); Azure measured 92% on GB200 with a streaming test.
BANDWIDTH_EFFICIENCY = 0.8
# Achieved fraction of the dense peak in the matrix multiplications of inference: Azure sustained
# 2,744 of GB200's 5,000 TFLOP/s FP8 (55%); cuBLAS reaches ~70% on large Hopper GEMMs.
COMPUTE_EFFICIENCY = 0.6
# Latency of one small all-reduce or all-to-all within a node (NCCL tests: ~10 us on NVLink).
COLLECTIVE_LATENCY_S = 10e-6
# Tokens an engine packs into one step of prompt processing when prompts queue (TensorRT-LLM's
# default max_num_tokens; vLLM's chunked prefill, Agrawal et al. 2024, Sarathi-Serve, likewise):
# under load, short prompts share their matrix multiplications.
PREFILL_STEP_TOKENS = 8192
# The largest batch an engine schedules (TensorRT-LLM's default max_batch_size).
MAX_BATCH = 2048
# A rough shape from a parameter count: GPT-3's proportions (hidden = 128 x layers, 128-wide
# heads, multi-head attention; Brown et al. 2020, table 2.1): P ~ 12 x layers x hidden^2.
ROUGH_ASPECT = 128


@dataclass(frozen=True)
class Facts:
    """What the serving model needs of a model: sizes in parameters, widths in elements."""

    total: float  # every parameter
    always_read: float  # read by every decode step: all but routed experts and the input embedding
    expert: float  # parameters of one routed expert (0: dense)
    moe_layers: int
    experts: int
    top_k: int
    flops_per_token: float  # matmul FLOPs per token, 2 x (active parameters but the embedding lookup)
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: float
    attention_width: float  # heads x head_dim

    def kv_bytes_per_token(self, kv_bytes: float) -> float:
        """layers x kv_heads x head_dim x 2 x bytes."""
        return self.layers * self.kv_heads * self.head_dim * 2 * kv_bytes


def facts_of(model, parameters: float | None) -> Facts:
    if model is not None:
        m, c = model, counts(model)
        h = m.hidden
        dh = float(m.head_dim or h / m.heads)
        fe = float(m.expert_ffn_hidden or m.ffn_hidden or 4 * h)
        expert = (3.0 if m.mlp in GATED else 2.0) * h * fe if m.experts > 1 else 0.0
        moe = max(0, m.layers - m.dense_layers) if m.experts > 1 else 0
        embedding_in = 0.0 if m.tied_embeddings else float(m.vocabulary * h)
        scale = parameters / c.total if parameters else 1.0  # stated parameters beside the shape
        total = c.total * scale
        routed = moe * m.experts * expert * scale
        return Facts(total, total - routed - embedding_in * scale, expert * scale, moe, m.experts, m.top_k,
                     2.0 * (c.active - embedding_in) * scale, m.layers, h, m.heads, m.kv_heads or m.heads, dh,
                     m.heads * dh)
    assert parameters is not None  # checked: a serving workload has a model or parameters
    layers = max(1, round((parameters / (12 * ROUGH_ASPECT**2)) ** (1 / 3)))
    hidden = ROUGH_ASPECT * layers
    heads = max(1, hidden // 128)
    return Facts(parameters, parameters, 0.0, 0, 1, 1, 2.0 * parameters, layers, hidden, heads, heads,
                 hidden / heads, float(hidden))


def arithmetic(precision: str, peaks: dict) -> str:
    """The precision of the arithmetic: weight-only formats compute in 16 bits."""
    if precision in WEIGHT_ONLY:
        return "bf16" if peaks.get("bf16") else "fp16"
    return precision


def kv_precision_of(precision: str, stated: str | None, peaks: dict) -> str:
    return stated or arithmetic(precision, peaks)


@dataclass(frozen=True)
class Replica:
    """One replica's layout on the machine, and what it holds per accelerator."""

    facts: Facts
    tensor: int
    pipeline: int
    expert: int
    precision: str
    kv_precision: str
    peak: float  # dense FLOP/s per GPU at the arithmetic's precision
    bandwidth: float  # HBM bytes/s per GPU
    up: float  # link bytes/s per GPU for the tensor group (scale-up within a node, else the fabric)
    weights_bytes_per_gpu: float
    kv_bytes_per_token_per_gpu: float
    usable_bytes_per_gpu: float

    @property
    def gpus(self) -> int:
        return self.tensor * self.pipeline * self.expert

    @property
    def kv_capacity_bytes_per_gpu(self) -> float:
        return self.usable_bytes_per_gpu - self.weights_bytes_per_gpu

    @property
    def fits(self) -> bool:
        return self.kv_capacity_bytes_per_gpu > 0

    def max_batch(self, tokens_held: float) -> int:
        """Sequences of ``tokens_held`` tokens each the replica's KV cache holds (at most MAX_BATCH)."""
        if not self.fits:
            return 0
        per_group = int(self.kv_capacity_bytes_per_gpu // (tokens_held * self.kv_bytes_per_token_per_gpu))
        return min(MAX_BATCH, per_group * self.expert)


def replica(facts: Facts, machine, tensor: int, pipeline: int, expert: int, precision: str,
            kv_precision: str) -> Replica:
    f = facts
    w = BYTES[precision]
    routed = f.moe_layers * f.experts * f.expert
    weights = ((f.total - routed) / (tensor * pipeline) + routed / (tensor * pipeline * expert)) * w
    stage_layers = math.ceil(f.layers / pipeline)
    kv_token = stage_layers * math.ceil(f.kv_heads / tensor) * f.head_dim * 2 * BYTES[kv_precision]
    up = machine.scale_up_bandwidth_bytes_per_s if tensor * expert <= max(machine.gpus_per_node, 1) \
        else machine.scale_out_bandwidth_bytes_per_s
    return Replica(f, tensor, pipeline, expert, precision, kv_precision,
                   machine.peak(arithmetic(precision, machine.peak_flops_per_gpu)),
                   machine.memory_bandwidth_bytes_per_s, up, weights, kv_token,
                   machine.memory_bytes * USABLE_MEMORY_FRACTION)


def _collective(message_bytes: float, ranks: int, link: float, all_reduce: bool = True) -> float:
    """One ring all-reduce (2 (n-1)/n x bytes) or all-to-all ((n-1)/n x bytes) over the link."""
    if ranks <= 1:
        return 0.0
    volume = (2.0 if all_reduce else 1.0) * (ranks - 1) / ranks * message_bytes
    return COLLECTIVE_LATENCY_S + volume / (link * COLLECTIVE_EFFICIENCY)


def decode_step(r: Replica, batch: float, context: float) -> tuple[float, str]:
    """Time for the replica to give each of ``batch`` sequences (``context`` tokens held each)
    one more token (the time per output token at that batch, without prefills), and what the
    step spends most on ("bandwidth": reading weights and KV cache, or "compute").

    Each part costs its bytes at the achieved HBM bandwidth plus its arithmetic at the achieved
    peak, the two not hiding each other (a decode step's kernels are short: fitted to published
    throughputs, this sum is within 12% where the roofline's max is up to 42% high)."""
    f, t, p, e = r.facts, r.tensor, r.pipeline, r.expert
    micro = max(batch, 1e-9) / p  # sequences per pipeline microbatch
    group = micro / e  # per attention group
    stage_layers = math.ceil(f.layers / p)
    share = stage_layers / f.layers  # of the layers, on one stage
    bw, peak = r.bandwidth * BANDWIDTH_EFFICIENCY, r.peak * COMPUTE_EFFICIENCY
    w = BYTES[r.precision]
    # a routed expert is read when one of the microbatch's tokens picks it (top_k of experts each)
    touched = f.experts * (1.0 - (1.0 - f.top_k / f.experts) ** micro) if f.moe_layers else 0.0
    weight_bytes = (f.always_read / t + f.moe_layers * touched * f.expert / (t * e)) * share * w
    kv_bytes = group * context * r.kv_bytes_per_token_per_gpu
    read_s = (weight_bytes + kv_bytes) / bw
    gemm_flops = f.flops_per_token * micro * share / (t * e)
    attention_flops = 4.0 * group * context * f.attention_width * stage_layers / t
    math_s = (gemm_flops + attention_flops) / peak
    comm = 2 * stage_layers * _collective(group * f.hidden * ACTIVATION_BYTES, t, r.up)
    if f.moe_layers:
        moe_share = f.moe_layers / f.layers * stage_layers
        comm += 2 * moe_share * _collective(group * f.top_k * f.hidden * ACTIVATION_BYTES, e, r.up, False)
    stage = read_s + math_s + comm
    if p > 1:
        stage += COLLECTIVE_LATENCY_S + micro * f.hidden * ACTIVATION_BYTES / r.up
    return p * stage, "compute" if math_s > read_s else "bandwidth"


def prefill(r: Replica, tokens: int) -> tuple[float, float]:
    """(latency of one request's prefill through the replica, busy time it costs the replica):
    compute-bound matrix multiplications and causal attention, plus the all-reduces."""
    f, t, p, e = r.facts, r.tensor, r.pipeline, r.expert
    flops = f.flops_per_token * tokens + 2.0 * f.layers * f.attention_width * tokens**2
    compute = flops / (t * e * r.peak * COMPUTE_EFFICIENCY)  # every stage in turn
    weights = r.weights_bytes_per_gpu * p / (r.bandwidth * BANDWIDTH_EFFICIENCY)  # read once per stage
    comm = 2 * f.layers * _collective(tokens / e * f.hidden * ACTIVATION_BYTES, t, r.up)
    latency = max(compute, weights) + comm
    # under load the engine packs queued prompts into steps of PREFILL_STEP_TOKENS: one weight read each
    busy = max(compute, weights * tokens / PREFILL_STEP_TOKENS) + comm
    return latency, busy / p  # stages work on different requests at once
