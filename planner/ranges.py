"""Inputs given as ranges: ``mfu: {low: 0.35, mode: 0.42, high: 0.50}``.

A field whose Spec says ``ranged`` accepts a number or a ``{low, mode, high}`` mapping, read as
a triangular distribution. The value held in the plan is a ``Range``: a float equal to its mode,
so every formula of the model evaluates at the mode without knowing ranges exist, and it keeps
its low and high for saving back as written and for the Monte Carlo of planner.uncertainty.
Two Ranges are equal when all three figures are; a Range never equals a plain number (a plan
whose range was replaced by its mode has changed).
"""

from __future__ import annotations

import math
from typing import Any

KEYS = ("low", "mode", "high")


class Range(float):
    """A triangular range (low <= mode <= high) that is, as a number, its mode."""

    __slots__ = ("low", "high")
    low: float
    high: float

    def __new__(cls, low: float, mode: float, high: float) -> Range:
        self = super().__new__(cls, mode)
        self.low = float(low)
        self.high = float(high)
        return self

    @property
    def mode(self) -> float:
        return float(self)

    def __getnewargs__(self) -> tuple[float, float, float]:  # type: ignore[override]
        return self.low, float(self), self.high

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Range):
            return False
        return (self.low, float(self), self.high) == (other.low, float(other), other.high)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self.low, float(self), self.high))

    def __repr__(self) -> str:
        return f"Range(low={self.low!r}, mode={float(self)!r}, high={self.high!r})"

    def __str__(self) -> str:
        return float.__repr__(self)


def order_problem(low: float, mode: float, high: float) -> str | None:
    """What is wrong with the order of a range's figures, in words (None when low <= mode <= high)."""
    if low <= mode <= high:
        return None
    if low > mode:
        return f"low {low:g} above mode {mode:g}"
    return f"high {high:g} below mode {mode:g}"


def read_range(reader: Any, spec: Any, raw: dict, path: tuple, bad: object):
    """A ``{low, mode, high}`` mapping read by ``reader.number`` for each figure, as a Range
    (``bad`` when it is not one; the problems are noted on the reader)."""
    keys = [k for k in raw if k not in KEYS]
    missing = [k for k in KEYS if k not in raw]
    if keys or missing:
        what = f"the keys {', '.join(map(str, keys))}" if keys else f"no {', '.join(missing)}"
        reader.problem(path, "a number, or a range {low: ..., mode: ..., high: ...} (a triangular distribution)",
                       f"a mapping with {what}")
        return bad
    values = [reader.number(spec, raw[k], path + (k,)) for k in KEYS]
    if any(v is bad for v in values):
        return bad
    low, mode, high = values
    wrong = order_problem(low, mode, high)
    if wrong:
        reader.problem(path, "a range with low <= mode <= high", wrong)
        return bad
    return Range(low, mode, high)


def parse_text(text: str) -> dict | None:
    """``0.35 .. 0.42 .. 0.5`` (as an editor shows a range) -> {low, mode, high} texts; None for
    text that is not three parts joined by '..'."""
    parts = [p.strip() for p in text.split("..")]
    if len(parts) != 3 or not all(parts):
        return None
    return dict(zip(KEYS, parts, strict=True))


def triangular(rng, low: float, mode: float, high: float, n: int):
    """``n`` samples of a triangular distribution (numpy); a range of zero width is its value."""
    import numpy as np

    if high <= low:
        return np.full(n, float(mode))
    return rng.triangular(low, mode, high, n)


def triangular_median(low: float, mode: float, high: float) -> float:
    """The median of a triangular distribution (closed form)."""
    if high <= low:
        return mode
    if mode >= (low + high) / 2:
        return low + math.sqrt((high - low) * (mode - low) / 2)
    return high - math.sqrt((high - low) * (high - mode) / 2)
