"""Chart descriptions (planner.chart_builders) with real numbers, and the SVG renderer on them,
on runs that never finish, on the end of the calendar and on extreme values."""

import dataclasses
import datetime as dt
import math
import xml.etree.ElementTree as ET

import pytest

import planner
from planner import svgplot
from planner.chart_builders import (
    build_memory_parts,
    build_power_breakdown,
    build_step_parts,
    build_time_breakdown,
    build_time_vs_gpus,
    build_timeline,
    charts_for,
)
from planner.charts import LIMIT, Axis, Chart, Panel, Series
from planner.report import html
from tests.conftest import PRESETS


def posix(y, m, d):
    return dt.datetime(y, m, d, tzinfo=dt.UTC).timestamp()


@pytest.fixture(scope="module")
def rsc():
    plan = planner.load(PRESETS / "meta-rsc.yaml")
    return plan, planner.evaluate(plan)


def never_finishing(plan):
    """The plan without storage: its one-exabyte pass can never be read."""
    return dataclasses.replace(plan, phases=tuple(dataclasses.replace(p, storage=()) for p in plan.phases))


def svg_series(text):
    """[(panel, name, style, x, y)] read back from the SVG's data attributes."""
    root = ET.fromstring(text)
    out = []
    for panel in root.iter("{http://www.w3.org/2000/svg}g"):
        if panel.get("class") != "panel":
            continue
        for g in panel:
            if g.get("class") == "series":
                out.append((int(panel.get("data-panel")), g.get("data-name"), g.get("data-style"),
                            tuple(float(v) for v in g.get("data-x").split()),
                            tuple(float(v) for v in g.get("data-y").split())))
    return out


def test_rsc_timeline_three_series_against_dates(rsc):
    _, r = rsc
    c = build_timeline(r, "bf16")
    assert [p.y.title() for p in c.panels] == ["Accelerators", "Peak bf16 (EFLOP/s)", "Facility power (MW)"]
    acc, peak, power = (p.series[0] for p in c.panels)
    assert acc.y == (6080.0, 16000.0)
    assert peak.y == pytest.approx((1.89696, 4.992))
    # RSC's fabric is two levels of QM8700 leaves under CS8500 directors (was three levels of
    # QM8700 before the top_switch field: 4.495084 and 12.6918 MW); x PUE 1.1
    assert power.y == pytest.approx((4.4399872, 12.52944))
    jan, jul = posix(2022, 1, 24), posix(2022, 7, 1)
    assert acc.x[:2] == (jan, jul)
    assert acc.x[2] == pytest.approx(jul + (jul - jan) / 4)  # the last step runs a quarter of the span on
    assert c.x.dates and acc.style == "step"
    assert acc.labels[1] == "Phase 2 (2022-07-01): 16,000 accelerators"
    assert svg_series(svgplot.render(c)) == [(0, "Accelerators", "step", acc.x, acc.y),
                                             (1, "Peak bf16", "step", peak.x, peak.y),
                                             (2, "Facility power", "step", power.x, power.y)]


def test_rsc_power_time_and_scaling(rsc):
    plan, r = rsc
    p = build_power_breakdown(r)
    assert p.panels[0].y.unit == "MW"
    # network: 800 QM8700 x 253 W + 20 CS8500 x 15 kW + 64,000 optics x 4.5 W = 0.7904 MW (three
    # levels of 2,000 QM8700 gave 0.938 MW); cooling overhead = 10% of the IT power
    assert p.panels[0].series[0].y == pytest.approx((6.4, 2.2, 0.7904, 2.0, 1.13904))
    t = build_time_breakdown(r, 0)
    assert (t.panels[0].y.unit, t.subtitle) == ("days", "GPT-3 175B on all GPUs")
    assert t.panels[0].series[0].y == pytest.approx((1.62297, 0.0, 1.62297), rel=1e-5)
    exabyte = build_time_breakdown(r, 2)  # a run under a day shows hours
    assert exabyte.panels[0].y.unit == "h"
    assert exabyte.panels[0].series[0].y == pytest.approx((0.0, 17.3611, 17.3611), rel=1e-5)
    s = build_time_vs_gpus(plan, r, 0)
    curve, mark = s.panels[0].series
    assert s.x.log and s.panels[0].y.unit == "days"
    assert (mark.x, mark.y) == ((16000.0,), pytest.approx((1.62297,), rel=1e-5))
    assert curve.y[curve.x.index(16000.0)] == pytest.approx(mark.y[0])
    assert curve.x[0] == 1000.0 and curve.x[-1] == 64000.0
    assert curve.y == tuple(sorted(curve.y, reverse=True))  # more GPUs, shorter run


