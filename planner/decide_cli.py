"""The commands that help decide between designs: ``compare``, ``sensitivity`` and
``uncertainty`` (registered on the ``cluster-planner`` parser by planner.cli)."""

from __future__ import annotations

import argparse
import json
import math
import sys

from .errors import PlanError, Problem
from .metrics import METRICS, value_text

COMMANDS = ("compare", "sensitivity", "uncertainty")


def _bad_option(option: str, expected: str, found: str) -> PlanError:
    return PlanError([Problem("<command line>", None, None, option, expected, found)])


def _load(path: str):
    """A plan file, or the name of a built-in preset (as every command takes it)."""
    from pathlib import Path

    from .planio import load
    from .presets import preset_path, presets

    return load(preset_path(path) if not Path(path).exists() and path in presets() else path)


def _out(text: str) -> int:
    from .summary import visible

    sys.stdout.write("\n".join(visible(line) for line in text.split("\n")))  # no escape codes reach the terminal
    return 0


def _json(data) -> int:
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_compare(args) -> int:
    from .compare import compare
    from .compare_text import as_markdown, as_table

    c = compare([(p, _load(p)) for p in args.plans], args.precision, args.workload)
    if args.format == "json":
        return _json(c.to_dict())
    if args.format == "markdown":
        sys.stdout.write(as_markdown(c))  # cells escaped there
        return 0
    return _out(as_table(c))


def parse_step(text: str) -> float:
    """``10%`` or ``0.1`` -> 0.1; PlanError for anything else or outside (0, 1)."""
    t = text.strip()
    try:
        step = float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise _bad_option("--step", "a step such as 10% or 0.1", f"'{text}'") from None
    if not 0 < step < 1:
        raise _bad_option("--step", "a step between 0% and 100% (both excluded)", f"'{text}'")
    return step


def cmd_sensitivity(args) -> int:
    from .metrics import metric, workload_index
    from .sensitivity import sensitivity

    plan = _load(args.plan)
    m = metric(args.metric)
    index = workload_index(plan, args.workload) if (m.of_workload or args.workload) else 0
    s = sensitivity(plan, args.metric, index, parse_step(args.step))
    if args.format == "json":
        return _json(s.to_dict())
    lines = [f"{s.label}{f' of {s.workload}' if s.workload else ''}: {value_text(s.base, s.dim)}",
             f"each input -{s.step:.0%} and +{s.step:.0%}; elasticity = d ln {s.metric} / d ln input", ""]
    rows = [("elasticity", "input", "value", f"-{s.step:.0%}", f"+{s.step:.0%}")]
    for e in s.effects[: args.top]:
        el = f"{e.elasticity:+.3f}" if e.elasticity is not None else "n/a"
        rows.append((el, e.path, value_text(e.value, e.dim), _change(e.change("low", s.base)),
                     _change(e.change("high", s.base))))
    widths = [max(len(r[k]) for r in rows) for k in range(5)]
    lines += ["  ".join(c.rjust(w) if k != 1 else c.ljust(w) for k, (c, w) in enumerate(zip(r, widths, strict=True)))
              .rstrip() for r in rows]
    more = len(s.effects) - args.top
    lines += [""] + ([f"{more} more inputs with smaller effects (--top N shows more)"] if more > 0 else [])
    lines.append(f"{s.unaffected} inputs do not change it.")
    steps = [e.path for e in s.effects[: args.top] if not e.monotone(s.base)]
    if steps:
        lines.append("Lowering and raising move it the same way (a step, not a slope; the elasticity understates "
                     "it): " + ", ".join(steps))
    if s.refused:
        lines.append(f"{len(s.refused)} inputs could not be moved by the step (the plan refuses the value): "
                     + ", ".join(p for p, _ in s.refused))
    return _out("\n".join(lines) + "\n")


def _change(x: float) -> str:
    return f"{100 * x:+.2f}%" if math.isfinite(x) else "never"


def cmd_uncertainty(args) -> int:
    from .evaluation import evaluate
    from .metrics import workload_index
    from .uncertainty import uncertainty

    if args.samples < 1 or args.samples > 10_000_000:
        raise _bad_option("--samples", "a number of samples from 1 to 10,000,000", str(args.samples))
    plan = _load(args.plan)
    r = evaluate(plan)
    index = workload_index(plan, args.workload) if plan.workloads else 0
    u = uncertainty(plan, index, args.samples, args.seed, results=r)
    if args.format == "json":
        return _json(u.to_dict())
    lines = [f"{u.samples:,} samples (seed {u.seed}) of {len(u.inputs)} inputs given as ranges"
             + (f"; workload {u.workload}" if u.workload else ""), ""]
    for path, lo, mode, hi, dim in u.inputs:
        lines.append(f"  {path}: {value_text(lo, dim)} .. {value_text(mode, dim)} .. {value_text(hi, dim)}")
    rows = [("figure", "P10", "P50", "P90", "at the modes")]
    rows += [(s.label, value_text(s.p10, s.dim), value_text(s.p50, s.dim), value_text(s.p90, s.dim),
              value_text(s.at_modes, s.dim)) for s in u.spreads]
    widths = [max(len(r[k]) for r in rows) for k in range(5)]
    lines += [""] + ["  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in
                               enumerate(zip(r, widths, strict=True))).rstrip() for r in rows]
    lines += [f"{s.label}: {s.never:.1%} of samples never finish" for s in u.spreads if s.never]
    lines += [""] + list(u.notes) if u.notes else []
    return _out("\n".join(lines) + "\n")


def add_parsers(sub) -> None:
    """Register the three commands on the ``cluster-planner`` subparsers."""
    c = sub.add_parser("compare", help="compare two or more plans: headline figures side by side, with the "
                                       "differences, and the plan fields that differ")
    c.add_argument("plans", nargs="+", metavar="PLAN", help="plan files or built-in preset names (two or more)")
    c.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    c.add_argument("--precision", default="bf16", help="precision of the peak figure (default bf16)")
    c.add_argument("--workload", help="workload compared in each plan (default: the first plan's first, "
                                      "where every plan has it; else each plan's first)")
    c.set_defaults(func=_two_or_more(cmd_compare))
    s = sub.add_parser("sensitivity", help="rank the inputs of a plan by how much they move a figure "
                                           "(elasticity, central difference)")
    s.add_argument("plan")
    s.add_argument("--workload", help="workload name (default: the first)")
    s.add_argument("--metric", default="time", choices=tuple(METRICS), help="the figure (default: time)")
    s.add_argument("--step", default="10%", help="how far each input moves either way (default 10%%)")
    s.add_argument("--top", type=int, default=15, help="inputs shown in the table (default 15)")
    s.add_argument("--format", choices=("table", "json"), default="table")
    s.set_defaults(func=cmd_sensitivity)
    u = sub.add_parser("uncertainty", help="Monte Carlo over the inputs given as ranges: P10/P50/P90 of time, "
                                           "energy, cost and power")
    u.add_argument("plan")
    u.add_argument("--samples", type=int, default=10_000, help="number of samples (default 10,000)")
    u.add_argument("--seed", type=int, default=0, help="random seed (default 0: the same figures each run)")
    u.add_argument("--workload", help="workload name (default: the first)")
    u.add_argument("--format", choices=("table", "json"), default="table")
    u.set_defaults(func=cmd_uncertainty)


def _two_or_more(func):
    def run(args: argparse.Namespace) -> int:
        if len(args.plans) < 2:
            raise _bad_option("PLAN", "two or more plans to compare", f"{len(args.plans)}")
        return func(args)
    return run
