"""Fixed constants of the performance model, each with where it comes from: byte counts,
failure rates, the MoE imbalance allowance. The figures fitted to the validation suite
(matmul, attention and memory efficiency per accelerator generation, the training stacks,
collective efficiency and latency) are in planner/perf/calibration.py.
"""

# Achieved bus bandwidth of NCCL collectives as a fraction of the link rate (NCCL tests report
# ~230 of 300 GB/s per direction on A100 NVLink, ~ 80-90% on InfiniBand): the serving model's
# (planner/kinds/serving_model.py); training uses calibration.py's per-link figures.
COLLECTIVE_EFFICIENCY = 0.78
# Usable fraction of accelerator memory (the rest: CUDA context, allocator fragmentation,
# workspace buffers).
USABLE_MEMORY_FRACTION = 0.92

# Mixed-precision Adam, bytes per parameter (Rajbhandari et al. 2020, ZeRO, section 3.1):
# 2 (bf16 weights) + 2 (bf16 gradients) + 12 (fp32 master weights, momentum, variance).
BYTES_WEIGHTS = 2.0
BYTES_GRADIENTS = 2.0
BYTES_OPTIMIZER = 12.0
# Bytes per parameter a stack holds for training: (16-bit weights, gradients, optimizer states:
# the fp32 master copy and Adam's two moments, 12). Each is sharded by its ZeRO stage.
# - megatron: bf16 gradient buffers, as the performance recipes run (Megatron-Bridge
#   scripts/performance set ddp.grad_reduce_in_fp32 = False; NeMo's distributed_fused_adam
#   grad_sync_dtype: bf16); Megatron-LM's own bf16 default reduces in fp32 (6 + 12/d bytes with
#   the distributed optimizer, docs/source/distrib_optimizer.md).
# - deepspeed: ZeRO's 2 + 2 + 12 (Rajbhandari et al. 2020, section 3.1).
# - fsdp: PyTorch FSDP under a bf16 MixedPrecision policy keeps its sharded parameters (the fp32
#   master, in the 12) and their gradients in fp32 (4); the bf16 weights exist only unsharded (the
#   layers ZeRO-3 gathers, the whole model below it). 16 bytes per sharded parameter, as before.
# - pytorch: a plain loop (one GPU or DDP: fp32 parameters, autocast's bf16 copies of the matmul
#   weights, fp32 gradients, AdamW): fsdp's bytes unsharded, 18 per parameter.
STATE_BYTES = {
    "megatron": (2.0, 2.0, 12.0),
    "deepspeed": (2.0, 2.0, 12.0),
    "fsdp": (2.0, 4.0, 12.0),
    "pytorch": (2.0, 4.0, 12.0),
}
# Bytes per logit (m s V / t of them) held by the loss at the top of the backward pass.
# - megatron, deepspeed: fp32 logits, 4 (Korthikanti et al. 2022, section 4.3: 4 s b v / t);
#   Megatron-Core's vocab-parallel cross-entropy keeps the fp32 softmax and writes the gradient
#   over it (megatron/core/fusions/fused_cross_entropy.py).
# - fsdp: a fused loss on bf16 logits: the logits (2) and their gradient (2). Composer/llm-foundry
#   MPT use flash-attn's cross-entropy kernel (loss_fn: fused_crossentropy); TorchTitan compiles
#   its loss (compile.components "loss"). An unfused loss holds 12-14, as the pytorch row.
# - pytorch: F.cross_entropy on an fp32 copy of the bf16 logits: the logits (2), the fp32
#   log-softmax it saves (4), the loss's gradient and the log-softmax's (4 + 4): 14, which with
#   the rest of a plain GPT step matches the peaks measured on one H200 to within 0.3%
#   (benchmarks/gpu_calibration.py, benchmarks/results/h200-2026-11-28.json).
LOGITS_BYTES = {"megatron": 4.0, "deepspeed": 4.0, "fsdp": 4.0, "pytorch": 14.0}
# Bytes read and written per parameter by the optimizer step (Adam: master, m, v, gradient in;
# master, m, v, bf16 weights out).
OPTIMIZER_STEP_BYTES = 28.0

# Failures. Llama 3 405B pre-training: 419 unexpected interruptions in a 54-day snapshot on
# 16,384 H100 GPUs (Llama 3 paper, section 3.3.4) = 1.97e-5 per GPU-hour.
FAILURES_PER_GPU_HOUR = 419 / (16384 * 54 * 24)
# Time to restart a job after an interruption (reschedule, load the checkpoint, warm up):
# an assumption; the Llama 3 paper reports >90% effective training time with automated recovery.
RESTART_S = 600.0
# Checkpoint write bandwidth when the plan has no storage tier online.
DEFAULT_CHECKPOINT_BANDWIDTH = 100e9

# Routed experts wait for the busiest one: the experts' share of the matmuls runs this much
# longer. An assumption within the published range: Megatron-Core MoE and GShard drop or pad
# tokens at capacity factors of 1.0-1.25 (Lepikhin et al. 2020); DeepSeek-V3's auxiliary-loss-free
# balancing keeps experts within a few percent (DeepSeek-V3 report, section 2.1.2).
MOE_IMBALANCE = 0.10
# Share of the SMs that expert all-to-alls hold while they overlap compute: DeepSeek-V3 dedicates
# 20 of the H800's 132 SMs to its dispatch and combine kernels (DeepSeek-V3 report, section 3.2.2).
EXPERT_COMM_SM_SHARE = 20 / 132
