"""Plan sections that more than one workload kind uses: a model's shape, a parallel layout and
a dataset. A workload kind's own section (planner/kinds/<kind>_plan.py) is built from these."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import MISSING, field

RECOMPUTE = ("none", "selective", "full")


@dataclass(frozen=True, kw_only=True)
class Dataset:
    size_bytes: float = field("size", "quantity", "Size of the dataset", MISSING, dim="bytes", strict_min=True)
    epochs: float = field("epochs", "number", "Passes over the dataset", 1.0, strict_min=True, maximum=1e6)


@dataclass(frozen=True, kw_only=True)
class ModelShape:
    """A dense decoder-only transformer (GPT-style)."""

    layers: int = field("layers", "int", "Transformer layers", MISSING, strict_min=True, maximum=10_000)
    hidden: int = field("hidden", "int", "Hidden size", MISSING, strict_min=True, maximum=1_000_000)
    heads: int = field("heads", "int", "Attention heads", MISSING, strict_min=True, maximum=100_000)
    sequence_length: int = field("sequence_length", "int", "Tokens per sequence", 2048, strict_min=True,
                                 maximum=10_000_000)
    vocabulary: int = field("vocabulary", "int", "Vocabulary size", 51200, strict_min=True, maximum=10_000_000)
    flash_attention: bool = field("flash_attention", "bool",
                                  "Fused attention that never stores the s x s scores (Dao et al. 2022)", True)


@dataclass(frozen=True, kw_only=True)
class Parallelism:
    """How a run is laid out on its accelerators (Megatron-LM terms)."""

    tensor: int = field("tensor", "int", "Tensor-parallel size (within a node's scale-up domain)", 1,
                        strict_min=True, maximum=1024)
    pipeline: int = field("pipeline", "int", "Pipeline-parallel stages", 1, strict_min=True, maximum=4096)
    data: int | str = field("data", "int", "Data-parallel replicas ('auto': accelerators / (tensor x pipeline))",
                            "auto", strict_min=True, maximum=10_000_000, keywords=("auto",))
    microbatch: int = field("microbatch", "int", "Sequences per microbatch", 1, strict_min=True, maximum=4096)
    interleave: int = field("interleave", "int", "Model chunks per pipeline stage (interleaved schedule)", 1,
                            strict_min=True, maximum=128)
    zero: int = field("zero", "int", "ZeRO stage: 0 none, 1 optimizer states, 2 + gradients, 3 + weights", 1,
                      maximum=3)
    recompute: str | None = field("recompute", "choice", "Activation recomputation (default: the workload's)",
                                  None, choices=RECOMPUTE)
    sequence_parallel: bool = field("sequence_parallel", "bool",
                                    "Shard layer norms and dropout across the tensor group (Korthikanti et al.)",
                                    True)


def shape_parameters(m: ModelShape) -> float:
    """Parameters of a dense GPT-style shape (Narayanan et al. SC21, section 5.1):
    P = 12 l h^2 (1 + 13/(12h) + (V + s)/(12 l h))."""
    l, h = m.layers, m.hidden
    return 12 * l * h**2 * (1 + 13 / (12 * h) + (m.vocabulary + m.sequence_length) / (12 * l * h))
