"""Layout options beside the parallel sizes (planner/perf/step.py calls these):

- ``tp_overlap``: tensor-parallel communication overlapped with the GEMMs that feed on it or
  produce it: Megatron-Core's --tp-comm-overlap (TransformerEngine userbuffers) and TorchTitan's
  async TP decompose each all-gather + GEMM and GEMM + reduce-scatter of sequence parallelism into
  chunks and run them concurrently (Wang et al., ASPLOS 2023, "Overlap communication with
  dependent computation via decomposition"). Only within the scale-up domain, on Hopper and later
  (userbuffers and PyTorch's symmetric memory need NVLink peer access). The stack's share of the
  communication is hidden, never more than the linear layers' GEMM time:
  exposed = max((1 - share) x comm, comm - GEMMs). TorchTitan's own benchmark (Llama 3.1 70B on
  256 H100, FSDP 32 x TP 8: 597.3 -> 652.4 tokens/s, 1.09x) hides 0.47 of the model's TP
  communication; the GEMMs (4x longer) are not what limits it: the first chunk of each ring is
  exposed and the decomposed GEMMs run slower.
- ``offload`` (optimizer): ZeRO-Offload (Ren et al., USENIX ATC 2021), FSDP's CPU offload and
  Megatron-Core's optimizer CPU offload keep the fp32 master weights and Adam's two moments (12
  bytes a parameter) in host memory and run the step there: each step the bf16 gradients of the
  local shard go down the host link and the updated bf16 weights come back (4 bytes a parameter),
  and the host CPUs run Adam over the shard, bound by host memory bandwidth (ZeRO-Offload's
  CPU-Adam is vectorised: 5-7x torch's CPU Adam, DeepSpeed's documentation). Counted as exposed
  (the step waits for the weights), which is the most it costs; the GPU's own optimizer pass and
  its 12 bytes a parameter go.
"""

from __future__ import annotations

import numpy as np

from . import constants as C

OFFLOAD_CODES = {"none": 0, "optimizer": 1}
OFFLOAD_NAMES = {v: k for k, v in OFFLOAD_CODES.items()}
TP_OVERLAP_GENERATIONS = ("hopper", "blackwell")  # userbuffers / symmetric memory: SM90 and later
LINK_BYTES = C.BYTES_GRADIENTS + C.BYTES_WEIGHTS  # per parameter per step: gradients down, weights up
# Share of the host's DRAM peak the CPU Adam step reaches: an assumption (STREAM reaches 70-80% of
# a Xeon's peak; the optimizer shares the cores with the offload copies and the data loader).
HOST_MEMORY_EFFICIENCY = 0.5


def tp_overlap_offered(stack, generation: str) -> bool:
    """Whether the stack overlaps tensor-parallel communication on this generation."""
    return stack.tp_overlap > 0 and generation in TP_OVERLAP_GENERATIONS


def tp_exposed(comm, gemm, overlap, share: float):
    """Tensor-parallel communication left exposed: where ``overlap``, the stack's ``share`` of it
    is hidden, at most the linear layers' GEMM time ``gemm`` (module docstring)."""
    hidden = np.minimum(share * comm, gemm)
    return np.where(overlap, comm - hidden, comm)


def offload_time(local_params, offload, host_bandwidth: float, host_memory_bandwidth: float):
    """Seconds a step spends on an offloaded optimizer: the shard's gradients and weights over the
    host link, and Adam's bytes (constants.OPTIMIZER_STEP_BYTES) at the host's memory bandwidth."""
    link = local_params * LINK_BYTES / host_bandwidth
    adam = local_params * C.OPTIMIZER_STEP_BYTES / (host_memory_bandwidth * HOST_MEMORY_EFFICIENCY)
    return np.where(offload, link + adam, 0.0)


def offloaded(optimizer_states, total_memory, offload):
    """Accelerator memory once the Adam states (and fp32 master weights) live on the host."""
    gone = np.where(offload, optimizer_states, 0.0)
    return optimizer_states - gone, total_memory - gone
