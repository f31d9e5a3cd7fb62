"""The plan section of a training run (``kind: training``, the default kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..hardware import PRECISIONS
from ..schema import MISSING, field
from ..sections import RECOMPUTE, SOFTWARE, Dataset, ModelShape, Parallelism, Published


@dataclass(frozen=True, kw_only=True)
class TrainingWorkload:
    """A training run or a pass over a dataset: how much work, at what rate, on which phase."""

    kind: ClassVar[str] = "training"

    name: str = field("name", "str", "Name of the run", MISSING)
    parameters: float | None = field("parameters", "number", "Model parameters (dense transformer)", None,
                                     strict_min=True, maximum=1e16)
    tokens: float | None = field("tokens", "number", "Training tokens", None, strict_min=True, maximum=1e18)
    total_flops: float | None = field("total_flops", "quantity",
                                      "Model FLOPs of the whole run (default 6 x parameters x tokens)", None,
                                      dim="flops", strict_min=True, maximum=1e32)
    dataset: Dataset | None = field("dataset", "object", "Data read during the run", None, item=Dataset)
    flops_per_byte: float | None = field("flops_per_byte", "number",
                                         "Compute per dataset byte (0 = a pure read pass)", None, maximum=1e15)
    precision: str = field("precision", "choice", "Arithmetic precision of the run", "bf16", choices=PRECISIONS)
    mfu: float | str | None = field("mfu", "number",
                                    "Model FLOPs utilisation; 'predicted' from the model's shape and layout "
                                    "(default when a shape is given), else the accelerator's typical", None,
                                    strict_min=True, maximum=1.0, keywords=("predicted",), ranged=True)
    achieved_flops_per_gpu: float | None = field(
        "achieved_flops", "quantity", "Achieved hardware FLOP/s per accelerator (counts recomputation)", None,
        dim="flop_rate", strict_min=True, per_gpu=True, ranged=True)
    tokens_per_s_per_gpu: float | None = field("token_rate", "quantity", "Measured tokens/s per accelerator",
                                               None, dim="tokens_rate", strict_min=True, per_gpu=True,
                                               ranged=True)
    recompute: str = field("recompute", "choice", "Activation recomputation", "none", choices=RECOMPUTE)
    gpus: int | None = field("gpus", "int", "Accelerators used (default: all online at the phase)", None,
                             strict_min=True, maximum=100_000_000)
    phase: str | None = field("phase", "str", "Phase the run starts on (default: the last)", None,
                              ref="phases")
    model: ModelShape | None = field("model", "object", "Shape of the model, to predict its throughput", None,
                                     item=ModelShape)
    global_batch: int | None = field("global_batch", "int", "Sequences per training step", None, strict_min=True,
                                     maximum=100_000_000)
    parallelism: Parallelism | str | None = field("parallelism", "object",
                                                  "Parallel layout, or 'auto' to search for the best", None,
                                                  item=Parallelism, keywords=("auto",))
    software: str = field("software", "choice",
                          "Training stack: megatron (Megatron-LM/NeMo), fsdp (PyTorch FSDP: Composer, TorchTitan), "
                          "deepspeed (DeepSpeed ZeRO, Megatron-DeepSpeed): its overlap and kernels", "megatron",
                          choices=SOFTWARE)
    power_cap_w: float | None = field(
        "power_cap", "quantity", "Power limit set on each accelerator (slows it below its rated power)", None,
        dim="power", strict_min=True, per_gpu=True)
    published: Published | None = field("published", "object",
                                        "A measured figure of this run, with its source (validation)", None,
                                        item=Published)
    power_per_gpu_w: float | None = field(
        "power_per_gpu", "quantity",
        "IT power charged per accelerator (default: the cluster's IT power under load / accelerators)",
        None, dim="power", strict_min=True, per_gpu=True, ranged=True)
    failure_rate: float | None = field(
        "failure_rate", "number",
        "Interruptions per accelerator-hour, for a run with a model shape (default 1.97e-5: Llama 3, 419 in 54 days "
        "on 16,384 H100)", None, maximum=1.0, ranged=True)
