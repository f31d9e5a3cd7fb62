"""Results as sections of labelled, formatted figures: shared by the text table, Markdown,
the HTML report and the desktop dashboard, so all say the same thing in the same units."""

from __future__ import annotations

from .kinds import KINDS
from .model.results import Results
from .tco_summary import tco_rows, workload_tco_rows
from .units import format_duration
from .units import format_quantity as q

Section = tuple  # (title, [(label, value text), ...])


def pflops(x: float) -> str:
    return q(x, "flop_rate")


days = format_duration


def evaluator(kind: str):
    return KINDS[kind].evaluator()


def workload_cards(w) -> dict:
    """A workload's headline cards, as its kind words them: key -> (title, value, detail)."""
    return evaluator(w.kind).cards(w)


def sections(r: Results, precision: str = "bf16") -> list[Section]:
    out: list[Section] = []
    peak = r.peak_flops.get(precision)
    cluster = [
        ("Accelerators", f"{r.gpus:,}"),
        ("Nodes", f"{r.nodes:,}"),
        ("Racks (compute)", f"{r.racks.racks:,} ({r.racks.nodes_per_rack} nodes, "
                            f"{q(r.racks.rack_power_w, 'power')} each under load)"),
        (f"Peak {precision} (dense)", pflops(peak) if peak else "n/a"),
    ]
    sp = r.sparse_flops.get(precision)
    if sp:
        cluster.append((f"Peak {precision} (2:4 sparse)", pflops(sp)))
    for prec in ("fp64", "fp8", "fp4"):
        if prec != precision and prec in r.peak_flops:
            cluster.append((f"Peak {prec} (dense)", pflops(r.peak_flops[prec])))
    cluster += [
        ("Storage", f"{q(r.storage.capacity_bytes, 'bytes')}, {q(r.storage.read_bandwidth_bytes_per_s, 'bandwidth')}"
                    " read"),
    ]
    out.append(("Cluster", cluster))
    p = r.power
    out.append(("Power", [
        ("IT under training load", q(p.it_w, "power")),
        ("  accelerators", q(p.accelerators_w, "power")),
        ("  rest of nodes", q(p.node_other_w, "power")),
        ("  network", q(p.network_w, "power")),
        ("  storage", q(p.storage_w, "power")),
        ("IT at maximum", q(p.it_max_w, "power")),
        ("PUE", f"{p.pue:.2f}"),
        ("Facility under load", q(p.facility_w, "power")),
        ("Facility at maximum", q(p.facility_max_w, "power")),
    ]))
    n = r.network
    out.append(("Network", [
        ("Fabric", f"{n.fabric}, {n.topology}, {n.levels} levels"),
        ("Endpoints", f"{n.endpoints:,} of {n.max_endpoints:,} possible"),
        ("Switches per level", " / ".join(f"{x:,}" for x in n.switches_per_level) + f" ({n.switches:,} in all)"),
        ("Links", f"{n.endpoint_links:,} to nodes, {n.switch_links:,} between switches"),
        ("Transceivers", f"{n.transceivers:,}"),
        ("Bandwidth per accelerator", q(n.injection_bandwidth_per_accelerator_bytes_per_s, "bandwidth")
         + (f" ({q(n.bandwidth_per_accelerator_bytes_per_s, 'bandwidth')} across the top tier)"
            if n.oversubscription > 1 else "")),
        ("Bisection bandwidth", q(n.bisection_bandwidth_bytes_per_s, "bandwidth")),
    ]))
    c = r.cost
    cost_rows = [
        ("Capital cost", f"{c.capex_usd / 1e6:,.1f} M USD"),
        ("  nodes / network / storage",
         f"{c.nodes_usd / 1e6:,.1f} / {c.network_usd / 1e6:,.1f} / {c.storage_usd / 1e6:,.1f} M USD"),
        ("Energy per year", q(c.energy_per_year_j, "energy")),
        ("Electricity per year", f"{c.opex_usd_per_year / 1e6:,.2f} M USD"),
    ]
    if c.unpriced:
        cost_rows.append(("Not priced", ", ".join(c.unpriced)))
    if r.tco is not None:
        cost_rows += tco_rows(r.tco)
    out.append(("Cost", cost_rows))
    if len(r.phases) > 1:
        rows = []
        for ph in r.phases:
            online = ph.online.isoformat() if ph.online else "undated"
            pk = ph.peak_flops.get(precision)
            rows.append((f"{ph.name} ({online})", f"{ph.gpus:,} accelerators, "
                         f"{pflops(pk) if pk else 'n/a'}, {q(ph.power.facility_w, 'power')} facility"))
        out.append(("Build-out (cumulative)", rows))
    for i, w in enumerate(r.workloads):
        rows = evaluator(w.kind).summary_rows(w)
        if r.tco is not None:
            rows = rows + workload_tco_rows(r.tco.workloads[i])
        out.append((f"Workload: {w.name}", rows))
    if r.warnings:
        out.append(("Warnings", [(w.code, w.message) for w in r.warnings]))
    return out


# Characters that would act instead of show in a terminal or a document: C0/C1 controls (ESC
# starts terminal escape sequences) and the bidirectional overrides of "Trojan Source"
# (CVE-2021-42574). They are shown as escapes, e.g. \x1b.
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible(text: str) -> str:
    """``text`` with every control character written out (``\x1b``, ``\n``, ``\u202e``)."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code <= 0x9F or ch in _BIDI or ch in "\u2028\u2029":  # line/paragraph separators
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or
                       (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"))
        else:
            out.append(ch)
    return "".join(out)


def as_table(r: Results, precision: str = "bf16") -> str:
    name = visible(r.name)
    lines = [name, "=" * len(name)]
    for title, rows in sections(r, precision):
        title = visible(title)
        rows = [(visible(label), visible(value)) for label, value in rows]
        lines += ["", title, "-" * len(title)]
        width = max(len(label) for label, _ in rows)
        lines += [f"{label:<{width}}  {value}" for label, value in rows]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown table cell or heading: one line, pipes and markup escaped."""
    one_line = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return (visible(one_line).replace("\\", "\\\\").replace("|", "\\|")
            .replace("<", "&lt;").replace(">", "&gt;"))


def as_markdown(r: Results, precision: str = "bf16") -> str:
    lines = [f"# {_md(r.name)}"]
    for title, rows in sections(r, precision):
        lines += ["", f"## {_md(title)}", "", "| | |", "|---|---|"]
        lines += [f"| {_md(label.strip())} | {_md(value)} |" for label, value in rows]
    return "\n".join(lines) + "\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs: one starting with = + - @ tab or a line
    break gets a leading ' (OWASP, "CSV Injection"); plain numbers such as -3.5 stay as they are."""
    if text.startswith(_FORMULA_START):
        try:
            if text[0] not in "+-":
                raise ValueError(text)
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def as_csv(r: Results, precision: str = "bf16") -> str:
    """The summary as CSV rows: section, figure, value (formatted with units)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["section", "figure", "value"])
    for title, rows in sections(r, precision):
        for label, value in rows:
            writer.writerow([csv_cell(title), csv_cell(label.strip()), csv_cell(value)])
    return buf.getvalue()
