"""Published model shapes a person can pick instead of typing five numbers, and the edit that
gives a workload one (``use_model_shape``, run by the app through ``document.run``).

Each shape is written whole: layers, hidden size, heads, key-value heads (grouped-query
attention), MLP width and kind, tied or untied embeddings, sequence length and vocabulary, so the
parameter count derived from it matches the published one (tests/planner/test_shapes.py)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import edit
from .errors import PlanError, Problem
from .sections import ModelShape

__all__ = ["SHAPES", "PublishedShape", "matching_shape", "suggested_shape", "use_model_shape"]


@dataclass(frozen=True)
class PublishedShape:
    key: str
    name: str
    layers: int
    hidden: int
    heads: int
    sequence_length: int
    vocabulary: int
    parameters: float  # as published
    source: str
    note: str = ""
    kv_heads: int | None = None  # grouped-query attention (None: as many as heads)
    ffn_hidden: int | None = None  # None: 4 x hidden
    mlp: str = "gelu"
    tied_embeddings: bool = False

    def label(self) -> str:
        return f"{self.name} — {self.layers} layers, hidden {self.hidden:,}, {self.heads} heads"


SHAPES: dict[str, PublishedShape] = {s.key: s for s in (
    # Brown et al. 2020, "Language Models are Few-Shot Learners", table 2.1 (n_layers 96, d_model
    # 12,288, n_heads 96, context 2,048); the 50,257-token BPE vocabulary padded to 51,200 as
    # Megatron-LM does (Narayanan et al. SC21, whose GPT-3 runs the validation tests reproduce).
    PublishedShape("gpt-3-175b", "GPT-3 175B", 96, 12288, 96, 2048, 51200, 175e9,
                   "Brown et al. 2020, table 2.1; vocabulary padded to 51,200 (Narayanan et al. SC21)",
                   tied_embeddings=True),
    # Llama 3.1: Dubey et al. 2024, "The Llama 3 Herd of Models", table 3 (layers, model
    # dimension, attention heads; 8,192-token pre-training sequences, section 3.4.1) and the
    # released models' config.json (vocab_size 128,256).
    PublishedShape("llama-3.1-8b", "Llama 3.1 8B", 32, 4096, 32, 8192, 128256, 8.0e9,
                   "Llama 3 paper (Dubey et al. 2024), table 3; vocabulary from the model's config.json",
                   kv_heads=8, ffn_hidden=14336, mlp="swiglu"),
    PublishedShape("llama-3.1-70b", "Llama 3.1 70B", 80, 8192, 64, 8192, 128256, 70.6e9,
                   "Llama 3 paper (Dubey et al. 2024), table 3; vocabulary from the model's config.json",
                   kv_heads=8, ffn_hidden=28672, mlp="swiglu"),
    PublishedShape("llama-3.1-405b", "Llama 3.1 405B", 126, 16384, 128, 8192, 128256, 405e9,
                   "Llama 3 paper (Dubey et al. 2024), table 3; vocabulary from the model's config.json",
                   kv_heads=8, ffn_hidden=53248, mlp="swiglu"),
)}


def matching_shape(model) -> str | None:
    """The key of the published shape a workload's model shape is, or None (custom or absent)."""
    if model is None:
        return None
    for s in SHAPES.values():
        if (model.layers, model.hidden, model.heads, model.sequence_length, model.vocabulary) == (
                s.layers, s.hidden, s.heads, s.sequence_length, s.vocabulary):
            return s.key
    return None


def suggested_shape(workload) -> str | None:
    """The published shape whose parameter count is within 10% of the workload's stated
    ``parameters`` (a 175e9 run is GPT-3 175B), or None."""
    stated = getattr(workload, "parameters", None)
    if not stated:
        return None
    best = min(SHAPES.values(), key=lambda s: abs(s.parameters / stated - 1))
    return best.key if abs(best.parameters / stated - 1) <= 0.10 else None


def use_model_shape(plan, workload_index: int, key: str):
    """The plan with workload ``workload_index`` given the published shape ``key``: its
    ``model`` set (flash attention kept as it was), its stated ``parameters`` cleared (the shape
    derives them) and its ``mfu`` set to ``predicted`` when the workload states a rate (``mfu``,
    ``achieved_flops`` or ``token_rate``), so the prediction is what the run uses. A stated
    parallel layout the new shape cannot run is replaced by ``auto`` (a search). PlanError if
    the workload has no model shape to set or the result is not a valid plan."""
    if key not in SHAPES:
        raise PlanError([Problem("<plan>", None, None, f"workloads[{workload_index}].model",
                                 "one of the published shapes: " + ", ".join(SHAPES), repr(key))])
    s = SHAPES[key]
    w = edit.get_at(plan, ("workloads", workload_index))
    if not hasattr(w, "model"):
        raise PlanError([Problem("<plan>", None, None, f"workloads[{workload_index}]",
                                 "a training workload (one with a model shape)", f"kind '{w.kind}'")])
    flash = w.model.flash_attention if w.model is not None else True
    shape = ModelShape(layers=s.layers, hidden=s.hidden, heads=s.heads, kv_heads=s.kv_heads,
                       ffn_hidden=s.ffn_hidden, mlp=s.mlp, tied_embeddings=s.tied_embeddings,
                       sequence_length=s.sequence_length, vocabulary=s.vocabulary, flash_attention=flash)
    changes: dict = {"model": shape, "parameters": None}
    if w.mfu is not None or w.achieved_flops_per_gpu is not None or w.tokens_per_s_per_gpu is not None:
        changes["mfu"] = "predicted"
    new = edit.replace_at(plan, ("workloads", workload_index), dataclasses.replace(w, **changes))
    if edit.problems(new) and w.parallelism not in (None, "auto"):
        searched = edit.replace_at(new, ("workloads", workload_index, "parallelism"), "auto")
        if not edit.problems(searched):
            return searched
    return edit.checked(new)
