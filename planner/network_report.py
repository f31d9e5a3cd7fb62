"""The compute fabric as a person reads it: its figures for each phase (levels, switches per
level, links, optics, bisection, bandwidth per accelerator) and a drawing of its tiers, laid out
here without Qt (``fabric_diagram``) and drawn by the app (a QGraphicsScene) or as SVG
(``diagram_svg``). Everything comes from ``Results`` (planner/model/network.py sizes the fabric);
only the switch radix, for the links between two tiers, is read from the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from . import catalog as _catalog
from .charts import BLUE, GREY, LIGHT_BLUE, ORANGE, RED
from .model.network import capacity
from .units import format_quantity as q

__all__ = ["Diagram", "Shape", "diagram_svg", "fabric_diagram", "network_table", "tier_links", "tier_names"]

MAX_BOXES = 10  # switches (or nodes) drawn per tier; more are summarised as "…"
WIDTH = 720.0  # the diagram's width in its own units (pixels at 100%)


def tier_names(levels: int) -> tuple[str, ...]:
    """Names of the tiers, bottom up: leaf, spine, core (as NVIDIA's SuperPOD documents name a
    three-level fat tree); a deeper tree numbers its levels."""
    if levels <= 0:
        return ()
    if levels == 1:
        return ("switch",)
    if levels <= 3:
        return ("leaf", "spine", "core")[:levels]
    return tuple(f"level {i}" for i in range(1, levels + 1))


def tier_links(radix: int, switches_per_level: tuple, endpoints: int, oversubscription: float = 1.0) -> tuple:
    """Links arriving at each tier from below, bottom up: the node links into the leaves, then
    each tier's up-links, as planner/model/network.py sizes them (a switch keeps k/2 ports for
    up-links; below the top tier, k - d with d = k r / (r + 1) its down ports)."""
    if not switches_per_level:
        return ()
    out = [endpoints]
    levels = len(switches_per_level)
    half = radix // 2
    d_top = capacity(radix, 2, oversubscription) // radix if radix else 0
    for level in range(1, levels):
        down = d_top if level == levels - 1 else half
        out.append(switches_per_level[level - 1] * (radix - down))
    return tuple(out)


def _ratio(r: float) -> str:
    return "1:1 (non-blocking)" if r <= 1 else f"1:{r:g}"


def network_table(plan, results) -> tuple[list[str], list[tuple[str, list[str], str]]]:
    """(phase names, rows): each row a figure's label, its text for each phase, and a tooltip
    saying how it is computed. Phases are cumulative, as everywhere in the planner."""
    phases = results.phases
    radix = _radix(plan, phases[-1].network.fabric) if phases else 0

    def row(label: str, tip: str, f):
        return (label, [f(ph.network, ph) for ph in phases], tip)

    def per_level(n, _ph):
        if not n.levels:
            return "—"
        return " / ".join(f"{c:,} {name}" for c, name in zip(n.switches_per_level, tier_names(n.levels), strict=True))

    def pod(n, ph):
        gpus = n.pod_endpoints * ph.gpus // n.endpoints if n.endpoints else 0
        return f"{gpus:,} accelerators" + (" (the whole fabric)" if n.pod_endpoints >= n.endpoints else "")

    rows = [
        row("Fabric", "The plan's network.fabric and topology, and one port's speed (catalog)",
            lambda n, _p: f"{n.fabric}, {n.topology}, {q(n.port_speed_bytes_per_s, 'bitrate')} ports"),
        row("Endpoints (node ports)", "Nodes x fabric ports per node, of what this many levels can connect",
            lambda n, _p: f"{n.endpoints:,} of {n.max_endpoints:,}"),
        row("Levels", "The fewest levels of a folded Clos of radix-k switches that connect every endpoint",
            lambda n, _p: f"{n.levels}"),
        row("Switches per level", f"Bottom up; radix {radix} (catalog). Each level: links from below / down ports",
            per_level),
        row("Switches in all", "Sum over the levels", lambda n, _p: f"{n.switches:,}"),
        row("Links", "Node links, and links between switch tiers",
            lambda n, _p: f"{n.endpoint_links:,} to nodes, {n.switch_links:,} between switches"),
        row("Optical transceivers", "Two per optical link (node links on copper need none)",
            lambda n, _p: f"{n.transceivers:,}"),
        row("Oversubscription at the top tier", "network.oversubscription: down/up ports below the top tier",
            lambda n, _p: _ratio(n.oversubscription) if n.levels else "—"),
        row("Bisection bandwidth", "Endpoints x port speed / 2 / oversubscription",
            lambda n, _p: q(n.bisection_bandwidth_bytes_per_s, "bandwidth")),
        row("Per accelerator, into the fabric", "Node ports x port speed / accelerators (one direction)",
            lambda n, _p: q(n.injection_bandwidth_per_accelerator_bytes_per_s, "bandwidth")),
        row("Per accelerator, across the top tier", "Into the fabric / oversubscription",
            lambda n, _p: q(n.bandwidth_per_accelerator_bytes_per_s, "bandwidth")),
        row("At full bandwidth (one pod)", "Accelerators below one switch under the top tier", pod),
        row("Network power", "Switches x switch power + transceivers x optic power (catalog)",
            lambda n, _p: f"{q(n.power_w, 'power')} ({q(n.switch_power_w, 'power')} switches, "
                          f"{q(n.optics_power_w, 'power')} optics)"),
        row("Network capital cost", "Switches x switch price + transceivers x optic price (catalog)",
            lambda n, _p: f"{n.capex_usd / 1e6:,.1f} M USD"),
    ]
    return [ph.name for ph in phases], rows


def _radix(plan, fabric_id: str) -> int:
    fabric = _catalog.for_plan(plan).fabrics.get(fabric_id)
    return fabric.switch_radix if fabric is not None else 0


# -- the drawing -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    """One thing to draw: ``box`` (x, y, w, h), ``line`` (x, y) to (x2, y2), ``text`` at (x, y)
    with ``anchor`` start | middle | end (y is the baseline)."""

    kind: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    text: str = ""
    colour: str = GREY
    fill: str = ""
    width: float = 1.0
    anchor: str = "start"
    size: float = 11.0
    bold: bool = False
    tip: str = ""


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    shapes: tuple[Shape, ...] = field(default=())
    title: str = ""


def _xs(count: int, left: float, right: float, box_w: float) -> list[float]:
    """Left edges of ``count`` boxes spread evenly between ``left`` and ``right``."""
    if count <= 1:
        return [(left + right - box_w) / 2]
    step = (right - left - box_w) / (count - 1)
    return [left + i * step for i in range(count)]


def fabric_diagram(plan, results, phase_index: int = -1) -> Diagram:
    """The tiers of the phase's fabric, top tier first, above its nodes: each tier a row of
    switches (at most ``MAX_BOXES`` drawn) with its count, the links between two tiers with
    their count and speed, the oversubscription across the top tier, and the bandwidth each
    accelerator gets."""
    ph = results.phases[phase_index]
    n = ph.network
    names = tier_names(n.levels)
    speed = q(n.port_speed_bytes_per_s, "bitrate")
    row_h, box_h, label_w = 64.0, 22.0, 215.0
    left, right = label_w + 10, WIDTH - 10
    rows = n.levels + 1  # the tiers and the nodes
    top = 52.0
    height = top + rows * row_h
    shapes: list[Shape] = [
        Shape("text", 10, 20, text=f"{ph.name}: {n.fabric}, {n.topology}", size=13, bold=True, colour="#222"),
        Shape("text", 10, 38, text=(f"{q(n.injection_bandwidth_per_accelerator_bytes_per_s, 'bandwidth')} per "
                                    "accelerator into the fabric"
                                    + (f", {q(n.bandwidth_per_accelerator_bytes_per_s, 'bandwidth')} across the top "
                                       f"tier ({_ratio(n.oversubscription)})" if n.oversubscription > 1 else "")
                                    + f"; bisection {q(n.bisection_bandwidth_bytes_per_s, 'bandwidth')}"),
              size=11, colour=BLUE, bold=True),
    ]
    if not n.levels:
        shapes.append(Shape("text", 10, top + 30, text="No fabric: the phase has no node ports.", colour=RED))
        return Diagram(WIDTH, top + 60, tuple(shapes), title=f"Fabric of {ph.name}")
    links = n.tier_links or tier_links(_radix(plan, n.fabric), n.switches_per_level, n.endpoints, n.oversubscription)
    # rows top down: the top tier is row 0, the nodes the last row
    centres: list[list[float]] = []
    counts = list(reversed(n.switches_per_level)) + [ph.nodes]
    labels = [f"{c:,} {name} switch{'es' if c != 1 else ''}" for c, name in
              zip(reversed(n.switches_per_level), reversed(names), strict=True)]
    labels.append(f"{ph.nodes:,} nodes, {ph.gpus:,} accelerators")
    for r, (count, label) in enumerate(zip(counts, labels, strict=True)):
        y = top + r * row_h + (row_h - box_h) / 2
        drawn = min(count, MAX_BOXES)
        box_w = min(40.0, (right - left) / max(drawn, 1) * 0.7)
        xs = _xs(drawn, left, right, box_w)
        if count > MAX_BOXES:  # the middle box stands for the rest
            xs = xs[: MAX_BOXES // 2] + xs[MAX_BOXES // 2 + 1:]
            mid = _xs(MAX_BOXES, left, right, box_w)[MAX_BOXES // 2]
            shapes.append(Shape("text", mid + box_w / 2, y + box_h * 0.75, text="…", anchor="middle", size=14,
                                colour="#222"))
        is_node = r == len(counts) - 1
        fill = LIGHT_BLUE if is_node else "#d9d9d9"
        for x in xs:
            shapes.append(Shape("box", x, y, w=box_w, h=box_h, colour="#555", fill=fill, tip=label))
        centres.append([x + box_w / 2 for x in xs])
        shapes.append(Shape("text", 10, y + box_h * 0.7, text=label, size=11, bold=not is_node, colour="#222"))
    # links between adjacent rows: every drawn box below to every drawn box above (a Clos mesh)
    for r in range(len(counts) - 1):
        y_up = top + r * row_h + (row_h + box_h) / 2
        y_down = top + (r + 1) * row_h + (row_h - box_h) / 2
        level_from_bottom = n.levels - r  # the links arriving at this tier from below
        count = links[level_from_bottom - 1] if level_from_bottom - 1 < len(links) else 0
        over = r == 0 and n.levels > 1 and n.oversubscription > 1
        colour = ORANGE if over else "#8a8a8a"
        for xd in centres[r + 1]:
            for xu in centres[r]:
                shapes.append(Shape("line", xd, y_down, x2=xu, y2=y_up, colour=colour, width=0.6))
        text = f"{count:,} links × {speed}" + (f", {_ratio(n.oversubscription)} oversubscribed" if over else "")
        shapes.append(Shape("text", 10, (y_up + y_down) / 2 + 4, text=text, size=10,
                            colour=ORANGE if over else "#444"))
    return Diagram(WIDTH, height, tuple(shapes), title=f"Fabric of {ph.name}")


def diagram_svg(d: Diagram) -> str:
    """The diagram as a self-contained SVG document (text escaped)."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{d.width:.0f}" height="{d.height:.0f}" '
           f'viewBox="0 0 {d.width:.0f} {d.height:.0f}" font-family="sans-serif">',
           f'<rect width="{d.width:.0f}" height="{d.height:.0f}" fill="#fff"/>']
    if d.title:
        out.append(f"<title>{escape(d.title)}</title>")
    for s in d.shapes:
        if s.kind == "line":
            out.append(f'<line x1="{s.x:.1f}" y1="{s.y:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" stroke="{s.colour}" '
                       f'stroke-width="{s.width:g}"/>')
        elif s.kind == "box":
            tip = f"<title>{escape(s.tip)}</title>" if s.tip else ""
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" rx="3" '
                       f'fill="{s.fill or "none"}" stroke="{s.colour}">{tip}</rect>')
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size:g}" fill="{s.colour}" '
                       f'text-anchor="{s.anchor}"{weight}>{escape(s.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
