"""How much compute speed a power cap leaves an accelerator.

Compute-bound kernels run at clock x units; under a cap the power manager lowers the clock
until the cap holds. NVIDIA's own pair of the same 132-SM Hopper die gives the exponent: the
H100 NVL's dense bf16 peak is 835.5 TFLOP/s at 400 W against the H100 SXM's 989.4 at 700 W
(H100 product page and architecture whitepaper, Table 3): 0.844 of the rate at 0.571 of the
power, rate ~ (power)^0.30. Measured power-limit sweeps agree at moderate caps: Zeus (You et
al., NSDI 2023; its published A40 and V100 traces) lose 3-6% of BERT training throughput at 75-83%
of TDP and 10-12% at 67-70%, steeper below 60%.

The matmul-bound parts of a step slow by (cap / rated)^0.30 (planner/perf/step.py
``clock_scale``); memory-bound parts and communication are charged the same (HBM and links do not
follow the core clock). This is an estimate: no published measurement of H100 training at a
500 W cap was found (see README, Known limits).
"""

from __future__ import annotations

EXPONENT = 0.30  # rate ~ power^0.30 (H100 NVL 400 W vs SXM 700 W, same die)
STEEP_BELOW = 0.6  # below 60% of the rated power the loss steepens (Zeus traces): exponent doubles


def clock_scale(cap_w: float, tdp_w: float) -> float:
    """Fraction of the full compute rate left at power ``cap_w`` on an accelerator rated ``tdp_w``."""
    if tdp_w <= 0 or cap_w >= tdp_w:
        return 1.0
    share = cap_w / tdp_w
    if share >= STEEP_BELOW:
        return share ** EXPONENT
    return STEEP_BELOW ** EXPONENT * (share / STEEP_BELOW) ** (2 * EXPONENT)
