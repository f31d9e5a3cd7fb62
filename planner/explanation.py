"""An explanation of one headline figure: its formula, the values put in and the plan fields
they came from (planner.explain builds them; each workload kind explains its own figures)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    key: str
    title: str
    value: str
    formula: str
    inputs: tuple  # (label, value text, plan key path or "" when derived)
