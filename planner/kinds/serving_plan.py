"""The plan section of an inference deployment (``kind: serving``): a model served to a demand
under a latency target, on the machine of its phase."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..schema import MISSING, field
from ..sections import ModelShape

# Weights and arithmetic; int8 and int4 are weight-only (W8A16, W4A16): weights stored at 8 or
# 4 bits, arithmetic at the accelerator's 16-bit rate.
SERVING_PRECISIONS = ("bf16", "fp16", "fp8", "fp4", "int8", "int4")
KV_PRECISIONS = ("bf16", "fp16", "fp8", "int8", "fp4")
# MLPerf Inference's Llama 2 70B server scenario (TTFT 2 s, TPOT 200 ms, at the 99th percentile):
# the targets when a plan states none (README, "Serving model").
DEFAULT_TTFT_S = 2.0
DEFAULT_TPOT_S = 0.2


@dataclass(frozen=True, kw_only=True)
class Demand:
    requests_per_s: float = field("requests_per_s", "number", "Requests arriving per second", MISSING,
                                  strict_min=True, maximum=1e9)
    input_tokens: int = field("input_tokens", "int", "Prompt tokens per request (mean)", MISSING,
                              strict_min=True, maximum=10_000_000)
    output_tokens: int = field("output_tokens", "int", "Generated tokens per request (mean)", MISSING,
                               strict_min=True, maximum=10_000_000)


@dataclass(frozen=True, kw_only=True)
class Slo:
    """Latency targets, met at the median."""

    time_to_first_token_s: float = field("time_to_first_token", "quantity", "Time to first token (median)",
                                         DEFAULT_TTFT_S, dim="time", strict_min=True, maximum=1e6)
    time_per_output_token_s: float = field("time_per_output_token", "quantity",
                                           "Time per output token after the first (median)", DEFAULT_TPOT_S,
                                           dim="time", strict_min=True, maximum=1e4)


@dataclass(frozen=True, kw_only=True)
class ServingParallelism:
    """How one replica of the model is laid out (replicas are added for the demand)."""

    tensor: int | str = field("tensor", "int", "Tensor-parallel size of a replica ('auto': the cheapest that "
                              "meets the SLO, up to a node)", "auto", strict_min=True, maximum=1024,
                              keywords=("auto",))
    pipeline: int = field("pipeline", "int", "Pipeline stages of a replica", 1, strict_min=True, maximum=1024)
    expert: int = field("expert", "int", "Expert-parallel groups of a replica (mixtures of experts; attention "
                        "is replicated across them)", 1, strict_min=True, maximum=1024)


@dataclass(frozen=True, kw_only=True)
class ServingWorkload:
    """A model served continuously: requests per second with their prompt and answer lengths,
    under a latency target."""

    kind: ClassVar[str] = "serving"

    name: str = field("name", "str", "Name of the deployment", MISSING)
    model: ModelShape | None = field("model", "object", "Shape of the model served", None, item=ModelShape)
    parameters: float | None = field("parameters", "number",
                                     "Model parameters, for a rough answer without a shape", None,
                                     strict_min=True, maximum=1e16)
    precision: str = field("precision", "choice", "Weights and arithmetic (int8, int4: weight-only, 16-bit "
                           "arithmetic); 'auto': the cheapest that meets the SLO", "bf16",
                           choices=SERVING_PRECISIONS, keywords=("auto",))
    kv_cache_precision: str | None = field("kv_cache_precision", "choice",
                                           "Precision of the KV cache (default: that of the arithmetic)", None,
                                           choices=KV_PRECISIONS)
    demand: Demand = field("demand", "object", "Requests to serve", MISSING, item=Demand)
    slo: Slo | None = field("slo", "object", "Latency targets at the median (default: TTFT 2 s, TPOT 200 ms)",
                            None, item=Slo)
    parallelism: ServingParallelism | None = field("parallelism", "object",
                                                   "Layout of one replica (default: tensor auto)", None,
                                                   item=ServingParallelism)
    phase: str | None = field("phase", "str", "Phase the deployment runs on (default: the last)", None,
                              ref="phases")
    gpus: int | None = field("gpus", "int", "At most this many accelerators (default: as many as the demand "
                             "needs)", None, strict_min=True, maximum=100_000_000)
    price_per_gpu_hour: float | None = field(
        "price_per_gpu_hour", "quantity",
        "Rented capacity: price of one accelerator for an hour (an instance's price / its GPUs); default: the "
        "cluster's capital cost amortized plus electricity", None, dim="usd", strict_min=True, maximum=1e6)
    amortization_s: float | None = field(
        "amortization", "quantity", "Period over which the cluster's capital cost is spread, straight line "
        "(default: the plan's cost of ownership, costs: depreciation per class, maintenance and facility)",
        None, dim="time", strict_min=True, maximum=1e10)
