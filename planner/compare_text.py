"""A Comparison (planner.compare) as a readable table or Markdown: each plan's figure, then for
every plan after the first its difference from the first (absolute and relative), then the
plan fields that differ. Plan text is shown with control characters written out."""

from __future__ import annotations

from .compare import Comparison, delta_text
from .metrics import value_text
from .summary import _md, visible

FIELD_TEXT = 48  # longest value text shown for a differing field (descriptions are long)


def _short(text: str | None) -> str:
    if text is None:
        return "—"
    one = visible(" ".join(text.split()))
    return one if len(one) <= FIELD_TEXT else one[: FIELD_TEXT - 1] + "…"


def _columns(c: Comparison) -> list[str]:
    out = [c.names[0]]
    for name in c.names[1:]:
        out += [name, f"Δ {name}"]
    return out


def _cells(c: Comparison) -> list[tuple[str, list[str]]]:
    rows = [("Workload", [c.workloads[0] or "—"] + [x for w in c.workloads[1:] for x in (w or "—", "")])]
    for r in c.rows:
        cells = [value_text(r.values[0], r.dim)]
        for j in range(1, len(c.names)):
            cells += [value_text(r.values[j], r.dim), delta_text(r, j)]
        rows.append((r.label, cells))
    return rows


def as_table(c: Comparison) -> str:
    header = ["", *(visible(n) for n in _columns(c))]
    body = [[visible(label), *(visible(x) for x in cells)] for label, cells in _cells(c)]
    widths = [max(len(row[k]) for row in [header, *body]) for k in range(len(header))]

    def line(row):
        return "  ".join(cell.ljust(w) if k == 0 else cell.rjust(w) for k, (cell, w) in
                         enumerate(zip(row, widths, strict=True))).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *map(line, body), ""]
    out += _fields_text(c)
    return "\n".join(out) + "\n"


def _fields_text(c: Comparison) -> list[str]:
    if not c.differences:
        return ["The plans' fields are the same."]
    out = [f"Plan fields that differ ({len(c.differences)}):"]
    width = max(len(visible(p)) for p, _ in c.differences)
    for path, values in c.differences:
        out.append(f"  {visible(path):<{width}}  " + "  |  ".join(_short(v) for v in values))
    return out


def as_markdown(c: Comparison) -> str:
    cols = _columns(c)
    out = ["| | " + " | ".join(_md(n) for n in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    out += [f"| {_md(label)} | " + " | ".join(_md(x) for x in cells) + " |" for label, cells in _cells(c)]
    out += ["", f"**Plan fields that differ** ({len(c.differences)})", ""]
    if c.differences:
        out += ["| field | " + " | ".join(_md(n) for n in c.names) + " |", "|---" * (len(c.names) + 1) + "|"]
        out += [f"| `{_md(p)}` | " + " | ".join(_md(_short(v)) for v in values) + " |" for p, values in c.differences]
    else:
        out.append("The plans' fields are the same.")
    return "\n".join(out) + "\n"