def test_step_and_memory_parts_of_a_prediction():
    plan = planner.load(PRESETS / "selene.yaml")
    w = planner.evaluate(plan).workloads[0]
    pr = w.predicted
    step = build_step_parts(w)
    bars = step.panels[0].series
    assert [b.name for b in bars][:3] == ["matmuls", "memory-bound ops", "tensor-parallel comm"]
    assert sum(b.x[0] for b in bars) == pytest.approx(pr.step_time_s)
    assert step.x.unit == "s" and step.legend
    memory = build_memory_parts(w)
    *parts, usable = memory.panels[0].series
    assert memory.x.unit == "GB"
    assert sum(b.x[0] for b in parts) == pytest.approx(pr.memory_per_gpu_bytes / 1e9)
    assert (usable.style, usable.x) == ("vline", (pytest.approx(73.6),))
    assert build_step_parts(planner.evaluate(plan).workloads[1]).notes == (
        "No prediction: the workload has no model shape.",)


def test_every_chart_of_every_preset_renders_its_values():
    for path in sorted(PRESETS.glob("*.yaml")):
        plan = planner.load(path)
        r = planner.evaluate(plan)
        for i in range(len(r.workloads)):
            for key, chart in charts_for(plan, r, i, "bf16").items():
                assert chart.key == key
                expected = [(j, s.name, s.style, s.x, s.y) for j, p in enumerate(chart.panels) for s in p.series]
                assert svg_series(svgplot.render(chart)) == expected, (path.name, key)


def test_a_run_that_never_finishes(rsc):
    plan, _ = rsc
    plan = never_finishing(plan)
    r = planner.evaluate(plan)
    assert math.isinf(r.workloads[2].time_s)
    charts = charts_for(plan, r, 2, "bf16")
    assert charts["time"].notes == ("I/O, total: infinite (never finishes), not drawn",)
    assert charts["time"].panels[0].series[0].x == (0.0,)  # compute (0 s) alone is drawn
    assert "this design: infinite (never finishes), not drawn" in charts["scaling"].notes
    assert charts["scaling"].panels[0].series[0].x == ()
    for chart in charts.values():
        ET.fromstring(svgplot.render(chart))
    text = html(plan)  # raised OverflowError in the axis ticks before
    # timeline, power, cost of ownership; per workload: the sweep (when it has FLOPs) and the times; a
    # tornado of each run that finishes (two of the three)
    assert "infinite (never finishes)" in text and text.count("<svg") == 8 + 2


