"""Hardware descriptions: accelerators, systems (nodes), fabrics, switch models and cooling types.

The same types describe the built-in catalog (``planner/catalog/*.yaml``) and the custom
hardware a plan declares under ``catalog:``. Inside, values are SI: FLOP/s, B, B/s, W, USD.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .schema import MISSING, field

PRECISIONS = ("fp64", "fp64_tensor", "fp32", "tf32", "bf16", "fp16", "fp8", "fp6", "fp4", "int8")
COOLING_TYPES = ("air", "rear-door", "liquid", "immersion")


GENERATIONS = ("volta", "ampere", "hopper", "blackwell", "cdna3", "cdna4")


@dataclass(frozen=True, kw_only=True)
class Accelerator:
    id: str
    name: str = field("name", "str", "Display name", "")
    peak_flops: dict = field("peak_flops", "map", "Dense peak rate per precision (no sparsity)", MISSING,
                             dim="flop_rate", choices=PRECISIONS)
    sparse_flops: dict | None = field("sparse_flops", "map", "Peak rate per precision with 2:4 sparsity",
                                      None, dim="flop_rate", choices=PRECISIONS)
    memory_bytes: float = field("memory", "quantity", "Accelerator memory (HBM) capacity", MISSING,
                                dim="bytes", strict_min=True)
    memory_bandwidth_bytes_per_s: float | None = field("memory_bandwidth", "quantity", "HBM bandwidth", None,
                                                       dim="bandwidth", strict_min=True)
    tdp_w: float = field("tdp", "quantity", "Thermal design power of one accelerator", MISSING,
                         dim="power", strict_min=True)
    scale_up_bandwidth_bytes_per_s: float | None = field(
        "scale_up_bandwidth", "quantity", "Scale-up link bandwidth per accelerator (NVLink etc.), both directions",
        None, dim="bandwidth", strict_min=True)
    typical_mfu: float | None = field("typical_mfu", "number",
                                      "Model FLOPs utilisation used when a workload gives none", None,
                                      strict_min=True, maximum=1.0, ranged=True)
    generation: str | None = field("generation", "choice",
                                   "Architecture generation: picks the performance model's matmul and memory "
                                   "efficiency table (planner/perf/calibration.py)", None, choices=GENERATIONS)
    source: str = field("source", "str", "Where these figures were published", "")

    def dense(self, precision: str) -> float | None:
        return self.peak_flops.get(precision)


@dataclass(frozen=True, kw_only=True)
class System:
    id: str
    name: str = field("name", "str", "Display name", "")
    accelerator: str = field("accelerator", "str", "Catalog id of the accelerator in this system", MISSING,
                             ref="accelerators")
    accelerators: int = field("accelerators", "int", "Accelerators per system", MISSING,
                              strict_min=True, maximum=1e6)
    max_power_w: float = field("max_power", "quantity", "Maximum power of one system (PSU-rated peak)",
                               MISSING, dim="power", strict_min=True)
    typical_power_w: float | None = field("typical_power", "quantity",
                                          "Power of one system under training load (default: max_power)",
                                          None, dim="power", strict_min=True, ranged=True)
    rack_units: int = field("rack_units", "int", "Height in rack units", 8, strict_min=True, maximum=100)
    price_usd: float | None = field("price", "quantity", "Purchase price of one system", None, dim="usd",
                                    ranged=True)
    fabric_ports: int | None = field("fabric_ports", "int",
                                     "Compute-fabric ports per system (default: one per accelerator)", None,
                                     strict_min=True, maximum=1e4)
    fabric_rails: int | None = field(
        "fabric_rails", "int",
        "Rail-optimized fabrics: rails of the system's fabric ports, each with fabric_ports / fabric_rails "
        "ports: 4 for an NVL72 rack (one per GPU of a compute tray, a port per tray) (default: fabric_ports)",
        None, strict_min=True, maximum=1e4)
    scale_up_domain: int | None = field(
        "scale_up_domain", "int",
        "Accelerators in one scale-up (NVLink/NVSwitch/Infinity Fabric) domain: 8 for DGX/HGX, 72 for NVL72 "
        "(default: the system's accelerators)", None, strict_min=True, maximum=1e6)
    rack_scale: bool = field("rack_scale", "bool",
                             "The system is a whole rack (e.g. NVL72): one per rack, whatever its height", False)
    cooling: str = field("cooling", "choice",
                         "Cooling the system needs: air, or liquid at the chip (direct-to-chip or immersion)", "air",
                         choices=("air", "liquid"))
    host_bandwidth_bytes_per_s: float | None = field(
        "host_bandwidth", "quantity", "Link from each accelerator to host memory, one direction, usable (PCIe 5.0 "
        "x16 about 55 GB/s; NVLink-C2C more): what optimizer offload moves over", None, dim="bandwidth",
        strict_min=True)
    host_memory_bandwidth_bytes_per_s: float | None = field(
        "host_memory_bandwidth", "quantity", "Host CPU memory bandwidth per accelerator (the CPUs' DRAM peak shared "
        "by the system's accelerators): what an offloaded optimizer step runs at", None, dim="bandwidth",
        strict_min=True)
    source: str = field("source", "str", "Where these figures were published", "")

    @property
    def ports(self) -> int:
        return self.fabric_ports if self.fabric_ports is not None else self.accelerators

    @property
    def rails(self) -> int:
        return min(self.fabric_rails, self.ports) if self.fabric_rails is not None else self.ports

    @property
    def ports_per_rail(self) -> int:
        return math.ceil(self.ports / self.rails)

    @property
    def domain(self) -> int:
        """Accelerators in one scale-up domain (what tensor parallelism may span at its speed)."""
        return self.scale_up_domain if self.scale_up_domain is not None else self.accelerators


@dataclass(frozen=True, kw_only=True)
class Fabric:
    id: str
    name: str = field("name", "str", "Display name", "")
    port_speed_bytes_per_s: float = field("port_speed", "quantity", "Speed of one port, one direction",
                                          MISSING, dim="bandwidth", display="bitrate", strict_min=True)
    switch_radix: int = field("switch_radix", "int", "Ports per switch", MISSING, minimum=2, maximum=1e5)
    switch_power_w: float = field("switch_power", "quantity", "Typical power of one switch", 0.0, dim="power")
    optic_power_w: float = field("optic_power", "quantity", "Power of one optical transceiver", 0.0,
                                 dim="power")
    switch_price_usd: float | None = field("switch_price", "quantity", "Price of one switch", None, dim="usd",
                                           ranged=True)
    optic_price_usd: float | None = field("optic_price", "quantity", "Price of one transceiver", None,
                                          dim="usd", ranged=True)
    endpoint_link: str = field("endpoint_link", "choice",
                               "Node-to-leaf links: optical (two transceivers) or copper (none)", "optical",
                               choices=("optical", "copper"))
    source: str = field("source", "str", "Where these figures were published", "")


@dataclass(frozen=True, kw_only=True)
class Switch:
    """A switch model a fabric may be built of (``network.switch``, ``network.top_switch``):
    fixed-configuration boxes and director-class (modular) chassis alike."""

    id: str
    name: str = field("name", "str", "Display name", "")
    ports: int = field("ports", "int", "Ports per switch (its radix)", MISSING, minimum=2, maximum=1e5)
    port_speed_bytes_per_s: float = field("port_speed", "quantity", "Speed of one port, one direction",
                                          MISSING, dim="bandwidth", display="bitrate", strict_min=True)
    power_w: float = field("power", "quantity", "Typical power of one switch", 0.0, dim="power")
    price_usd: float | None = field("price", "quantity", "Price of one switch", None, dim="usd")
    rack_units: int = field("rack_units", "int", "Height in rack units", 1, strict_min=True, maximum=100)
    source: str = field("source", "str", "Where these figures were published", "")


@dataclass(frozen=True, kw_only=True)
class Cooling:
    id: str
    name: str = field("name", "str", "Display name", "")
    rack_power_limit_w: float = field("rack_power_limit", "quantity",
                                      "Highest rack density this cooling removes", MISSING, dim="power",
                                      strict_min=True)
    typical_pue: float = field("typical_pue", "number", "Typical power usage effectiveness", MISSING,
                               minimum=1.0, maximum=10.0, ranged=True)
    liquid: bool = field("liquid", "bool", "Removes heat with liquid at the chip (direct-to-chip or immersion)",
                         False)
    source: str = field("source", "str", "Where these figures were published", "")


@dataclass(frozen=True, kw_only=True)
class CatalogEntries:
    """Hardware entries, as a plan declares them under ``catalog:`` or a built-in file holds."""

    accelerators: tuple = field("accelerators", "table", "Custom accelerators by id", (), item=Accelerator)
    systems: tuple = field("systems", "table", "Custom systems by id", (), item=System)
    fabrics: tuple = field("fabrics", "table", "Custom fabrics by id", (), item=Fabric)
    switches: tuple = field("switches", "table", "Custom switch models by id", (), item=Switch)
    cooling: tuple = field("cooling", "table", "Custom cooling types by id", (), item=Cooling)
