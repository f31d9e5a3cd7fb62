"""Failures over a long run: expected interruptions, checkpoint interval, lost time, goodput.

- Interruptions arrive at N x lambda per hour for N accelerators (lambda from the Llama 3
  paper's 419 unexpected interruptions in 54 days on 16,384 H100: constants.py); the job's mean
  time between failures is M = 1 / (N lambda).
- A checkpoint of delta seconds (weights + optimizer states / storage write bandwidth) every
  tau seconds, with Young's optimum tau = sqrt(2 delta M) (Young 1974; Daly 2006 for the
  first-order correction when delta << M).
- Each interruption loses on average tau/2 of work plus a restart of R seconds. The run that
  needs T0 seconds of training takes T = T0 (1 + delta/tau) / (1 - (tau/2 + R)/M); goodput =
  T0 / T = (1 - (tau/2 + R)/M) / (1 + delta/tau).
- When tau/2 + R >= M, failures arrive faster than the job recovers from them: it never
  finishes (progress_impossible). Solving tau/2 + R < M with tau = sqrt(2 delta M) for x =
  sqrt(M): x > (sqrt(delta/2) + sqrt(delta/2 + 4R)) / 2, which gives the most accelerators
  that still make progress (max_gpus).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..units import format_quantity
from . import constants as C

INF = float("inf")


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
    restart_s: float = C.RESTART_S
    # True when each interruption costs (half a checkpoint interval of lost work plus a restart)
    # at least the mean time between failures: the run never finishes, whatever its step time.
    progress_impossible: bool = False
    max_gpus: float = INF  # the most accelerators at this failure rate that still make progress

    def reason(self) -> str:
        """Why the run never finishes, in words with the numbers ('' when it does)."""
        if not self.progress_impossible:
            return ""
        return (f"a failure every {_t(self.mtbf_s)} on average, but each costs {_t(self.checkpoint_interval_s / 2)} "
                f"of lost work (half the {_t(self.checkpoint_interval_s)} checkpoint interval; a checkpoint takes "
                f"{_t(self.checkpoint_write_s)} to write) plus a {_t(self.restart_s)} restart")


def _t(seconds: float) -> str:
    return format_quantity(seconds, "time")


def _positive(x: float) -> float:
    """x when it is a positive finite number or +inf, else 0 (NaN and negatives mean none)."""
    return x if x > 0 else 0.0


def max_gpus_for_progress(parameters: float, write_bandwidth: float,
                          rate_per_gpu_hour: float = C.FAILURES_PER_GPU_HOUR, restart_s: float = C.RESTART_S) -> float:
    """The most accelerators whose failures still leave the run making progress (module docstring)."""
    rate = _positive(rate_per_gpu_hour)
    if rate == 0 or rate == INF:
        return INF if rate == 0 else 0.0
    delta = _checkpoint_write_s(parameters, write_bandwidth)
    min_mtbf = ((math.sqrt(delta / 2) + math.sqrt(delta / 2 + 4 * _positive(restart_s))) / 2) ** 2
    product = rate * min_mtbf
    return 3600.0 / product if product > 0 else INF


def _checkpoint_write_s(parameters: float, write_bandwidth: float) -> float:
    bandwidth = write_bandwidth if write_bandwidth > 0 else C.DEFAULT_CHECKPOINT_BANDWIDTH  # NaN, 0: none given
    return _positive(_positive(parameters) * (C.BYTES_WEIGHTS + C.BYTES_OPTIMIZER) / bandwidth)


def failures(train_s: float, gpus: float, parameters: float, write_bandwidth: float,
             rate_per_gpu_hour: float = C.FAILURES_PER_GPU_HOUR, restart_s: float = C.RESTART_S) -> FailureResult:
    """The run's time with failures. Zero, negative or NaN inputs count as none (no training time,
    no accelerators, no failures); an infinite training time stays infinite."""
    train_s, gpus, restart_s = _positive(train_s), _positive(gpus), _positive(restart_s)
    rate = _positive(_positive(rate_per_gpu_hour) * gpus)
    mtbf = 3600.0 / rate if rate > 0 else INF
    ckpt_bytes = _positive(parameters) * (C.BYTES_WEIGHTS + C.BYTES_OPTIMIZER)
    delta = _checkpoint_write_s(parameters, write_bandwidth)
    limit = max_gpus_for_progress(parameters, write_bandwidth, rate_per_gpu_hour, restart_s)
    if mtbf == INF:  # no failures: no checkpoints needed for them, nothing lost
        return FailureResult(mtbf, ckpt_bytes, delta, INF, 0.0, 0.0, 1.0, train_s, restart_s, False, limit)
    tau = _positive(math.sqrt(2 * delta * mtbf))  # NaN (an infinite write times a zero MTBF) counts as 0
    loss_per_failure = tau / 2 + restart_s
    goodput = 0.0
    if loss_per_failure < mtbf:
        overhead = math.sqrt(delta / (2 * mtbf))  # delta / tau, without 0/0 when delta is 0
        goodput = (1 - loss_per_failure / mtbf) / (1 + overhead)
    if not goodput > 0:  # each failure costs at least the time between failures: the job never finishes
        return FailureResult(mtbf, ckpt_bytes, delta, tau, INF, INF, 0.0, INF, restart_s, True, limit)
    total = train_s / goodput
    return FailureResult(
        mtbf_s=mtbf,
        checkpoint_bytes=ckpt_bytes,
        checkpoint_write_s=delta,
        checkpoint_interval_s=tau,
        expected_interruptions=total / mtbf,
        lost_s=total - train_s if math.isfinite(total) else INF,
        goodput=goodput,
        time_s=total,
        restart_s=restart_s,
        max_gpus=limit,
    )
