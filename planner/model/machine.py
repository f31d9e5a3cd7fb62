"""The machine a workload runs on: one description per phase, computed once, shared by every
workload kind (training, serving, ...). Per accelerator, SI units, one direction for links."""

from __future__ import annotations

from dataclasses import dataclass

# Scale-out bandwidth assumed when a phase has no fabric endpoints (a single node): 1 GB/s,
# only so that a model dividing by it stays finite; such a run never crosses the fabric.
NO_FABRIC_BANDWIDTH = 1e9
# HBM bandwidth assumed for a custom accelerator that gives none: an A100-class 1 TB/s.
DEFAULT_MEMORY_BANDWIDTH = 1e12
# Host link and host memory assumed for a system that gives neither (what optimizer offload
# moves over and runs at): a PCIe 5.0 x16 link, 64 GB/s a direction raw, about 55 GB/s usable
# after packet headers (~86% with 256-byte payloads; the PCI-SIG 5.0 base specification's rates);
# a two-socket host of 8 DDR5-4800 channels a socket (2 x 307 GB/s, Intel Xeon Platinum 8480+
# datasheet) shared by 8 accelerators, 77 GB/s each.
DEFAULT_HOST_BANDWIDTH = 55e9
DEFAULT_HOST_MEMORY_BANDWIDTH = 76.8e9


@dataclass(frozen=True)
class MachineDescription:
    gpus: int  # accelerators online at the phase
    accelerators: tuple  # ((accelerator id, count), ...), most numerous first
    system: str  # the most numerous system: the node a run is laid out on
    accelerator: str  # its accelerator
    mixed: bool  # more than one accelerator type online
    peak_flops_per_gpu: dict  # precision -> dense FLOP/s, averaged over the accelerators online
    gpus_per_node: int  # the main system's scale-up (NVLink) domain: what tensor parallelism may span
    memory_bytes: float  # of one accelerator of the main system
    memory_bandwidth_bytes_per_s: float
    scale_up_bandwidth_bytes_per_s: float  # one direction, within the node
    scale_out_bandwidth_bytes_per_s: float  # one direction, node to fabric, per accelerator
    cross_pod_bandwidth_bytes_per_s: float  # one direction, across the top tier after oversubscription
    gpus_per_pod: int  # accelerators below one switch under the top tier (full bandwidth among them)
    it_power_per_gpu_w: float  # the phase's IT power under load, per accelerator
    typical_mfu: float  # accelerator-weighted typical MFU from the catalog (0.4 where none is given)
    host_bandwidth_bytes_per_s: float = DEFAULT_HOST_BANDWIDTH  # one direction, accelerator to host memory
    host_memory_bandwidth_bytes_per_s: float = DEFAULT_HOST_MEMORY_BANDWIDTH  # host DRAM, per accelerator

    def peak(self, precision: str) -> float:
        return self.peak_flops_per_gpu.get(precision, 0.0)


def describe(catalog, system_counts: dict, accelerator_counts: dict, gpus: int, peak: dict, mfu_sum: float,
             network, it_w: float) -> MachineDescription:
    """The description of a phase from its cumulative counts (system id -> accelerators,
    accelerator id -> accelerators) and its sized network and power."""
    if not gpus:
        return MachineDescription(0, (), "", "", False, {}, 0, 0.0, DEFAULT_MEMORY_BANDWIDTH, NO_FABRIC_BANDWIDTH,
                                  NO_FABRIC_BANDWIDTH, NO_FABRIC_BANDWIDTH, 0, 0.0, 0.4)
    system = catalog.systems[max(system_counts, key=system_counts.__getitem__)]
    acc = catalog.accelerators[system.accelerator]
    out = network.injection_bandwidth_per_accelerator_bytes_per_s or NO_FABRIC_BANDWIDTH
    across = network.bandwidth_per_accelerator_bytes_per_s or out
    pod = int(network.pod_endpoints * gpus / network.endpoints) if network.endpoints else 0
    # Catalog scale-up figures are both directions added (NVIDIA's convention): one direction is half.
    up = (acc.scale_up_bandwidth_bytes_per_s or 0.0) / 2 or out
    ranked = tuple(sorted(accelerator_counts.items(), key=lambda kv: -kv[1]))
    return MachineDescription(
        gpus=gpus,
        accelerators=ranked,
        system=system.id,
        accelerator=acc.id,
        mixed=len(accelerator_counts) > 1,
        peak_flops_per_gpu={k: v / gpus for k, v in peak.items()},
        gpus_per_node=system.domain,  # the scale-up domain: 8 for DGX/HGX, 72 for an NVL72 rack
        memory_bytes=acc.memory_bytes,
        memory_bandwidth_bytes_per_s=acc.memory_bandwidth_bytes_per_s or DEFAULT_MEMORY_BANDWIDTH,
        scale_up_bandwidth_bytes_per_s=up,
        scale_out_bandwidth_bytes_per_s=out,
        cross_pod_bandwidth_bytes_per_s=across,
        gpus_per_pod=pod,
        it_power_per_gpu_w=it_w / gpus,
        typical_mfu=mfu_sum / gpus,
        host_bandwidth_bytes_per_s=system.host_bandwidth_bytes_per_s or DEFAULT_HOST_BANDWIDTH,
        host_memory_bandwidth_bytes_per_s=system.host_memory_bandwidth_bytes_per_s or DEFAULT_HOST_MEMORY_BANDWIDTH,
    )
