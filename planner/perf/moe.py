"""The mixture-of-experts terms of the step model (planner/perf/step.py), vectorised over layouts.

A MoE layer of Megatron-Core (its MoEAlltoAllTokenDispatcher and TEGroupedMLP; Megatron-LM
megatron/core/transformer/moe/README.md) runs, per microbatch:

1. the router: logits (a hidden x experts matmul, counted with the layer's matmuls by
   planner.sections.counts), then softmax and top-k over the experts (memory-bound, fp32);
2. permutation: each token copied top_k times, grouped by destination rank (read h, write k h);
3. dispatch: an all-to-all of the k h copies within the expert-parallel group;
4. with more than one expert per rank, a second local permutation that sorts the received
   copies by expert (read and write k h), and its inverse after the experts;
5. the routed experts' grouped matmuls (each local expert's GEMM sees its share of the tokens);
6. combine: the reverse all-to-all, then unpermutation (read k h, write h) weighting each copy by
   its routing probability.

The backward pass moves the same bytes back through each step (gradients follow the inverse
permutation and the all-to-alls run again); full recomputation repeats the forward.
"""

from __future__ import annotations

import numpy as np

from . import constants as C

BYTES_16 = 2.0  # tokens travel and are permuted in bf16 (Megatron-Core's alltoall dispatcher)
ROUTER_BYTES = 4.0  # router logits and probabilities are fp32 (--moe-router-dtype fp32)


def local_experts(shape, e):
    """Routed experts held by each rank of an expert-parallel group of e."""
    return np.maximum(1.0, max(shape.experts, 1) / e)


def expert_tokens(shape, tokens, e):
    """Token copies each local expert multiplies per microbatch when the router spreads them
    evenly: the group's tokens x top_k / experts (``tokens`` per rank, e ranks)."""
    return tokens * max(shape.top_k, 1) * e / max(shape.experts, 1)


def expert_matmul_factor(shape, rate, t, tokens, e, cal):
    """Time of a layer's linear matmuls relative to all of them running at the dense rate
    (``rate(width)``, FLOP/s for a matmul of that width): the routed experts' share runs at
    their own rate, which is lower for three reasons.

    - Width: an expert's GEMMs are hidden x (expert ffn / t) and back, narrower than the dense
      layers when experts are fine-grained (Qwen3-30B-A3B: 768 wide beside a hidden of 2,048).
      GEMM efficiency follows the narrower side of the matrix (the measured H200 table in
      benchmarks/results/h200-2026-11-28.txt: k 512 x n 2,048 runs at 0.47 of peak, as a
      512-wide square would), so each of the up (gate + up when gated) and down projections
      is rated at min(hidden, its ffn width / t).
    - Rows: each local expert's GEMM sees only ``expert_tokens`` rows; efficiency halves at
      ``cal.expert_tokens_half`` of them (a GEMM with few rows cannot fill the GPU).
    - Balance: the busiest expert sets the pace (constants.MOE_IMBALANCE).
    """
    xf = shape.expert_matmul_fraction
    if not xf:
        return 1.0
    h = float(shape.hidden)
    fe = float(shape.expert_ffn or shape.hidden)
    g = 2.0 if shape.expert_matrices == 3 else 1.0  # a gated expert's up projection is gate + up
    dense = rate(h / t)
    up, down = rate(np.minimum(h, g * fe / t)), rate(np.minimum(h, fe / t))
    width_slow = dense * (g / up + 1 / down) / (g + 1)  # FLOP-weighted: up has g x the down's FLOPs
    rows = expert_tokens(shape, tokens, e)
    rows_slow = (rows + cal.expert_tokens_half) / rows
    return 1 - xf + xf * width_slow * rows_slow * (1 + C.MOE_IMBALANCE)


def permutation_bytes(shape, tokens, e, fp8: bool):
    """HBM bytes of one forward pass of a MoE layer's token movement on one rank, besides the
    matmuls (module docstring, steps 1, 2, 4, 6): router softmax and top-k (fp32 logits written,
    read and probabilities written, E each), permutation and unpermutation ((1 + k) h each way),
    the local sort by expert and its inverse (2 k h each) when a rank holds several experts,
    and, in FP8, the cast of the k h copies that feed the experts' first GEMM (read 16-bit,
    write 8-bit) beyond the one copy per token counted with the dense casts."""
    h, k, E = float(shape.hidden), float(max(shape.top_k, 1)), float(max(shape.experts, 1))
    router = 3 * E * ROUTER_BYTES
    permute = 2 * (1 + k) * h * BYTES_16
    sort = np.where((e > 1) & (local_experts(shape, e) > 1), 2 * 2 * k * h * BYTES_16, 0.0)
    cast = 3.0 * (k - 1) * h if fp8 else 0.0
    return tokens * (router + permute + sort + cast)