def test_undated_phases_and_the_end_of_the_calendar(rsc):
    plan, _ = rsc
    p1, p2 = plan.phases
    undated = dataclasses.replace(plan, phases=(p1, dataclasses.replace(p2, online=None)))
    acc = build_timeline(planner.evaluate(undated), "bf16").panels[0].series[0]
    assert acc.x[1] - acc.x[0] == 180 * 86400  # 180 days after the phase before
    late = dataclasses.replace(plan, phases=(dataclasses.replace(p1, online=dt.date(9999, 12, 31)),
                                             dataclasses.replace(p2, online=None)))
    chart = build_timeline(planner.evaluate(late), "bf16")
    acc = chart.panels[0].series[0]
    # pyqtgraph's date axis ends on 9999-01-01: later phases are drawn 30 days before, and said so
    # one online date: the last step runs 90 days on, here cut at the end of the date axis
    assert acc.x == (posix(9998, 12, 2), posix(9998, 12, 2), posix(9999, 1, 1))
    assert chart.notes[:2] == (
        "Phase 1: online 9999-12-31, past the end of the date axis, drawn on 9998-12-02",
        "Phase 2: online 9999-12-31 (undated), past the end of the date axis, drawn on 9998-12-02")
    text = svgplot.render(chart)
    assert svg_series(text)[0][3] == acc.x and "drawn on 9998-12-02" in text
    assert "drawn on 9998-12-02" in html(late)


def test_extreme_values_are_clamped_with_a_note():
    notes = []
    xs, ys, kept = planner.charts.drawable([1, 2, 3, 4], [1e-9, 1e30, float("inf"), float("nan")], notes,
                                           what="points")
    assert (xs, ys, kept) == ((1.0, 2.0), (1e-9, LIMIT), [0, 1])
    assert notes == ["2 points: infinite (never finishes), not drawn", "1 points: beyond ±1e+15, drawn clamped"]
    chart = Chart("x", "Extremes", Axis("GPUs", log=True),
                  (Panel(Axis("Time", "s"), (Series("t", xs, ys), Series("tiny", (1.0,), (1e-9,), "marker"))),
                   Panel(Axis("Bars", "s"), (Series("b", (0.0, 1.0), (1e-9, 1e-12), "bars"),))), notes=tuple(notes))
    root = ET.fromstring(svgplot.render(chart))
    assert [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "note"] == notes


def extreme_runs(results):
    """The results with the first workload taking 1e30 s and the second 1e-9 s."""
    w0, w1, *rest = results.workloads
    w0 = dataclasses.replace(w0, compute_time_s=1e30, time_s=1e30)
    w1 = dataclasses.replace(w1, compute_time_s=1e-9, time_s=1e-9)
    return dataclasses.replace(results, workloads=(w0, w1, *rest))


def test_extreme_runs_are_drawn(rsc):
    r = extreme_runs(rsc[1])
    long, short = build_time_breakdown(r, 0), build_time_breakdown(r, 1)
    assert long.panels[0].y.unit == "years" and long.panels[0].series[0].y == (LIMIT, 0.0, LIMIT)
    assert long.notes == ("compute, total: beyond ±1e+15, drawn clamped",)
    assert long.panels[0].series[0].labels[0] == "compute: 31,709,791,983,764,588,462,080 years"  # the hover: the truth
    assert short.panels[0].y.unit == "s" and short.panels[0].series[0].y == (1e-9, 0.0, 1e-9)
    for chart in (long, short):
        assert svg_series(svgplot.render(chart))[0][4] == chart.panels[0].series[0].y


def test_axis_ticks_never_raise():
    assert svgplot.ticks(0, 1.1) == [0, 0.5, 1.0] and svgplot.ticks(0, 16800) == [0, 5000, 10000, 15000]
    assert svgplot.ticks(0, float("inf")) == [0]
    assert svgplot.ticks(3, 3) == [3]
    assert len(svgplot.ticks(0, 1e-12)) == 6 and svgplot.ticks(0, 1.1e15) == [0, 5e14, 1e15]
    assert svgplot.log_ticks(900, 5000) == [1000, 2000, 5000]
    assert [label for _, label in svgplot.date_ticks(posix(2022, 1, 24), posix(2022, 8, 10))] == [
        "Feb 2022", "Mar", "Apr", "May", "Jun", "Jul", "Aug"]
    assert [label for _, label in svgplot.date_ticks(posix(2022, 1, 1), 253402300799.0)] == ["4000", "6000", "8000"]
