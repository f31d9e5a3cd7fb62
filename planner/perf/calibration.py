"""The performance model's calibrated figures, in one place: one row per accelerator
generation (matmul and memory-bound efficiency), one per training stack (kernels, overlap), and
the collective costs. Each value says where it comes from: a measurement (benchmarks/), a
published figure, or the fit over the validation suite (``python -m planner.validation --fit``,
which prints the values below; validation/runs/ holds the published runs it fits to).

The step model (planner/perf/step.py) reads these through a ``Calibration``: the validation
suite refits it without one source at a time (leave-one-source-out) without touching globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Generation:
    """How an accelerator generation runs a transformer's kernels."""

    gemm_max: float  # fraction of dense bf16 peak that large matmuls sustain inside a training step
    gemm_half_width: float  # matmul width (hidden / tensor) at which that efficiency halves
    fp8_gemm: float  # fp8 matmul efficiency (of fp8 peak) relative to bf16's (of bf16 peak), large widths
    memory_efficiency: float  # memory-bound kernels' bandwidth relative to the A100 calibration
    attention: float  # fraction of 16-bit peak that fused (flash) attention kernels sustain, forward and backward
    source: str


@dataclass(frozen=True)
class Stack:
    """What a training stack (``software:``) does with the same model and layout."""

    memory_passes: float  # HBM bytes moved by the non-matmul ops per activation byte (fusion)
    dp_overlap: float  # share of the last microbatch's backward pass that hides gradient reduction
    gather_overlap: float  # share of each microbatch's compute that hides ZeRO-3/FSDP gathers
    step_overhead_s: float  # fixed time per step outside the model (launch, logging, data loader)
    source: str
    # share of the tensor-parallel all-gathers / reduce-scatters its overlap hides behind the GEMMs
    # (layout option tp_overlap; 0: the stack has none); planner/perf/options.py
    tp_overlap: float = 0.0
    optimizer_offload: bool = False  # offers Adam states (and the step) on the host: layout option offload


@dataclass(frozen=True)
class Calibration:
    generations: dict = field(default_factory=dict)
    stacks: dict = field(default_factory=dict)
    # achieved bus bandwidth of NCCL collectives as a fraction of the link rate
    nvlink_efficiency: float = 0.78
    fabric_efficiency: float = 0.78
    # per-step latency of a ring collective (s per ring step): NCCL's base plus per-hop latency
    nvlink_latency_s: float = 1e-6
    # The fit is flat from 1 to 6 us (mean |log error| within 1%); 3 us reproduces Nemotron-4 15B's
    # loss from 96 to 288 replicas best (Parmar et al. 2024, Table 2: 0.57, 0.58, 0.64 s)
    fabric_latency_s: float = 3e-6
    dp_bucket_bytes: float = 80e6  # gradient bytes per data-parallel all-reduce (Megatron-Core: 40M params)
    # Routed experts' grouped matmuls see few tokens each: their efficiency halves at this many
    # tokens per expert per microbatch (a GEMM with few rows cannot fill the GPU)
    expert_tokens_half: float = 667.0  # fit over the MoE runs
    # Host time the GPU waits for per local expert GEMM launch in a dropless MoE layer
    # (planner/perf/moe.py host_launch_s): fit, 45 us (NVIDIA's paired token-dropping and dropless
    # B200 Qwen3-30B runs imply ~47 us)
    expert_launch_s: float = 45e-6

    def generation(self, name: str) -> Generation:
        return self.generations.get(name) or self.generations["ampere"]

    def stack(self, name: str) -> Stack:
        return self.stacks.get(name) or self.stacks["megatron"]

    def set(self, path: tuple, value: float) -> Calibration:
        """A copy with one value changed: ("generations", "hopper", "gemm_max"), ("stacks",
        "fsdp", "dp_overlap") or ("fabric_latency_s",)."""
        if len(path) == 1:
            return replace(self, **{path[0]: value})  # type: ignore[arg-type]
        table, row, name = path
        rows = dict(getattr(self, table))
        rows[row] = replace(rows[row], **{name: value})
        return replace(self, **{table: rows})  # type: ignore[arg-type]

    def get(self, path: tuple) -> float:
        if len(path) == 1:
            return getattr(self, path[0])
        table, row, name = path
        return getattr(getattr(self, table)[row], name)


_MEASURED_H200 = ("measured on one H200 (benchmarks/gpu_calibration.py, benchmarks/results/h200-2026-11-28.json): "
                  "bf16 GEMMs of 16,384 tokens reach 0.62 of peak at width 1,024, 0.75 at 2,048 and 0.69-0.80 "
                  "beyond; fp8 0.49, 0.63 and 0.62-0.70 of fp8 peak")