def all_to_all_s(shape, tokens, t, e, gpus_per_node: int, gpus_per_pod: int, up, out, across,
                 nvlink_latency: float, fabric_latency: float):
    """One all-to-all (dispatch or combine) of a rank's tokens x top_k copies of h (bf16) over an
    expert-parallel group of e ranks, t apart (Megatron's rank order tp-cp-ep-dp-pp).

    Each rank keeps 1/e of the copies and sends 1/e to each peer (balanced routing; Lepikhin et
    al. 2020, GShard). Copies for peers in its node go over the scale-up links, the others
    through its own NIC (at the pod's bandwidth, across pods at the top tier's). NCCL sends to
    every peer at once, so the NVLink and NIC shares proceed side by side and the slower sets
    the time. With node-limited routing (``routed_nodes``, DeepSeek-V3 report section 3.2.2) a
    token crosses the fabric once per destination node, at most routed_nodes of the nodes the
    group spans (one of them may be its own), and is forwarded over NVLink inside it. One
    latency per all-to-all, the fabric's when the group leaves the node."""
    k, h = float(max(shape.top_k, 1)), float(shape.hidden)
    per_node = np.maximum(1.0, np.minimum(e, np.floor(gpus_per_node / t)))
    per_pod = np.maximum(per_node, np.minimum(e, np.floor(gpus_per_pod / t)))
    nodes = e / per_node
    remote = k * (e - per_node) / e  # copies per token that leave the node, each h wide
    in_node = k * (per_node - 1) / e  # copies per token for the other ranks of its node
    if shape.routed_nodes:
        reach = np.minimum(float(shape.routed_nodes), np.minimum(nodes, k))
        remote = np.minimum(remote, reach * (nodes - 1) / nodes)
        in_node = np.where(nodes > 1, k * (per_node - 1) / per_node, in_node)  # forwarded on arrival
    beyond_pod = np.where(e > per_node, (e - per_pod) / np.maximum(e - per_node, 1.0), 0.0)
    nvlink = tokens * in_node * h * BYTES_16 / up
    fabric = tokens * remote * h * BYTES_16 * ((1 - beyond_pod) / out + beyond_pod / across)
    latency = np.where(e > per_node, fabric_latency, nvlink_latency)
    return np.where(e > 1, np.maximum(nvlink, fabric) + latency, 0.0)


def overlapped(a2a, compute):
    """Exposed time of all-to-alls run beside another microbatch's compute (DeepSeek's DualPipe
    pairs a forward and a backward chunk; Megatron-Core's --overlap-moe-expert-parallel-comm
    interleaves two microbatches the same way): what the compute cannot cover, plus the compute
    slowed while the communication kernels hold a share of the SMs (DeepSeek-V3 report section
    3.2.2: 20 of the H800's 132 SMs drive its all-to-alls)."""
    hidden = np.minimum(a2a, compute)
    share = C.EXPERT_COMM_SM_SHARE
    return a2a - hidden + hidden * share / (1 - share)


def host_launch_s(shape, e, passes, cal):
    """Host time the GPU waits for per MoE layer and microbatch: dropless routing sizes each local
    expert's GEMM at run time, so the host reads the token counts per expert from the device (a
    device-to-host synchronisation: MoE layers cannot be captured in CUDA graphs; Megatron-LM
    megatron/core/transformer/moe/README.md, "CUDA Graph Support") and then launches each local
    expert's GEMMs one by one (TransformerEngine's GroupedLinear, on several streams; the same
    README, --moe-grouped-gemm) while the GPU idles. Two GEMMs per expert forward, four backward
    (data and weight gradients), two more when recomputed: 2 x passes launches of
    ``cal.expert_launch_s`` each."""
    if not shape.moe_layers:
        return 0.0
    return local_experts(shape, e) * 2 * passes * cal.expert_launch_s
