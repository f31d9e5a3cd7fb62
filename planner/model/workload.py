"""How long a workload takes on the cluster online at its phase, and what it costs.

- Model FLOPs of a dense transformer: 6 x parameters x tokens (Kaplan et al. 2020; used for
  MFU by Chowdhery et al. 2022, PaLM appendix B). With full activation recomputation the
  hardware executes 8 x P x D (Narayanan et al. SC21, eq. 4: t = 8 T P / (n X)).
- Compute time = model FLOPs / (GPUs x peak per GPU x MFU).
- I/O time = dataset bytes x epochs / aggregate storage read bandwidth. Compute and I/O
  overlap, so the run takes the longer of the two, and that one bounds it.
- Energy = IT power charged to the run x time x PUE; emissions = energy x carbon intensity;
  electricity cost = energy x price (Patterson et al. 2021, Table 4 method).
"""

from __future__ import annotations

from ..catalog import Catalog
from ..plan import Plan, Workload
from .results import PhaseResult, WorkloadResult

HARDWARE_FACTOR = {"none": 1.0, "selective": 1.0, "full": 8.0 / 6.0}


def default_mfu(plan: Plan, catalog: Catalog, index: int) -> float:
    """Accelerator-weighted typical MFU of the hardware online at a phase (0.4 if none given)."""
    total = weight = 0.0
    for p in plan.phases[: index + 1]:
        for g in p.nodes:
            system = catalog.systems[g.system]
            acc = catalog.accelerators[system.accelerator]
            n = g.count * system.accelerators
            total += n * (acc.typical_mfu if acc.typical_mfu is not None else 0.4)
            weight += n
    return total / weight if weight else 0.4


def evaluate_workload(plan: Plan, catalog: Catalog, w: Workload, index: int, phase: PhaseResult) -> WorkloadResult:
    online = phase.gpus
    gpus = w.gpus if w.gpus is not None else online
    peak_per_gpu = phase.peak_flops.get(w.precision, 0.0) / online if online else 0.0
    parameters = w.parameters
    if w.model is not None:  # numpy and the performance model load only for runs that need them
        from ..perf.predict import predict, shape_of

        if parameters is None:
            parameters = shape_of(w).parameters
    if w.total_flops is not None:
        model_flops = w.total_flops
    elif parameters is not None and w.tokens is not None:
        model_flops = 6.0 * parameters * w.tokens
    elif w.dataset is not None and w.flops_per_byte:
        model_flops = w.dataset.size_bytes * w.dataset.epochs * w.flops_per_byte
    else:
        model_flops = 0.0
    factor = HARDWARE_FACTOR[w.recompute]
    hardware_flops = model_flops * factor

    tokens_per_s = None
    predicted = None
    uses_prediction = w.model is not None and (w.mfu == "predicted" or (
        w.mfu is None and w.achieved_flops_per_gpu is None and w.tokens_per_s_per_gpu is None))
    if uses_prediction:
        write_bw = phase.storage.write_bandwidth_bytes_per_s or phase.storage.read_bandwidth_bytes_per_s
        predicted = predict(plan, catalog, w, index, phase, gpus, write_bw)
    if predicted is not None:
        sustained = model_flops / predicted.train_time_s if predicted.train_time_s else 0.0
        tokens_per_s = predicted.tokens_per_s
        source = "predicted"
    elif w.tokens_per_s_per_gpu is not None:
        tokens_per_s = w.tokens_per_s_per_gpu * gpus
        per_token = model_flops / w.tokens if w.tokens else 6.0 * (parameters or 0.0)
        sustained = tokens_per_s * per_token
        source = "token_rate"
    elif w.achieved_flops_per_gpu is not None:
        sustained = gpus * w.achieved_flops_per_gpu / factor  # hardware -> model FLOP/s
        source = "achieved_flops"
    else:
        mfu = w.mfu if isinstance(w.mfu, float) else default_mfu(plan, catalog, index)
        sustained = gpus * peak_per_gpu * mfu
        source = "plan" if isinstance(w.mfu, float) else "catalog"
    mfu = sustained / (gpus * peak_per_gpu) if gpus and peak_per_gpu else 0.0
    if predicted is not None:
        mfu = predicted.mfu
        compute_time = predicted.time_s  # training steps plus checkpoints, lost work and restarts
    elif model_flops == 0:
        compute_time = 0.0
    else:
        compute_time = model_flops / sustained if sustained > 0 else float("inf")
    if tokens_per_s is None and w.tokens and compute_time and compute_time != float("inf"):
        tokens_per_s = w.tokens / compute_time

    io_bytes = w.dataset.size_bytes * w.dataset.epochs if w.dataset is not None else 0.0
    bandwidth = phase.storage.read_bandwidth_bytes_per_s
    if io_bytes == 0:
        io_time = 0.0
    else:
        io_time = io_bytes / bandwidth if bandwidth > 0 else float("inf")
    time_s = max(compute_time, io_time)
    if time_s == 0:
        bound = "none"
    else:
        bound = "storage" if io_time > compute_time else "compute"

    if w.power_per_gpu_w is not None:
        it_power = gpus * w.power_per_gpu_w
    else:
        it_power = phase.power.it_w * gpus / online if online else 0.0
    energy = it_power * time_s * phase.power.pue
    f = plan.facility
    return WorkloadResult(
        name=w.name,
        phase=plan.phases[index].name,
        gpus=gpus,
        gpus_online=online,
        precision=w.precision,
        total_flops=model_flops,
        hardware_flops=hardware_flops,
        peak_flops_per_gpu=peak_per_gpu,
        mfu=mfu,
        mfu_source=source,
        sustained_flops=sustained,
        compute_time_s=compute_time,
        io_bytes=io_bytes,
        read_bandwidth_bytes_per_s=bandwidth,
        io_time_s=io_time,
        time_s=time_s,
        bound=bound,
        gpu_hours=gpus * time_s / 3600.0,
        it_power_w=it_power,
        energy_j=energy,
        emissions_kg=energy * f.carbon_intensity_kg_per_j,
        cost_usd=energy * f.electricity_price_usd_per_j,
        tokens_per_s=tokens_per_s,
        predicted=predicted,
    )
