"""The step-time and memory model, vectorised over candidate layouts (numpy arrays).

For a dense GPT-style transformer with L layers, hidden size h, a heads, sequence s,
vocabulary V, global batch B sequences, on a layout of tensor t, pipeline p, data d,
microbatch m, interleave v, ZeRO stage z and a recompute choice:

- FLOPs (Narayanan et al. SC21, eq. 3): a layer's forward pass is 24 m s h^2 + 4 m s^2 h,
  the logits 2 m s h V. For a general shape (grouped-query attention, gated MLPs, mixtures of
  experts: planner.sections.counts) 24 h^2 becomes 2 W, W the matmul weights a token meets in a
  layer, and 4 s h becomes 4 s (heads x head_dim); activations 34 h become the shape's
  2h + 4A + 4K (attention) + 2h + 4F, or 6F when gated (MLP) + 4h (norms), plus 2h of dropout
  masks where the shape uses dropout (Korthikanti's 34 h = 32 h + the masks). Training is 3
  forward passes (forward + backward); full recompute adds one more forward of every layer;
  selective recompute adds only the attention-score part 4 m s^2 h (Korthikanti et al. 2022).
- Matmul time = FLOPs / (peak x efficiency(h/t)); efficiency saturates with the matmul width.
- Memory-bound time = activation bytes (Korthikanti et al., table 2: m s h (34 + 5 a s / h)
  per layer, divided by t where tensor and sequence parallelism shard it) x passes / HBM
  bandwidth.
- Tensor parallelism: 2 all-reduces of m s h activations per layer per forward or backward
  pass (Megatron-LM, Shoeybi et al. 2019), ring cost 2 (t-1)/t x bytes / scale-up bandwidth
  when the tensor group tiles one node; a group wider than a node (or one that straddles two)
  runs its ring at the scale-out fabric's bandwidth (across pods: the top tier's), which is why
  Megatron keeps t within a node (Narayanan et al. SC21, section 3.2, takeaway 1, and the
  tensor-versus-pipeline experiments of section 5).
- Pipeline: M = B / (d m) microbatches; step = (M + (p-1)/v) x microbatch time (the bubble
  (p-1)/(v M + p - 1) of the interleaved 1F1B schedule, SC21 section 2.2), plus stage-to-stage
  transfers of m s h activations.
- Data parallelism: gradients of P/(t p) parameters are all-reduced over d replicas, within the
  node first (scale-up) and then across nodes (scale-out, per-accelerator fabric bandwidth after
  oversubscription); the backward pass of the last microbatch hides part of it. ZeRO-3 moves
  1.5 x the volume (Rajbhandari et al. 2020).
- Mixtures of experts (planner/perf/moe.py): the routed experts' GEMMs at their own width and
  rows, token permutations and the router as memory-bound bytes, all-to-alls split over NVLink
  and the fabric (optionally hidden behind compute), and the host's per-expert GEMM launches.
- Optimizer: Adam reads and writes ~28 bytes per local parameter.
- Options (options.py): tensor-parallel overlap hides the stack's share of the TP communication
  behind the linear GEMMs; optimizer offload keeps Adam's states on the host and pays the host
  link and the CPU's Adam step instead.
- Memory per accelerator: weights, gradients and optimizer states (the stack's bytes per
  parameter, constants.STATE_BYTES, sharded over d by ZeRO stage), activations for the in-flight
  microbatches (p on the first stage, x (1 + (p-1)/(p v)) when interleaved) per the recompute
  choice (dropout masks only where the shape uses dropout), and the loss's logits (the stack's
  bytes per logit, constants.LOGITS_BYTES).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.machine import DEFAULT_HOST_BANDWIDTH, DEFAULT_HOST_MEMORY_BANDWIDTH
from . import constants as C
from . import moe
from . import options as opt
from .calibration import DEFAULT, Calibration

RECOMPUTE_CODES = {"none": 0, "selective": 1, "full": 2}
RECOMPUTE_NAMES = {v: k for k, v in RECOMPUTE_CODES.items()}


@dataclass(frozen=True)
class Shape:
    layers: int
    hidden: int
    heads: int
    sequence: int
    vocabulary: int
    parameters: float  # as given, or 12 L h^2 (1 + 13/(12 h) + (V + s)/(12 L h))
    flash_attention: bool = True
    # What a general shape changes (planner.sections.counts); 0 means the GPT-style default.
    active_parameters: float = 0.0  # parameters a token passes through (MoE: its top_k experts); 0: all
    layer_matmul_params: float = 0.0  # matmul weights a token meets per layer (mean); 0: 12 h^2
    attention_width: float = 0.0  # heads x head_dim; 0: h
    activation_bytes: float = 0.0  # bytes per token per layer kept for the backward pass, masks aside; 0: 32 h
    expert_parameters: float = 0.0  # routed experts' weights (a mixture of experts), spread over e x t
    expert_matmul_fraction: float = 0.0  # share of a layer's matmul weights that are routed experts
    moe_layers: int = 0
    top_k: int = 0
    kv_width: float = 0.0  # kv_heads x head_dim; 0: h
    experts: int = 1  # routed experts per MoE layer
    mlp_width: float = 0.0  # MLP width a token meets per layer (mean); 0: 4 h
    expert_ffn: float = 0.0  # width of one routed expert's MLP; 0: h
    expert_matrices: int = 2  # matrices of an expert's MLP: 3 when gated (swiglu, geglu)
    routed_nodes: int = 0  # node-limited routing: nodes a token's experts may span (0: no limit)
    dropout: bool = True  # dropout masks are stored (Korthikanti's GPT); predict.shape_of decides for a plan

    @property
    def active(self) -> float:
        return self.active_parameters or self.parameters


def parameters_of(layers: int, hidden: int, sequence: int, vocabulary: int) -> float:
    """Narayanan et al. SC21, section 5.1: P = 12 l h^2 (1 + 13/(12h) + (V + s)/(12 l h))."""
    l, h = layers, hidden
    return 12 * l * h**2 * (1 + 13 / (12 * h) + (vocabulary + sequence) / (12 * l * h))


@dataclass(frozen=True)
class Machine:
    """What one run sees of the cluster, per accelerator."""

    gpus: int
    gpus_per_node: int  # the scale-up (NVLink) domain
    peak_flops: float  # dense, at the run's precision
    memory_bytes: float
    memory_bandwidth: float
    scale_up_bandwidth: float  # per direction
    scale_out_bandwidth: float  # per direction, node to fabric, among the accelerators of a pod
    cross_pod_bandwidth: float = 0.0  # per direction across the top tier, after oversubscription
    gpus_per_pod: int = 0  # accelerators below one switch under the top tier (0: the whole fabric)
    generation: str = "ampere"  # planner/perf/calibration.py GENERATIONS
    fp8: bool = False  # the run's precision is fp8: its linear layers run at peak_flops, the rest at bf16_peak
    bf16_peak_flops: float = 0.0  # dense 16-bit peak (0: peak_flops)
    clock_scale: float = 1.0  # compute speed left under a power cap (planner/perf/power.py)
    stack: str = "megatron"  # the training software that runs on it (calibration.STACKS)
    host_bandwidth: float = DEFAULT_HOST_BANDWIDTH  # per direction, accelerator to host memory (offload)
    host_memory_bandwidth: float = DEFAULT_HOST_MEMORY_BANDWIDTH  # host DRAM per accelerator (offload)


def model_flops_per_step(shape: Shape, batch: int) -> float:
    """Model FLOPs of one step (no recomputation): 72 B s l h^2 (1 + s/(6h) + V/(12 l h))."""
    B, s, l, h, V = batch, shape.sequence, shape.layers, shape.hidden, shape.vocabulary
    return 72 * B * s * l * h**2 * (1 + s / (6 * h) + V / (12 * l * h))


def evaluate(shape: Shape, batch: int, machine: Machine, t, p, d, m, v, z, rc, sp, c=1, e=1, g=None,
             xo=False, cal: Calibration = DEFAULT, tpo=False, off=0) -> dict:
    """Named parts of the step time (s) and memory (bytes) for arrays of layouts; ``c`` is the
    context-parallel size, ``e`` the expert-parallel size (1: neither), ``g`` the ZeRO/FSDP
    sharding group (None or 0: every data-parallel rank), ``xo`` whether the expert all-to-alls
    overlap another microbatch's compute, ``tpo`` tensor-parallel overlap and ``off`` optimizer
    offload (planner/perf/options.py), and ``cal`` the calibrated figures (the machine names its
    generation and the training stack that runs on it)."""
    t, p, d, m, v, z, rc, c, e = (np.asarray(x, dtype=float) for x in (t, p, d, m, v, z, rc, c, e))
    sp = np.asarray(sp, dtype=bool)
    tpo, off = np.asarray(tpo, dtype=bool), np.asarray(off) == opt.OFFLOAD_CODES["optimizer"]
    gen, st = cal.generation(machine.generation), cal.stack(machine.stack)
    L, h, a, s, V = (float(x) for x in (shape.layers, shape.hidden, shape.heads, shape.sequence, shape.vocabulary))
    P = float(shape.parameters)
    W = float(shape.layer_matmul_params or 12 * h**2)  # 24 h^2 forward FLOPs per token = 2 x 12 h^2 weights
    A = float(shape.attention_width or h)
    K = float(shape.kv_width or h)
    F = float(shape.mlp_width or 4 * h)
    # Korthikanti et al.: 34 s b h per layer, 2 s b h of it dropout masks (the memory-bound time is
    # calibrated on these bytes in every shape; the memory below keeps the masks only with dropout)
    act = float(shape.activation_bytes or 32 * h) + 2 * h
    P_exp = float(shape.expert_parameters)
    hbm = machine.memory_bandwidth * gen.memory_efficiency
    up = machine.scale_up_bandwidth * cal.nvlink_efficiency
    out = machine.scale_out_bandwidth * cal.fabric_efficiency
    micro = batch / (d * m)  # microbatches per step
    sl = s / c  # tokens of each sequence on one accelerator (context parallelism splits them)

    # -- compute of one microbatch on one pipeline stage ------------------------------------
    layers_per_stage = np.ceil(L / p)  # the slowest stage when the layers do not divide evenly
    # each of the sl local queries attends to all s keys (ring attention, Liu et al. 2023)
    linear_fwd = 2 * m * sl * W / t
    score_fwd = 4 * m * sl * s * A / t
    passes = np.where(rc == 2, 4.0, 3.0)
    if shape.flash_attention:
        # FlashAttention recomputes the attention scores in the backward pass and never writes
        # the s x s matrices: selective recomputation has nothing left to recompute.
        score_layer = score_fwd * passes + score_fwd / 2
        score_bytes = 0.0
    else:
        score_layer = score_fwd * passes + np.where(rc == 1, score_fwd, 0.0)
        score_bytes = 5 * a * s / (h * t)  # Korthikanti's softmax, dropout and mask bytes per m s h
    hw_layer = linear_fwd * passes + score_layer
    width = h / t
    peak16 = (machine.bf16_peak_flops or machine.peak_flops) * machine.clock_scale
    eff16 = gen.gemm_max * width / (width + gen.gemm_half_width)

    def rate(w):
        """FLOP/s of the linear layers' matmuls of width w."""
        if machine.fp8 and gen.fp8_gemm:
            # FP8 (TransformerEngine recipes): only the linear layers' matmuls run at the FP8 rate,
            # at the measured FP8 efficiency (it needs wider matrices to saturate); attention
            # scores and the output layer stay in 16-bit.
            return machine.peak_flops * machine.clock_scale * gen.gemm_max * gen.fp8_gemm \
                * w / (w + 2 * gen.gemm_half_width)
        return (machine.peak_flops * machine.clock_scale if not machine.fp8 else peak16) \
            * gen.gemm_max * w / (w + gen.gemm_half_width)

    linear_rate = rate(width)
    # Routed experts (planner/perf/moe.py): narrower GEMMs with few rows each, waiting for the
    # busiest expert; m s tokens per rank (1/t of them each with sequence parallelism)
    moe_tokens = m * sl / np.where(sp, t, 1.0)
    routed = moe.expert_matmul_factor(shape, rate, t, moe_tokens, e, cal)
    # Fused (flash) attention runs at its own kernel efficiency; unfused scores are batched matmuls.
    score_rate = peak16 * (gen.attention if shape.flash_attention else eff16)
    logits = 6 * m * sl * h * V / t  # forward and backward of the output layer, on the last stage
    linear_s = layers_per_stage * linear_fwd * passes * routed / linear_rate  # the GEMMs TP overlap hides behind
    matmul = linear_s + layers_per_stage * score_layer / score_rate + logits / (peak16 * eff16)

    # activation bytes per layer (Korthikanti et al. table 2: m s h (34 + 5 a s / h) unsharded)
    # (10 h of it, layer-norm inputs, dropout masks and the inputs of the first matmuls, stays
    # whole without sequence parallelism)
    act_tp = np.where(sp, m * sl * (act / t + h * score_bytes),
                      m * sl * (10 * h + (act - 10 * h) / t + h * score_bytes))
    # FP8 casts: each linear layer's input is read in 16-bit and written in 8-bit (amax + scale +
    # cast) in every pass: QKV and FC1 see h, the output projection A, FC2 the MLP width.
    cast_bytes = np.where(machine.fp8, m * sl * 3 * (2 * h + A + F) / np.where(sp, t, 1.0), 0.0)
    # routed tokens' permutations, router softmax and top-k (planner/perf/moe.py): forward, backward
    # (+ the recomputed forward)
    moe_stage = layers_per_stage * shape.moe_layers / L
    permute = moe_stage * moe.permutation_bytes(shape, moe_tokens, e, machine.fp8) * (passes - 1) / hbm
    memory_bound = layers_per_stage * (act_tp * st.memory_passes + cast_bytes) * passes / hbm + permute

    allreduces = np.where(rc == 2, 6.0, 4.0)  # 2 per forward, 2 per backward (+2 recomputed)
    tp_bytes = m * sl * h * 2
    across = (machine.cross_pod_bandwidth or machine.scale_out_bandwidth) * cal.fabric_efficiency
    pod = machine.gpus_per_pod or machine.gpus
    in_node = (t <= machine.gpus_per_node) & (machine.gpus_per_node % t == 0)
    tp_bw = np.where(in_node, up, np.where(t > pod, across, out))
    tp_lat = np.where(in_node, cal.nvlink_latency_s, cal.fabric_latency_s)
    tensor_comm = np.where(t > 1, layers_per_stage * allreduces
                           * (2 * (t - 1) / t * tp_bytes / tp_bw + 2 * (t - 1) * tp_lat), 0.0)
    tensor_comm = opt.tp_exposed(tensor_comm, linear_s, tpo & in_node, st.tp_overlap)

    # Context parallelism: each layer passes its K and V blocks around the ring of c ranks, once
    # forward and twice backward (Liu et al. 2023, ring attention; Megatron-Core's context
    # parallelism), overlapped with the attention it feeds; only the excess is exposed.
    cp_bw = np.where(t * c <= machine.gpus_per_node, up, out)
    cp_bytes = (c - 1) * 2 * m * sl * K * 2 / t
    cp_comm = layers_per_stage * passes * cp_bytes / cp_bw  # forward, 2 x backward (+ recomputed forward)
    attention_s = layers_per_stage * score_layer / score_rate
    context_comm = np.where(c > 1, np.maximum(0.0, cp_comm - attention_s), 0.0)

    # Expert parallelism: two all-to-alls (dispatch, combine) per MoE layer forward, two more
    # backward and two more when recomputed (Lepikhin et al. 2020, GShard; Megatron-Core MoE),
    # each over NVLink to the peers in the node and the fabric to the others (planner/perf/moe.py)
    all_to_alls = np.where(rc == 2, 6.0, 4.0)
    a2a = moe_stage * all_to_alls * moe.all_to_all_s(
        shape, moe_tokens, t, e, machine.gpus_per_node, pod, up, out, across, cal.nvlink_latency_s,
        cal.fabric_latency_s)
    expert_comm = np.where(np.asarray(xo, dtype=bool), moe.overlapped(a2a, matmul + memory_bound), a2a)
    expert_host = moe_stage * moe.host_launch_s(shape, e, passes, cal)

    # Stage-to-stage sends: Megatron splits each send over the tensor group and gathers it over
    # NVLink on the far side (scatter/gather, Narayanan et al. SC21 section 4.1).
    p2p_bytes = m * sl * h * 2 / t
    p2p_bw = np.where(t * p <= machine.gpus_per_node, up, out)
    pipeline_comm = np.where(p > 1, 2 * v * (p2p_bytes / p2p_bw + cal.fabric_latency_s), 0.0)

    # -- data parallelism and ZeRO -----------------------------------------------------------
    # Dense weights are replicated over d x c ranks (context-parallel ranks hold the same
    # weights); routed experts are spread over e of them (and over the tensor group), so each
    # expert has d x c / e replicas. ZeRO shards states over the shard group g of them
    # (hybrid sharding: replicated across the d x c / g groups).
    share = layers_per_stage / L
    dense_local = (P - P_exp) * share / t
    expert_local = P_exp * share / (t * e)
    n_dense, n_expert = d * c, np.maximum(1.0, d * c / e)
    g = n_dense if g is None else np.where(np.asarray(g, dtype=float) > 0, np.asarray(g, dtype=float), n_dense)
    g = np.minimum(g, n_dense)
    g_expert = np.maximum(1.0, np.minimum(n_expert, g / e))

    def placed(n, group):
        """Ranks of a collective of n over accelerators ``group`` apart: in one node, in one pod."""
        d_node = np.maximum(1.0, np.minimum(n, np.floor(machine.gpus_per_node / group)))
        d_pod = np.maximum(d_node, np.minimum(n, np.floor(pod / group)))
        return d_node, d_pod

    def all_reduce(n, grad_bytes, group):
        """Hierarchical ring all-reduce: replicas in a node over the scale-up links, then in a pod
        over the fabric at full bandwidth, then across pods through the oversubscribed top tier,
        each on the share left by the one before; each bucket pays every ring's latency."""
        d_node, d_pod = placed(n, group)
        bw = 2 * ((d_node - 1) / d_node * grad_bytes / up + (d_pod / d_node - 1) / (d_pod / d_node)
                  * grad_bytes / d_node / out + (n / d_pod - 1) / (n / d_pod) * grad_bytes / d_pod / across)
        buckets = np.maximum(1.0, np.ceil(grad_bytes / cal.dp_bucket_bytes))
        latency = buckets * 2 * ((d_node - 1) * cal.nvlink_latency_s + (n / d_node - 1) * cal.fabric_latency_s)
        return np.where(n > 1, bw + latency, 0.0)

    def gather(n, nbytes, group, count):
        """``count`` ring all-gathers (or reduce-scatters) of ``nbytes`` each over n ranks: at
        the slowest link they cross, paying n - 1 ring steps of latency each."""
        d_node, d_pod = placed(n, group)
        bw = np.where(n <= d_node, up, np.where(n <= d_pod, out, across))
        lat = np.where(n <= d_node, cal.nvlink_latency_s, cal.fabric_latency_s)
        return np.where(n > 1, count * ((n - 1) / n * nbytes / bw + (n - 1) * lat), 0.0)

    zero3 = z == 3
    replicas, replicas_e = n_dense / g, n_expert / g_expert
    # gradients all-reduced once per step: over every replica, or (ZeRO-3) the shard's over the
    # replicas of the shard group
    dp_time = np.where(zero3,
                       all_reduce(replicas, dense_local * C.BYTES_GRADIENTS / g, t * p * g)
                       + all_reduce(replicas_e, expert_local * C.BYTES_GRADIENTS / g_expert, t * p * e * g_expert),
                       all_reduce(n_dense, dense_local * C.BYTES_GRADIENTS, t * p)
                       + all_reduce(n_expert, expert_local * C.BYTES_GRADIENTS, t * p * e))
    # ZeRO-3 / FSDP: every microbatch gathers each layer's weights for the forward pass and again
    # for the backward pass and reduce-scatters its gradients (Rajbhandari et al. 2020; FSDP,
    # Zhao et al. 2023): 3 collectives per layer, prefetched one layer ahead, so compute hides
    # up to gather_overlap of their time; the rest is exposed, which is what sinks small
    # per-accelerator batches.
    per_layer_bytes = (dense_local * 2) / layers_per_stage
    per_layer_expert = (expert_local * 2) / layers_per_stage
    gathers = np.where(zero3, gather(g, per_layer_bytes, t * p, 3 * layers_per_stage)
                       + np.where(P_exp > 0, gather(g_expert, per_layer_expert, t * p * e, 3 * layers_per_stage),
                                  0.0), 0.0)
    compute_micro = matmul + memory_bound
    gather_exposed = np.maximum(0.0, gathers - st.gather_overlap * compute_micro)

    per_micro = matmul + memory_bound + tensor_comm + context_comm + expert_comm + expert_host + gather_exposed
    bubble = (p - 1) / v * per_micro
    compute = micro * (matmul + memory_bound)
    step_pipeline = (micro + (p - 1) / v) * (per_micro + pipeline_comm)

    overlap = st.dp_overlap * per_micro * 2.0 / passes  # the last microbatch's backward pass hides part of it
    dp_exposed = np.maximum(0.0, dp_time - overlap)
    shard = np.where(z >= 1, g, 1.0)
    shard_e = np.where(z >= 1, g_expert, 1.0)
    sharded = dense_local / shard + expert_local / shard_e
    optimizer = np.where(off, 0.0, sharded * C.OPTIMIZER_STEP_BYTES / hbm)  # offloaded: on the host instead
    offload = opt.offload_time(sharded, off, machine.host_bandwidth, machine.host_memory_bandwidth)

    step = step_pipeline + dp_exposed + optimizer + offload + st.step_overhead_s

    # -- memory per accelerator ---------------------------------------------------------------
    def per_gpu(stage):
        return dense_local / np.where(z >= stage, g, 1.0) + expert_local / np.where(z >= stage, g_expert, 1.0)

    # bytes per parameter of the stack's 16-bit weights, gradients and optimizer states
    # (constants.STATE_BYTES); ZeRO-3 holds the gathered weights of the layer it runs and the one it
    # prefetches, and PyTorch FSDP keeps no 16-bit shard beside them (its shards are the fp32 master)
    w16, w_grad, w_opt = C.STATE_BYTES.get(machine.stack, C.STATE_BYTES["megatron"])
    shard16 = 0.0 if machine.stack == "fsdp" else w16
    weights = np.where(zero3, per_gpu(3) * shard16 + 2 * (per_layer_bytes + per_layer_expert), per_gpu(3) * w16)
    if machine.fp8:  # TransformerEngine keeps an 8-bit copy of the matmul weights beside the 16-bit ones
        weights = weights + per_gpu(3) * 1.0
    gradients = per_gpu(2) * w_grad
    optimizer_states = sharded * w_opt
    # Activations kept per layer: act_tp's bytes, with the dropout masks (2 h, and the scores' mask
    # and dropout output, 3 of Korthikanti's 5 a s / h) only where the shape uses dropout
    masks = 2 * h if shape.dropout else 0.0
    score_kept = score_bytes if shape.dropout else score_bytes * 2 / 5  # the softmax output alone
    # TransformerEngine in FP8 keeps each linear layer's input in 8 bits for the weight gradient
    # (transformer_engine/pytorch/module/linear.py, _Linear.forward: inputmat_t, not
    # inputmat_no_fp8, when fp8_wgrad): QKV and FC1 (h each) and FC2 (F) halve; the output
    # projection's 8-bit input (A) is kept beside the attention output the fused kernel keeps
    te_fp8 = machine.fp8 and machine.stack == "megatron"
    first_inputs = 2 * h if te_fp8 else 4 * h
    whole = 4 * h + first_inputs + masks  # norm inputs and the first matmuls' inputs stay whole without sp
    act_kept = act - 2 * h + masks - ((2 * h + F - A) if te_fp8 else 0.0)
    kept = np.where(sp, m * sl * (act_kept / t + h * score_kept),
                    m * sl * (whole + (act_kept - whole) / t + h * score_kept))
    if machine.stack == "fsdp":
        # PyTorch's per-op selective checkpointing (TorchTitan's 'op' mode, the fsdp stack's
        # selective recompute) keeps each block's input, the attention output and every other
        # matmul's output (q, v, the MLP's first and last: 2h + 2A + 2K + 2F + 2h), recomputing the
        # rest (torchtitan activation_checkpoint.py: _save_list, "skip saving every other mm")
        kept_selective = m * sl * (2 * h / np.where(sp, t, 1.0) + (2 * h + 4 * A + 2 * K + 2 * F) / t)
    else:
        kept_selective = kept - m * sl * h * score_kept  # Korthikanti: the attention scores are recomputed
    per_layer = np.select([rc == 2, rc == 1],
                          [m * sl * h * 2 / np.where(sp, t, 1.0), kept_selective],
                          kept)
    in_flight = np.minimum(micro, p) / p  # the first stage holds p microbatches (1F1B)
    interleave = np.where(v > 1, 1 + (p - 1) / (p * v), 1.0)
    logit_bytes = C.LOGITS_BYTES.get(machine.stack, C.LOGITS_BYTES["megatron"])
    activations = L * per_layer * in_flight * interleave + logit_bytes * m * sl * V / t
    total_memory = weights + gradients + optimizer_states + activations
    optimizer_states, total_memory = opt.offloaded(optimizer_states, total_memory, off)  # offload: states on host

    tokens = batch * s
    hw_flops = (batch / m) * c * (L * hw_layer * t + logits * t)  # whole model, whole batch
    return {
        "step_time_s": step,
        "gpus_used": t * p * d * c,
        "compute_s": compute,
        "matmul_s": micro * matmul,
        "memory_bound_s": micro * memory_bound,
        "tensor_comm_s": micro * tensor_comm,
        "context_comm_s": micro * context_comm,
        "expert_comm_s": micro * expert_comm,
        "expert_host_s": micro * expert_host,
        "expert_all_to_all_s": micro * a2a,  # before any overlap (not a step part)
        "expert_permute_s": micro * permute,  # part of memory_bound_s
        "pipeline_bubble_s": bubble,
        "pipeline_comm_s": (micro + (p - 1) / v) * pipeline_comm,
        "shard_gather_s": micro * gathers,
        "shard_gather_exposed_s": micro * gather_exposed,
        "data_comm_s": dp_time,
        "data_comm_exposed_s": dp_exposed,
        "optimizer_s": optimizer,
        "offload_s": offload,
        "overhead_s": np.full_like(step, st.step_overhead_s),
        "microbatches": micro,
        "tokens_per_s": tokens / step,
        "hardware_flops": hw_flops,
        "weights_bytes": weights,
        "gradients_bytes": gradients,
        "optimizer_bytes": optimizer_states,
        "activations_bytes": activations,
        "memory_bytes": total_memory,
        "fits": total_memory <= machine.memory_bytes * C.USABLE_MEMORY_FRACTION,
    }
