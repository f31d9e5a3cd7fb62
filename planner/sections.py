"""Plan sections that more than one workload kind uses: a model's shape, a parallel layout and
a dataset. A workload kind's own section (planner/kinds/<kind>_plan.py) is built from these."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import MISSING, field

RECOMPUTE = ("none", "selective", "full")
OFFLOAD = ("none", "optimizer")  # planner/perf/options.py
MLPS = ("gelu", "relu2", "swiglu", "geglu")
GATED = ("swiglu", "geglu")  # three matrices: gate, up, down (Shazeer 2020, "GLU variants")
SOFTWARE = ("megatron", "fsdp", "deepspeed")  # training stacks (planner/perf/stacks.py)


@dataclass(frozen=True, kw_only=True)
class Dataset:
    size_bytes: float = field("size", "quantity", "Size of the dataset", MISSING, dim="bytes", strict_min=True)
    epochs: float = field("epochs", "number", "Passes over the dataset", 1.0, strict_min=True, maximum=1e6)


@dataclass(frozen=True, kw_only=True)
class ModelShape:
    """A decoder-only transformer: GPT-style (``mlp: gelu``, the default) or Llama-style (gated
    MLP, grouped-query attention), dense or a mixture of experts."""

    layers: int = field("layers", "int", "Transformer layers", MISSING, strict_min=True, maximum=10_000)
    hidden: int = field("hidden", "int", "Hidden size", MISSING, strict_min=True, maximum=1_000_000)
    heads: int = field("heads", "int", "Attention (query) heads", MISSING, strict_min=True, maximum=100_000)
    kv_heads: int | None = field("kv_heads", "int",
                                 "Key/value heads: grouped-query attention (default: heads; 1 = multi-query)",
                                 None, strict_min=True, maximum=100_000)
    head_dim: int | None = field("head_dim", "int", "Width of one attention head (default: hidden / heads)",
                                 None, strict_min=True, maximum=1_000_000)
    ffn_hidden: int | None = field("ffn_hidden", "int", "Width of the MLP (default: 4 x hidden)", None,
                                   strict_min=True, maximum=10_000_000)
    mlp: str = field("mlp", "choice", "MLP kind: gelu and relu2 have two matrices, the gated swiglu and geglu "
                     "three", "gelu", choices=MLPS)
    tied_embeddings: bool = field("tied_embeddings", "bool",
                                  "The output layer shares the input embedding's weights", False)
    sequence_length: int = field("sequence_length", "int", "Tokens per sequence", 2048, strict_min=True,
                                 maximum=10_000_000)
    vocabulary: int = field("vocabulary", "int", "Vocabulary size", 51200, strict_min=True, maximum=10_000_000)
    experts: int = field("experts", "int", "Experts per MoE layer (1: a dense model)", 1, strict_min=True,
                         maximum=100_000)
    top_k: int = field("top_k", "int", "Experts each token is routed to", 1, strict_min=True, maximum=100_000)
    expert_ffn_hidden: int | None = field("expert_ffn_hidden", "int",
                                          "Width of each expert's MLP (default: ffn_hidden)", None, strict_min=True,
                                          maximum=10_000_000)
    shared_experts: int = field("shared_experts", "int", "Always-active experts per MoE layer", 0,
                                maximum=100_000)
    dense_layers: int = field("dense_layers", "int", "Leading layers that stay dense in a MoE model", 0,
                              maximum=10_000)
    routed_nodes: int | None = field("routed_nodes", "int",
                                     "Node-limited routing: a token's experts lie on at most this many nodes, "
                                     "reached over the fabric once each (DeepSeek-V3: 4; default: no limit)",
                                     None, strict_min=True, maximum=100_000)
    flash_attention: bool = field("flash_attention", "bool",
                                  "Fused attention that never stores the s x s scores (Dao et al. 2022)", True)


@dataclass(frozen=True, kw_only=True)
class Parallelism:
    """How a run is laid out on its accelerators (Megatron-LM terms)."""

    tensor: int = field("tensor", "int", "Tensor-parallel size (within a node's scale-up domain)", 1,
                        strict_min=True, maximum=1024)
    pipeline: int = field("pipeline", "int", "Pipeline-parallel stages", 1, strict_min=True, maximum=4096)
    data: int | str = field("data", "int",
                            "Data-parallel replicas ('auto': accelerators / (tensor x pipeline x context))",
                            "auto", strict_min=True, maximum=10_000_000, keywords=("auto",))
    context: int = field("context", "int", "Context-parallel size: each sequence split over this many "
                         "accelerators (ring attention)", 1, strict_min=True, maximum=4096)
    expert: int = field("expert", "int", "Expert-parallel size: a MoE layer's experts spread over this many of "
                        "the data-parallel accelerators", 1, strict_min=True, maximum=100_000)
    microbatch: int = field("microbatch", "int", "Sequences per microbatch", 1, strict_min=True, maximum=4096)
    interleave: int = field("interleave", "int", "Model chunks per pipeline stage (interleaved schedule)", 1,
                            strict_min=True, maximum=128)
    zero: int = field("zero", "int", "ZeRO stage: 0 none, 1 optimizer states, 2 + gradients, 3 + weights", 1,
                      maximum=3)
    shard_group: int | None = field("shard_group", "int",
                                    "ZeRO/FSDP sharding group: states sharded over this many data-parallel ranks, "
                                    "replicated across groups (hybrid sharding; default: all of them)", None,
                                    strict_min=True, maximum=10_000_000)
    recompute: str | None = field("recompute", "choice", "Activation recomputation (default: the workload's)",
                                  None, choices=RECOMPUTE)
    sequence_parallel: bool = field("sequence_parallel", "bool",
                                    "Shard layer norms and dropout across the tensor group (Korthikanti et al.)",
                                    True)
    expert_overlap: bool = field("expert_overlap", "bool",
                                 "Hide the expert all-to-alls behind another microbatch's compute (DeepSeek's "
                                 "DualPipe; Megatron-Core's --overlap-moe-expert-parallel-comm)", False)
    tp_overlap: bool = field("tp_overlap", "bool", "Overlap tensor-parallel communication with the GEMMs "
                             "(Megatron --tp-comm-overlap, TorchTitan async TP; Hopper and later)", False)
    offload: str = field("offload", "choice", "Keep the optimizer states and step on the host CPU "
                         "(ZeRO-Offload, FSDP CPU offload)", "none", choices=OFFLOAD)


@dataclass(frozen=True, kw_only=True)
class Published:
    """A figure measured on a real run, with where it was published: the model's prediction is
    compared with it (``validation/runs/``). Exactly one of the four figures."""

    token_rate: float | None = field("token_rate", "quantity", "Measured tokens/s per accelerator", None,
                                     dim="tokens_rate", strict_min=True, per_gpu=True)
    step_time_s: float | None = field("step_time", "quantity", "Measured time of one training step", None,
                                      dim="time", strict_min=True)
    mfu: float | None = field("mfu", "number", "Measured model FLOPs utilisation", None, strict_min=True,
                              maximum=1.0)
    achieved_flops: float | None = field("achieved_flops", "quantity",
                                         "Measured FLOP/s per accelerator, as the source counts them", None,
                                         dim="flop_rate", strict_min=True, per_gpu=True)
    source: str = field("source", "str", "Where it was published: paper or repository, year, table and row",
                        MISSING)
    url: str | None = field("url", "str", "Address of the source", None)
    note: str | None = field("note", "str", "What the source leaves unstated and what was assumed", None)

    FIGURES = ("token_rate", "step_time_s", "mfu", "achieved_flops")

    def figures(self) -> dict:
        return {k: getattr(self, k) for k in self.FIGURES if getattr(self, k) is not None}


@dataclass(frozen=True)
class ShapeCounts:
    """What a shape holds and does per token, from its fields (planner.sections.counts)."""

    total: float  # every parameter
    active: float  # parameters a token passes through (a MoE's routed experts: top_k of them)
    layer_matmul_active: float  # weights of the matrix multiplications a token meets, per layer (mean)
    attention_width: float  # heads x head_dim
    kv_width: float  # kv_heads x head_dim
    mlp_width_active: float  # MLP width a token meets, per layer (mean; top_k + shared experts)
    gated: bool
    expert_parameters: float = 0.0  # weights of the routed experts, all layers (spread by expert parallelism)
    expert_matmul_active: float = 0.0  # routed experts' matmul weights a token meets, per layer (mean)
    moe_layers: int = 0


def counts(m: ModelShape) -> ShapeCounts:
    """Parameters and per-token widths of a shape.

    - Attention: Q and O are hidden x (heads x head_dim), K and V hidden x (kv_heads x head_dim)
      (grouped-query attention, Ainslie et al. 2023).
    - MLP: two matrices hidden x ffn (gelu, relu2) or three (swiglu, geglu; Shazeer 2020).
    - Mixture of experts (after ``dense_layers`` dense ones): ``experts`` MLPs of
      ``expert_ffn_hidden`` plus ``shared_experts``, and a router of hidden x experts; a token
      passes through ``top_k`` routed and every shared expert (Fedus et al. 2021; DeepSeek-V3).
    - GPT-style (gelu): biases, two LayerNorms per layer and learned positions, which makes a
      default shape exactly Narayanan et al.'s P = 12 l h^2 (1 + 13/(12h) + (V + s)/(12 l h))
      (SC21, section 5.1) when the embeddings are tied. Other kinds: no biases, two RMSNorms per
      layer and a final one, rotary positions (Llama; Touvron et al. 2023).
    - Embeddings: vocabulary x hidden, twice unless tied.
    """
    h, L = float(m.hidden), float(m.layers)
    dh = float(m.head_dim or m.hidden / m.heads)
    A, K = m.heads * dh, (m.kv_heads or m.heads) * dh
    f = float(m.ffn_hidden or 4 * m.hidden)
    fe = float(m.expert_ffn_hidden or f)
    gated = m.mlp in GATED
    mats = 3.0 if gated else 2.0
    attention = 2 * h * A + 2 * h * K
    moe_layers = float(max(0, m.layers - m.dense_layers)) if m.experts > 1 else 0.0
    dense_layers = L - moe_layers
    expert = mats * h * fe
    dense_mlp = mats * h * f
    moe_total = (m.experts + m.shared_experts) * expert + h * m.experts
    moe_active = (min(m.top_k, m.experts) + m.shared_experts) * expert + h * m.experts
    if m.mlp == "gelu":  # GPT: biases of QKV, O and the MLP, two LayerNorms (weight and bias)
        extra = (A + 2 * K) + h + (f + h) + 4 * h
        positions = float(m.sequence_length) * h
    else:  # two RMSNorms per layer; the final one is added below
        extra, positions = 2 * h, h
    embeddings = m.vocabulary * h * (1 if m.tied_embeddings else 2)
    layers_total = dense_layers * (attention + dense_mlp + extra) + moe_layers * (attention + moe_total + extra)
    layers_active = dense_layers * (attention + dense_mlp + extra) + moe_layers * (attention + moe_active + extra)
    matmul_active = attention + (dense_layers * dense_mlp + moe_layers * moe_active) / L
    width_active = (dense_layers * f + moe_layers * (min(m.top_k, m.experts) + m.shared_experts) * fe) / L
    return ShapeCounts(
        total=layers_total + embeddings + positions,
        active=layers_active + embeddings + positions,
        layer_matmul_active=matmul_active,
        attention_width=A,
        kv_width=K,
        mlp_width_active=width_active,
        gated=gated,
        expert_parameters=moe_layers * m.experts * expert,
        expert_matmul_active=moe_layers * min(m.top_k, m.experts) * expert / L,
        moe_layers=int(moe_layers),
    )


def shape_parameters(m: ModelShape) -> float:
    """All parameters of a shape (``counts(m).total``)."""
    return counts(m).total
