"""Failures over a long run: expected interruptions, checkpoint interval, lost time, goodput.

- Interruptions arrive at N x lambda per hour for N accelerators (lambda from the Llama 3
  paper's 419 unexpected interruptions in 54 days on 16,384 H100: constants.py); the job's mean
  time between failures is M = 1 / (N lambda).
- A checkpoint of delta seconds (weights + optimizer states / storage write bandwidth) every
  tau seconds, with Young's optimum tau = sqrt(2 delta M) (Young 1974; Daly 2006 for the
  first-order correction when delta << M).
- Each interruption loses on average tau/2 of work plus a restart of R seconds. The run that
  needs T0 seconds of training takes T = T0 (1 + delta/tau) / (1 - (tau/2 + R)/M); goodput =
  T0 / T.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import constants as C


@dataclass(frozen=True)
class FailureResult:
    mtbf_s: float
    checkpoint_bytes: float
    checkpoint_write_s: float
    checkpoint_interval_s: float
    expected_interruptions: float
    lost_s: float  # checkpoint writes + lost work + restarts
    goodput: float
    time_s: float  # the run's time with all of it


def failures(train_s: float, gpus: int, parameters: float, write_bandwidth: float,
             rate_per_gpu_hour: float = C.FAILURES_PER_GPU_HOUR, restart_s: float = C.RESTART_S) -> FailureResult:
    mtbf = 3600.0 / (gpus * rate_per_gpu_hour)
    ckpt_bytes = parameters * (C.BYTES_WEIGHTS + C.BYTES_OPTIMIZER)
    delta = ckpt_bytes / (write_bandwidth or C.DEFAULT_CHECKPOINT_BANDWIDTH)
    tau = math.sqrt(2 * delta * mtbf)
    loss_per_failure = tau / 2 + restart_s
    if loss_per_failure >= mtbf:  # the job cannot make progress: report it as never finishing
        return FailureResult(mtbf, ckpt_bytes, delta, tau, float("inf"), float("inf"), 0.0, float("inf"))
    total = train_s * (1 + delta / tau) / (1 - loss_per_failure / mtbf)
    return FailureResult(
        mtbf_s=mtbf,
        checkpoint_bytes=ckpt_bytes,
        checkpoint_write_s=delta,
        checkpoint_interval_s=tau,
        expected_interruptions=total / mtbf,
        lost_s=total - train_s,
        goodput=train_s / total,
        time_s=total,
    )
