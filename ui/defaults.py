"""What an empty field would use, and which plan values override a default, for the form of one
part of the plan: so "(default)" says what the default is, and a pinned value says what it
hides (a plan that sets ``pue`` keeps it whatever the cooling; nothing would say so otherwise).

``hints(plan, path)`` -> {attribute: Hint}; the design editor shows ``default`` in the empty
entry or placeholder and ``note`` beside the field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner import catalog as _catalog
from planner.units import format_quantity as q

_DOC_DEFAULT = re.compile(r"\(default:?\s*([^)]*)\)")


@dataclass(frozen=True)
class Hint:
    default: str | None = None  # what an empty field uses, e.g. "the cooling's 1.58"
    note: str | None = None  # said beside the field, e.g. "set in plan; the cooling's typical: 1.58"


def doc_default(doc: str) -> str | None:
    """The default a field's description states, ``(default: the last)`` -> ``the last``."""
    m = _DOC_DEFAULT.search(doc or "")
    return m.group(1).strip() if m else None


def _cooling(plan):
    return _catalog.for_plan(plan).cooling.get(plan.facility.cooling)


def pinned_by_plan(plan) -> list[tuple[str, str, str]]:
    """(key, the plan's value, the cooling's) for each facility value the plan sets that would
    otherwise come from the cooling type."""
    c, f = _cooling(plan), plan.facility
    if c is None:
        return []
    out = []
    if f.pue is not None:
        out.append(("pue", f"{f.pue:g}", f"{c.typical_pue:g}"))
    if f.rack_power_limit_w is not None:
        out.append(("rack_power_limit", q(f.rack_power_limit_w, "power"), q(c.rack_power_limit_w, "power")))
    return out


def cooling_change_message(plan) -> str | None:
    """After the cooling changed: what it did not change, because the plan pins it."""
    pinned = pinned_by_plan(plan)
    if not pinned:
        return None
    said = " and ".join(f"{key} {mine} (the cooling's typical: {theirs})" for key, mine, theirs in pinned)
    return (f"Cooling is now {plan.facility.cooling}, but the plan sets {said}; those still apply. Clear them "
            "to use the cooling's.")


def hints(plan, path: tuple) -> dict[str, Hint]:
    if path == ("facility",):
        c = _cooling(plan)
        if c is None:
            return {}
        f = plan.facility
        pinned = [key.replace("_", " ") for key, _, _ in pinned_by_plan(plan)]
        return {
            "pue": Hint(f"the cooling's {c.typical_pue:g}",
                        f"set in plan; cooling's typical: {c.typical_pue:g}" if f.pue is not None else None),
            "rack_power_limit_w": Hint(
                f"the cooling's {q(c.rack_power_limit_w, 'power')}",
                f"set in plan; cooling's limit: {q(c.rack_power_limit_w, 'power')}"
                if f.rack_power_limit_w is not None else None),
            "cooling": Hint(None, f"{' and '.join(pinned)} set in the plan: changing the cooling changes "
                                  f"{'neither' if len(pinned) > 1 else 'not that'}" if pinned else None),
        }
    if len(path) == 2 and path[0] == "workloads" and plan.phases:
        return {"phase": Hint(f"the last, {plan.phases[-1].name}")}
    return {}