GENERATIONS = {
    "ampere": Generation(
        0.73, 96.0, 0.0, 1.0, 0.32,
        "fit: gemm_max 0.73 (0.72 on Table 1 alone), attention 0.32 (below FlashAttention-2's isolated 50-73% of "
        "A100's peak, Dao 2023: the fit absorbs per-token costs the model leaves out of these runs). "
        "Megatron-LM SC21 Table 1 on A100 (the model's first calibration: every row within 15%); cuBLAS reaches "
        "~80% of 312 TF on large isolated GEMMs (NVIDIA A100 whitepaper)"),
    "volta": Generation(
        0.40, 48.0, 0.0, 1.0, 0.4,
        "fit: gemm_max 0.40 on Megatron-LM's 2019-2020 V100 runs (39-62 TFLOP/s of 125); half width scaled by"
        " V100's 125 / A100's 312 TF (a slower chip fills "
        "with smaller matrices)"),
    "hopper": Generation(
        0.825, 250.0, 1.0, 0.75, 0.375,
        "fit: gemm_max 0.825, attention 0.375, fp8_gemm 1.0 (the bound: published FP8 runs gain more than the "
        "isolated GEMMs' 0.88 suggests). FlashAttention-2 reaches 35-50% of H100's peak, FlashAttention-3 up to "
        "75% (Shah et al. 2024). " + _MEASURED_H200
        + "; layer norm and GELU move 2.5 of 4.8 TB/s (0.52; A100 ~0.7 assumed) -> 0.75"),
    "blackwell": Generation(
        0.85, 250.0, 0.88, 0.75, 0.375,
        "fit: gemm_max 0.85, the fit's bound (the H200's best measured GEMM: 0.80), on the B200/GB200 "
        "Megatron-Bridge runs; otherwise Hopper's efficiencies (no B200 "
        "measurement here; NVIDIA quotes B200 per-GPU training "
        "speedups that its peaks already carry)"),
    "cdna3": Generation(
        0.55, 250.0, 0.88, 0.75, 0.4,
        "assumption: MI300X GEMMs reach ~0.55 of 1,307 TF bf16 (lower than Hopper's; independent benchmarks of "
        "2024 report the gap); no training-step validation runs"),
    "cdna4": Generation(0.55, 250.0, 0.88, 0.75, 0.4, "assumption: CDNA3's efficiencies"),
}

STACKS = {
    "megatron": Stack(
        2.0, 0.42, 0.9, 0.0,
        "Megatron-LM / NeMo: fused kernels (layer norm, bias-GeLU, softmax); fit: 0.42 of the last "
        "microbatch's backward pass hides the gradient all-reduce (2021 Megatron did not overlap it, Megatron-Core's "
        "overlap_grad_reduce does). Memory passes fitted on SC21 Table 1. tp_overlap: --tp-comm-overlap "
        "(TransformerEngine userbuffers, Hopper and later), assumed to hide the share TorchTitan's async TP "
        "measured (no on/off pair published for it); optimizer_offload: Megatron-Core's --optimizer-cpu-offload",
        tp_overlap=0.47, optimizer_offload=True),
    "fsdp": Stack(
        3.82, 1.0, 1.0, 0.0,
        "PyTorch FSDP (Composer, TorchTitan): eager kernels, fewer fusions; fit: 3.82 memory passes (1.9x "
        "Megatron's), gathers fully prefetched behind compute (gather_overlap 1.0); "
        "all-gathers prefetched one block ahead (FSDP backward_prefetch), reduce-scatter per microbatch. "
        "tp_overlap: TorchTitan's async TP (Hopper and later) measured 1.09x on Llama 3.1 70B, 256 H100, "
        "FSDP 32 x TP 8 (benchmarks/asyncTP_llama3_h100_2025-06_torchtitan.md): 0.47 of the model's TP "
        "communication hidden; optimizer_offload: FSDP CPU offload (CPUOffloadPolicy)",
        tp_overlap=0.47, optimizer_offload=True),
    "deepspeed": Stack(
        4.75, 0.5, 0.6, 0.0,
        "DeepSpeed ZeRO / Megatron-DeepSpeed (2022 runs: BLOOM, GPT-NeoX, MT-NLG): fit: 4.75 memory passes; "
        "assumptions: half the gradient reduction overlapped, ZeRO-3 gathers with less overlap than FSDP's; no "
        "tensor-parallel overlap; optimizer_offload: ZeRO-Offload (Ren et al. 2021)",
        optimizer_offload=True),
}

DEFAULT = Calibration(generations=GENERATIONS, stacks=STACKS)


_NAMES = (("v100", "volta"), ("a100", "ampere"), ("a800", "ampere"), ("a40", "ampere"), ("gh200", "hopper"),
          ("h100", "hopper"), ("h200", "hopper"), ("h800", "hopper"), ("h20", "hopper"), ("gb200", "blackwell"),
          ("gb300", "blackwell"), ("b200", "blackwell"), ("b300", "blackwell"), ("mi300", "cdna3"),
          ("mi325", "cdna3"), ("mi355", "cdna4"))


def generation_of(accelerator) -> str:
    """An accelerator's generation: as its catalog entry states, else recognised from its id or
    name (a plan's own entry may leave it out), else Ampere's table."""
    if getattr(accelerator, "generation", None):
        return accelerator.generation
    text = f"{accelerator.id} {accelerator.name}".lower()
    return next((g for key, g in _NAMES if key in text), "ampere")
