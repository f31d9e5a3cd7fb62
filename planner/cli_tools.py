"""The ``sweep`` and ``schema`` commands of ``cluster-planner`` (registered by planner/cli.py).
pandas, pyarrow and Dask load only when a sweep runs, never at start-up."""

from __future__ import annotations

import json
import sys
from pathlib import Path

COMMANDS = ("sweep", "schema")
FORMATS = {".parquet": "parquet", ".csv": "csv"}


def cmd_sweep(args) -> int:
    import time

    suffix = Path(args.output).suffix.lower()
    if suffix not in FORMATS:
        print(f"cluster-planner sweep: -o needs a .parquet or .csv file, found '{args.output}'; nothing was run",
              file=sys.stderr)
        return 1
    try:
        import pandas  # noqa: F401

        from . import sweep
    except ImportError as exc:
        print(f"cluster-planner sweep: needs pandas, pyarrow and dask ({exc.name} could not be imported); "
              "install them with: pip install 'cluster-planner[sweep]'", file=sys.stderr)
        return 1
    plan = _load(args.plan)
    start = time.perf_counter()
    table = sweep.grid(plan, args.set, scheduler=args.scheduler, workers=args.workers,
                       progress=not args.quiet)
    seconds = time.perf_counter() - start
    write(table, args.output, FORMATS[suffix])
    errors = int(table[sweep.ERROR].notna().sum())
    print(f"wrote {len(table):,} points to {args.output} ({errors:,} refused) in {seconds:.1f} s, "
          f"{len(table) / seconds if seconds else 0:,.0f} points/s")
    return 0


def _load(path: str):
    """A plan file, or a built-in preset by name (as ``cluster-planner evaluate``)."""
    from .planio import load
    from .presets import preset_path, presets

    if not Path(path).exists() and path in presets():
        return load(preset_path(path))
    return load(path)


def write(table, path: str, fmt: str) -> None:
    """The table as Parquet (typed columns) or CSV (cells a spreadsheet would run are quoted)."""
    import os

    from .atomic import write_text

    if fmt == "parquet":  # written beside the target, then renamed over it: never half a file
        target = Path(path)
        tmp = target.with_name(f".{target.name}.cluster-planner-sweep.tmp")
        try:
            table.to_parquet(tmp, index=False)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return
    from pandas.api.types import is_numeric_dtype

    from .summary import csv_cell

    safe = table.copy()
    for column in safe.columns:
        if not is_numeric_dtype(safe[column]):  # text (names, ids, errors): quoted if a formula
            safe[column] = safe[column].map(lambda v: csv_cell(v) if isinstance(v, str) else v)
    write_text(path, safe.to_csv(index=False))


def cmd_schema(args) -> int:
    from .json_schema import plan_schema

    text = json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        from .atomic import write_text

        write_text(args.output, text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def add_parsers(sub) -> None:
    """Register the commands on the ``cluster-planner`` sub-parsers."""
    s = sub.add_parser("sweep", help="evaluate every combination of values of some fields into a table")
    s.add_argument("plan", help="plan file, or the name of a built-in preset")
    s.add_argument("--set", action="append", required=True, metavar="PATH=VALUES",
                   help="a field as the plan names it and its values: a comma list (facility.pue=1.1,1.2) or an "
                        "inclusive range START:STOP:STEP (phases[0].nodes[0].count=500:2000:100), with the "
                        "field's units (costs.systems_depreciation=3 years:6 years:1 year); repeat for more fields")
    s.add_argument("--scheduler", default="auto",
                   help="local (in process), dask (a local Dask cluster), the address of a Dask scheduler "
                        "(tcp://host:8786), or auto (default: in process below 20,000 points, else dask)")
    s.add_argument("--workers", type=int, help="workers of the local Dask cluster (default: one per core)")
    s.add_argument("-o", "--output", required=True, help="results.parquet or results.csv: one row per point")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_sweep)
    j = sub.add_parser("schema", help="print the plan format as JSON Schema (for editors: completion, checks)")
    j.add_argument("-o", "--output", help="write it to this file instead")
    j.set_defaults(func=cmd_schema)
