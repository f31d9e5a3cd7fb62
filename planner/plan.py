"""The plan: a cluster design and its build-out, as frozen data in SI units.

Format version 1 (``format: cluster-planner/1``). Every field's YAML key, unit and meaning
is declared here once; README's "Plan format" section is generated from the same specs
(``python -m planner.docs``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .hardware import PRECISIONS, CatalogEntries
from .schema import MISSING, field
from .units import parse

FORMAT = "cluster-planner/1"
FORMAT_VERSION = 1
TOPOLOGIES = ("fat-tree", "rail-optimized")
RECOMPUTE = ("none", "selective", "full")


@dataclass(frozen=True, kw_only=True)
class NodeGroup:
    system: str = field("system", "str", "Catalog id of the system (node type)", MISSING, ref="systems")
    count: int = field("count", "int", "Number of systems", MISSING, strict_min=True, maximum=10_000_000)


@dataclass(frozen=True, kw_only=True)
class StorageTier:
    name: str = field("name", "str", "Name of the storage tier", MISSING)
    capacity_bytes: float = field("capacity", "quantity", "Usable capacity", MISSING, dim="bytes")
    read_bandwidth_bytes_per_s: float = field("read_bandwidth", "quantity", "Sustained aggregate read bandwidth",
                                              0.0, dim="bandwidth")
    write_bandwidth_bytes_per_s: float | None = field("write_bandwidth", "quantity",
                                                      "Sustained aggregate write bandwidth", None, dim="bandwidth")
    power_w: float = field("power", "quantity", "Power drawn by the tier (servers, drives, its network)",
                           0.0, dim="power")
    price_usd: float | None = field("price", "quantity", "Purchase price of the tier (unknown if absent)", None,
                                    dim="usd")


@dataclass(frozen=True, kw_only=True)
class Phase:
    name: str = field("name", "str", "Name of the build-out phase", MISSING)
    online: _dt.date | None = field("online", "date", "Date the phase comes online", None)
    nodes: tuple = field("nodes", "list", "Node groups this phase adds", (), item=NodeGroup)
    storage: tuple = field("storage", "list", "Storage tiers this phase adds", (), item=StorageTier)


@dataclass(frozen=True, kw_only=True)
class Network:
    fabric: str = field("fabric", "str", "Catalog id of the compute fabric", "infiniband-ndr",
                        ref="fabrics")
    topology: str = field("topology", "choice", "Fabric topology", "fat-tree", choices=TOPOLOGIES)
    oversubscription: float = field("oversubscription", "number",
                                    "Down:up ratio at the top tier of the fabric; 1 = non-blocking", 1.0,
                                    minimum=1.0, maximum=64.0)


@dataclass(frozen=True, kw_only=True)
class Facility:
    pue: float | None = field("pue", "number", "Power usage effectiveness (default: the cooling type's typical)",
                              None, minimum=1.0, maximum=5.0)
    cooling: str = field("cooling", "str", "Cooling type (catalog id): sets the rack density limit", "air",
                         ref="cooling")
    rack_power_limit_w: float | None = field("rack_power_limit", "quantity",
                                             "Power provisioned per rack (default: the cooling limit)", None,
                                             dim="power", strict_min=True)
    rack_units: int = field("rack_units", "int", "Usable rack units per rack", 42, strict_min=True, maximum=100)
    power_budget_w: float | None = field("power_budget", "quantity", "Facility power available; warn above it",
                                         None, dim="power", strict_min=True)
    electricity_price_usd_per_j: float = field("electricity_price", "quantity", "Price of electricity",
                                               parse("0.07 USD/kWh", "usd_per_energy")[0], dim="usd_per_energy")
    carbon_intensity_kg_per_j: float = field("carbon_intensity", "quantity", "Emissions per unit of energy",
                                             parse("0.4 kg/kWh", "mass_per_energy")[0], dim="mass_per_energy")


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


@dataclass(frozen=True, kw_only=True)
class Workload:
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
                                    strict_min=True, maximum=1.0, keywords=("predicted",))
    achieved_flops_per_gpu: float | None = field(
        "achieved_flops", "quantity", "Achieved hardware FLOP/s per accelerator (counts recomputation)", None,
        dim="flop_rate", strict_min=True, per_gpu=True)
    tokens_per_s_per_gpu: float | None = field("token_rate", "quantity", "Measured tokens/s per accelerator",
                                               None, dim="tokens_rate", strict_min=True, per_gpu=True)
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
    power_per_gpu_w: float | None = field(
        "power_per_gpu", "quantity",
        "IT power charged per accelerator (default: the cluster's IT power under load / accelerators)",
        None, dim="power", strict_min=True, per_gpu=True)


@dataclass(frozen=True, kw_only=True)
class Plan:
    name: str = field("name", "str", "Name of the cluster design", MISSING)
    phases: tuple = field("phases", "list", "Build-out phases, in order; each adds to what came before",
                          MISSING, item=Phase)
    format: str = field("format", "str", "Plan format and version", FORMAT)
    description: str = field("description", "str", "Free text: purpose and sources of the figures", "")
    catalog: CatalogEntries = field("catalog", "object", "Custom hardware (adds to or overrides the built-in)",
                                    CatalogEntries(), item=CatalogEntries)
    network: Network = field("network", "object", "Compute fabric", Network(), item=Network)
    facility: Facility = field("facility", "object", "Facility: cooling, PUE, power budget, prices",
                               Facility(), item=Facility)
    workloads: tuple = field("workloads", "list", "Training runs and data passes to time", (), item=Workload)

    def phase_index(self, name: str) -> int:
        for i, p in enumerate(self.phases):
            if p.name == name:
                return i
        raise KeyError(name)


# Order of top-level keys when saving: what a person reads first comes first.
KEY_ORDER = ("format", "name", "description", "catalog", "phases", "network", "facility", "workloads")
