"""The ``cluster-planner`` command. Imports no Qt unless asked to open the application."""

from __future__ import annotations

import argparse
import json
import sys

from . import catalog as _catalog
from . import cli_tools, decide_cli
from .errors import PlanError
from .presets import DEFAULT, preset_path, presets


def _load(path: str):
    from .planio import load

    return load(_resolve(path))


def _resolve(path: str):
    """A plan path, or the name of a built-in preset (``meta-rsc``)."""
    from pathlib import Path

    if not Path(path).exists() and path in presets():
        return preset_path(path)
    return path


def cmd_evaluate(args) -> int:
    from .evaluation import evaluate
    from .summary import as_markdown, as_table

    results = evaluate(_load(args.plan))
    if args.format == "json":
        json.dump(results.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "markdown":
        sys.stdout.write(as_markdown(results, args.precision))
    else:
        sys.stdout.write(as_table(results, args.precision))
    return 0


def cmd_validate(args) -> int:
    _load(args.plan)
    print(f"{args.plan}: ok")
    return 0


def cmd_presets(args) -> int:
    from .planio import load

    for name, path in presets().items():
        plan = load(path)
        print(f"{name:<24} {plan.name}")
    return 0


def cmd_catalog(args) -> int:
    from .units import format_quantity as q

    cat = _catalog.builtin()
    kinds = [args.kind] if args.kind else list(_catalog.KINDS)
    for kind in kinds:
        print(f"{kind}:")
        for entry in cat.kind(kind).values():
            if kind == "accelerators":
                bf16 = entry.peak_flops.get("bf16") or entry.peak_flops.get("fp16")
                detail = (f"{q(bf16, 'flop_rate')} bf16/fp16 dense, {q(entry.memory_bytes, 'bytes')}, "
                          f"{q(entry.tdp_w, 'power')}")
            elif kind == "systems":
                detail = f"{entry.accelerators} x {entry.accelerator}, {q(entry.max_power_w, 'power')} max"
                if entry.domain != entry.accelerators:
                    detail += f", scale-up domain {entry.domain}"
                if entry.rack_scale:
                    detail += ", a whole rack"
                if entry.cooling == "liquid":
                    detail += ", liquid-cooled"
            elif kind == "fabrics":
                detail = f"{entry.port_speed_bytes_per_s * 8 / 1e9:g} Gb/s, radix {entry.switch_radix}"
            elif kind == "switches":
                detail = (f"{entry.ports} x {entry.port_speed_bytes_per_s * 8 / 1e9:g} Gb/s, "
                          f"{q(entry.power_w, 'power')}, {entry.rack_units}U")
            else:
                detail = f"{q(entry.rack_power_limit_w, 'power')} per rack, PUE {entry.typical_pue:g}"
            print(f"  {entry.id:<18} {entry.name}: {detail}")
            if args.sources:
                print(f"  {'':<18} source: {entry.source}")
    return 0


def cmd_layout(args) -> int:
    from .layout_report import layout_text
    from .summary import visible

    plan = _load(args.plan)
    text, code = layout_text(plan, args.workload, args.top)
    text = "\n".join(visible(line) for line in text.split("\n"))  # no escape codes reach the terminal
    (sys.stdout if code == 0 else sys.stderr).write(text)
    return code


def cmd_report(args) -> int:
    from .atomic import write_text
    from .report import html

    refusal = _report_refusal(args.output, args.plan, args.force)
    if refusal:
        print(f"cluster-planner report: {refusal}", file=sys.stderr)
        return 1
    text = html(_load(args.plan))
    write_text(args.output, text, backup=args.force, overwrite_readonly=args.force)
    print(f"wrote {args.output}")
    return 0


def _report_refusal(output: str, plan: str, force: bool) -> str | None:
    """Why writing the report to ``output`` must not happen, or None. Without ``--force`` only
    a new file or an earlier HTML report is replaced; never a directory or a special file."""
    import os
    import stat
    from pathlib import Path

    from .atomic import kind_of

    if not output.strip():
        return "-o needs a file name, e.g. -o report.html"
    try:
        st = os.stat(output)
    except OSError:
        return None  # a new file (or one the write itself will explain)
    if not stat.S_ISREG(st.st_mode):
        hint = f"; give a file name such as {Path(output) / 'report.html'}" if stat.S_ISDIR(st.st_mode) else ""
        return f"{output} is {kind_of(st.st_mode)}, not a file{hint}; nothing was written"
    if force:
        return None
    try:
        same = os.path.samefile(output, _resolve(plan))
    except OSError:
        same = False
    if same:
        return f"{output} is the plan itself; choose another file (nothing was written)"
    try:
        with open(output, "rb") as fh:
            head = fh.read(512).lstrip().lower()
    except OSError:
        return None
    if not head.startswith((b"<!doctype html", b"<html")):
        return (f"{output} exists and is not an HTML report; use --force to replace it (the old file is "
                f"kept as {output}~), or choose another file")
    return None


def cmd_gui(args) -> int:
    # The desktop app lives in ``ui`` (Qt), which this package never imports: the
    # ``cluster-planner`` launcher (ui/launcher.py) hands its runner in as ``open_gui``.
    if args.open_gui is None:
        print("cluster-planner: the desktop application starts from the cluster-planner command "
              "(pip install -e '.[gui]'); this headless entry point evaluates plans only", file=sys.stderr)
        return 1
    return args.open_gui(args.plan, screenshot=args.screenshot, size=args.size, scale=args.scale)


_COMMANDS = (("evaluate", "validate", "presets", "catalog", "layout", "report", "gui") + cli_tools.COMMANDS
             + decide_cli.COMMANDS)


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit() and 0 < int(width) <= 16384 and 0 < int(height) <= 16384):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels, e.g. 1280x720; found {text!r}")
    return int(width), int(height)


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.5 <= value <= 4:
        raise argparse.ArgumentTypeError(f"expected a scale factor from 0.5 to 4, e.g. 1.5; found {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(prog="cluster-planner",
                                description="Plan AI supercomputers: evaluate cluster plans written in YAML.")
    p.add_argument("--version", action="version", version=f"cluster-planner {__version__}")
    sub = p.add_subparsers(dest="command")
    e = sub.add_parser("evaluate", help="evaluate a plan and print what it delivers")
    e.add_argument("plan", help="plan file, or the name of a built-in preset")
    e.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    e.add_argument("--precision", default="bf16", help="precision for the headline figures (default bf16)")
    e.set_defaults(func=cmd_evaluate)
    v = sub.add_parser("validate", help="check a plan; print every problem and exit 1 if any")
    v.add_argument("plan")
    v.set_defaults(func=cmd_validate)
    sub.add_parser("presets", help="list the built-in plans").set_defaults(func=cmd_presets)
    c = sub.add_parser("catalog", help="list the built-in hardware")
    c.add_argument("kind", nargs="?", choices=_catalog.KINDS)
    c.add_argument("--sources", action="store_true", help="show where each figure comes from")
    c.set_defaults(func=cmd_catalog)
    lay = sub.add_parser("layout", help="rank every parallel layout of a workload by run time")
    lay.add_argument("plan")
    lay.add_argument("--workload", help="workload name (default: the first with a model shape)")
    lay.add_argument("--top", type=int, default=10, help="how many layouts to show (default 10)")
    lay.set_defaults(func=cmd_layout)
    r = sub.add_parser("report", help="write a self-contained HTML report of a plan")
    r.add_argument("plan")
    r.add_argument("-o", "--output", default="report.html")
    r.add_argument("--force", action="store_true",
                   help="replace an existing file that is not an HTML report, or a read-only one "
                        "(keeping the old file as FILE~)")
    r.set_defaults(func=cmd_report)
    cli_tools.add_parsers(sub)  # sweep, schema
    decide_cli.add_parsers(sub)  # compare, sensitivity, uncertainty
    g = sub.add_parser("gui", help="open the desktop application (the default command)")
    g.add_argument("plan", nargs="?", help=f"plan file or preset (default: {DEFAULT})")
    g.add_argument("--screenshot", metavar="PNG", help="render the main window offscreen to PNG and exit")
    g.add_argument("--size", type=_size, metavar="WxH",
                   help="screen size in pixels: the screenshot's size (default 1500x950), or the window's")
    g.add_argument("--scale", type=_scale, metavar="S", help="display scaling, e.g. 1.5 or 2 (QT_SCALE_FACTOR)")
    g.set_defaults(func=cmd_gui)
    return p


def main(argv=None, open_gui=None) -> int:
    """Run the command line. ``open_gui(plan, screenshot=...)`` opens the desktop app, if given."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in _COMMANDS and not argv[0].startswith("-"):
        argv = ["gui", *argv]  # no command: open the application (on a plan, if one is named)
    args = build_parser().parse_args(argv)
    args.open_gui = open_gui
    try:
        return args.func(args)
    except PlanError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:  # a file that cannot be written: say which and why, no traceback
        if isinstance(exc, BrokenPipeError):
            return 0
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cluster-planner: {where}{exc.strerror or exc}; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
