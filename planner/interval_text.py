"""A prediction's 80% intervals (planner/perf/intervals.py) as text, one wording for the text
report, the dashboard's cards and the Performance tab: ``129 tokens/s/GPU (80%: 121–148)``.
Reads a Prediction's fields only, so the views may use it."""

from __future__ import annotations

import math

DASH = "–"  # en dash: a range
LABEL = "80%"
# a duration's unit, by the size of the figure it goes with (the units of planner.units.format_duration)
_DURATIONS = ((86400.0, "days", 1), (3600.0, "h", 2), (60.0, "min", 2), (1.0, "s", 3))


def sig3(x: float) -> str:
    """Three significant figures, thousands separated: 3,593 -> 3,590; 0.04567 -> 0.0457."""
    if not math.isfinite(x):
        return "∞"
    if x == 0:
        return "0"
    digits = 2 - math.floor(math.log10(abs(x)))
    return f"{round(x, digits):,.{max(digits, 0)}f}"


def rate_range(rng) -> str:
    return f"{sig3(rng[0])}{DASH}{sig3(rng[1])}"


def duration(point: float, rng) -> str:
    """The interval of a time, in the unit its point figure reads in: ``80.5–98.7 days``."""
    if not all(math.isfinite(x) for x in rng):
        return "never"
    size, unit, decimals = next((d for d in _DURATIONS if point >= d[0]), _DURATIONS[-1])
    if unit == "s":
        return f"{sig3(rng[0])}{DASH}{sig3(rng[1])} s"
    return f"{rng[0] / size:,.{decimals}f}{DASH}{rng[1] / size:,.{decimals}f} {unit}"


def per_gpu(pr) -> tuple[float, tuple[float, float] | None]:
    """Tokens/s per accelerator of a prediction and its interval (None without one)."""
    n = max(pr.gpus_used, 1)
    rng = pr.tokens_per_s_range
    return pr.tokens_per_s / n, (None if rng is None else (rng[0] / n, rng[1] / n))


def tokens_text(pr) -> str:
    """``3,593 tokens/s/GPU (80%: 3,100–4,050)``."""
    point, rng = per_gpu(pr)
    text = f"{point:,.0f} tokens/s/GPU"
    return text if rng is None else f"{text} ({LABEL}: {rate_range(rng)})"


def step_text(pr) -> str:
    """``7.95 s (80%: 6.91–8.48 s)``."""
    text = f"{pr.step_time_s:.2f} s"
    rng = pr.step_time_s_range
    return text if rng is None else f"{text} ({LABEL}: {duration(pr.step_time_s, rng)})"


def time_range(point: float, rng) -> str:
    """`` (80%: 80.5–98.7 days)`` to follow a formatted time, or '' without an interval (or a
    time that never ends)."""
    return "" if rng is None or not math.isfinite(point) else f" ({LABEL}: {duration(point, rng)})"


def run_range(w) -> tuple[float, float] | None:
    """The 80% interval of a training run's time (a TrainingResult): its predicted compute
    time's, against the time its storage reads take (the run takes the longer)."""
    pr = getattr(w, "predicted", None)
    rng = None if pr is None else pr.time_s_range
    return None if rng is None else (max(rng[0], w.io_time_s), max(rng[1], w.io_time_s))


def basis_text(pr) -> str:
    return f"{LABEL} intervals from the model's errors on {pr.interval_basis}" if pr.interval_basis else ""
