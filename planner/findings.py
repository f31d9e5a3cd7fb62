"""What the plan checks find: errors (the plan is refused) and warnings (the plan is evaluated,
with the warning shown), each with a stable code and the key path of the field to change."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    code: str  # stable: tests, scripts and the README refer to it
    path: tuple  # key path of the plan field a person would change
    expected: str  # errors: what was expected; warnings: the message
    found: str = ""
    severity: str = "error"  # "error" | "warning"


def error(code: str, path: tuple, expected: str, found: str = "") -> Finding:
    return Finding(code, tuple(path), expected, found, "error")


def warning(code: str, path: tuple, message: str) -> Finding:
    return Finding(code, tuple(path), message, "", "warning")
