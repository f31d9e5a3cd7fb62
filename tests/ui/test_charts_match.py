"""Screen and export draw the same data. For every chart of every preset, and for plans whose
run never finishes or whose phases reach the end of the calendar, the data the pyqtgraph items
hold equals the description, and so do the values read back from the SVG export."""

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

import planner
from planner.chart_builders import charts_for
from planner.charts import stack_starts
from planner.decide_charts import build_intervals, build_tornado
from planner.sensitivity import sensitivity
from planner.uncertainty import uncertainty
from tests.conftest import PRESETS
from tests.planner.test_charts import extreme_runs, never_finishing, svg_series
from tests.ranged_plans import ranged_rsc
from ui.chart_view import ChartView, hit_boxes

SVG = "{http://www.w3.org/2000/svg}"


def on_screen(view, j, k, s):
    """(x, y, colours) that the pyqtgraph item of series k of panel j holds, in the
    description's terms."""
    item = view.series_item(j, k)
    if isinstance(item, pg.PlotDataItem):
        x, y = item.xData, item.yData
        colour = item.opts["symbolBrush"].color().name() if s.style == "marker" else item.opts["pen"].color().name()
        return tuple(x if x is not None else ()), tuple(y if y is not None else ()), (colour,)
    if isinstance(item, pg.BarGraphItem):
        o = item.opts
        if s.style == "horizontal-bars":  # from each bar's start to its value
            assert tuple(o["x0"]) == tuple(s.start(i) for i in range(len(s.x)))
            return tuple(o["x1"]), tuple(o["y"]), tuple(b.color().name() for b in o["brushes"])
        if s.style == "bars":
            return tuple(o["x"]), tuple(o["height"]), tuple(b.color().name() for b in o["brushes"])
        assert tuple(o["x0"]) == tuple(stack_starts(view.chart.panels[j].series)[k])  # end to end
        return tuple(o["width"]), tuple(o["y"]), (o["brush"].color().name(),)
    assert isinstance(item, pg.InfiniteLine)
    return ((item.value(),) if item.isVisible() else ()), (), (item.pen.color().name(),)


def check(views, chart, tmp_path):
    """The view of the chart's key shows exactly the chart, on screen and in its SVG export."""
    view = views.get(chart.key)
    if view is None:
        view = views[chart.key] = ChartView(chart)
        view.resize(560, 300)
    else:
        view.set_chart(chart)
    assert view.chart is chart
    for j, panel in enumerate(chart.panels):
        assert view.plot_items[j].getAxis("left").labelText == panel.y.title()
        assert len(view.items[j]) == len(panel.series)
        for k, s in enumerate(panel.series):
            x, y, colours = on_screen(view, j, k, s)
            assert (x, y) == (s.x, s.y), (chart.key, s.name)
            per_bar = tuple(s.colour_of(i) for i in range(len(s.y)))
            assert colours == (per_bar if s.style in ("bars", "horizontal-bars") else (s.colour,))
    path = tmp_path / f"{chart.key}.svg"
    view.export(str(path))
    text = path.read_text()
    expected = [(j, s.name, s.style, s.x, s.y) for j, p in enumerate(chart.panels) for s in p.series]
    assert svg_series(text[text.index("<svg"):]) == expected
    bases = [tuple(float(v) for v in g.get("data-base").split()) for g in ET.fromstring(text[text.index("<svg"):])
             .iter(SVG + "g") if g.get("data-base") is not None]
    assert bases == [s.base for p in chart.panels for s in p.series if s.base]
    root = ET.fromstring(text[text.index("<svg"):])
    for panel in root.iter(SVG + "g"):  # hover texts: the same on screen and in the SVG
        if panel.get("class") == "panel":
            titles = [t.text for t in panel.iter(SVG + "title")]
            assert titles == [b[4] for b in hit_boxes(chart, int(panel.get("data-panel")))]
    view.grab()  # paints without error
    return view


def test_every_chart_of_every_preset_matches_on_screen_and_in_svg(qtbot, tmp_path):
    views = {}
    seen = 0
    # the build-out's and power's charts, then each kind's own
    keys = {"training": {"timeline", "power", "cost", "scaling", "time", "step_parts", "memory_parts"},
            "serving": {"timeline", "power", "cost", "scaling", "time", "serving_memory"}}
    expected = 0
    for path in sorted(PRESETS.glob("*.yaml")):
        plan = planner.load(path)
        r = planner.evaluate(plan)
        for i in range(len(r.workloads)):
            expected += 2 * len(keys[r.workloads[i].kind])
            for precision in ("bf16", "fp8"):
                charts = charts_for(plan, r, i, precision)
                assert set(charts) == keys[r.workloads[i].kind]
                for chart in charts.values():
                    check(views, chart, tmp_path)
                    seen += 1
    for view in views.values():
        qtbot.addWidget(view)
    assert seen == expected and seen > 2 * 6 * 10


def test_never_finishing_and_end_of_calendar_plans_draw(qtbot, tmp_path):
    plan = planner.load(PRESETS / "meta-rsc.yaml")
    p1, p2 = plan.phases
    late = dataclasses.replace(plan, phases=(dataclasses.replace(p1, online=dt.date(9999, 12, 31)),
                                             dataclasses.replace(p2, online=None)))
    views, said = {}, set()
    for odd in (never_finishing(plan), late):
        r = planner.evaluate(odd)
        for i in range(len(r.workloads)):
            for chart in charts_for(odd, r, i, "bf16").values():
                view = check(views, chart, tmp_path)
                assert view.notes.isVisibleTo(view) == bool(chart.notes)
                assert view.notes.text() == "\n".join(chart.notes)
                said.add(view.notes.text())
    for view in views.values():
        qtbot.addWidget(view)
    assert "I/O, total: infinite (never finishes), not drawn" in said
    extreme = extreme_runs(planner.evaluate(plan))
    for i in (0, 1):  # 1e30 s and 1e-9 s
        check(views, charts_for(plan, extreme, i, "bf16")["time"], tmp_path)


def test_the_plots_tab_shows_the_selected_descriptions(window):
    plots, doc = window.plots, window.document
    window.tabs.setCurrentWidget(plots)  # a hidden Plots tab refreshes when shown
    expected = charts_for(doc.plan, doc.results, 0, "bf16")
    assert {k: v.chart for k, v in plots.views.items()} == {k: expected[k] for k in plots.views}
    window.dashboard.workload.setCurrentIndex(2)  # one pass over an exabyte: 17.36 h of reading
    time = plots.views["time"]
    assert time.chart == charts_for(doc.plan, doc.results, 2, "bf16")["time"]
    assert time.plot_items[0].getAxis("left").labelText == "Time (h)"
    assert list(time.series_item(0, 0).opts["height"]) == pytest.approx([0, 17.3611, 17.3611], rel=1e-5)


def test_hover_shows_the_point_under_the_mouse(window, qtbot):
    window.tabs.setCurrentWidget(window.plots)
    view = window.plots.views["power"]
    plot = view.plot_items[0]
    qtbot.waitUntil(lambda: plot.vb.viewRange()[1][1] > 6)  # laid out and ranged
    hover = view._hovers[0]
    hover._on_moved(plot.vb.mapViewToScene(QPointF(0, 3.0)))  # inside the accelerators' bar
    assert hover.label.isVisible() and hover.label.toPlainText() == "accelerators: 6.4 MW"
    hover._on_moved(plot.vb.mapViewToScene(QPointF(3, 0.5)))
    assert hover.label.toPlainText() == "storage: 2 MW"
    timeline = window.plots.views["timeline"]
    top = timeline.plot_items[0]
    jul = dt.datetime(2022, 7, 15, tzinfo=dt.UTC).timestamp()
    qtbot.waitUntil(lambda: top.vb.viewRange()[0][0] < jul < top.vb.viewRange()[0][1])
    timeline._hovers[0]._on_moved(top.vb.mapViewToScene(QPointF(jul, 8000)))
    assert timeline._hovers[0].label.toPlainText() == "Phase 2 (2022-07-01): 16,000 accelerators"

    scaling = window.plots.views["scaling"]
    plot, curve = scaling.plot_items[0], scaling.chart.panels[0].series[0]
    qtbot.waitUntil(lambda: plot.vb.viewRange()[0][0] < 3.1 and plot.vb.viewPixelSize()[1] > 0)  # laid out
    scaling._hovers[0]._on_moved(plot.vb.mapViewToScene(QPointF(3.0, curve.y[0])))
    assert scaling._hovers[0].label.toPlainText() == "1,000 GPUs: 25.97 days"


def test_tornado_and_interval_charts_match_on_screen_and_in_svg(qtbot, tmp_path):
    """The decision charts (horizontal bars either side of zero, and from P10 to P90 with a dot):
    every preset's tornado of its first run's time and of its facility power, and the intervals of
    RSC with eleven ranges, for each of its runs."""
    views = {}
    for path in sorted(PRESETS.glob("*.yaml")):
        plan = planner.load(path)
        r = planner.evaluate(plan)
        if r.workloads[0].kind != "training":  # sensitivity and uncertainty model training runs only
            continue
        for metric in ("time", "facility_power"):
            chart = build_tornado(sensitivity(plan, metric, 0, results=r))
            assert chart.panels[0].series[0].x  # something is drawn
            check(views, chart, tmp_path)
    plan = ranged_rsc()
    for i in range(3):
        chart = build_intervals(uncertainty(plan, i, samples=2_000))
        assert len(chart.panels[0].series[0].base) == 7
        view = check(views, chart, tmp_path)
        assert [t[1] for t in view.plot_items[0].getAxis("left")._tickLevels[0]] == list(
            chart.panels[0].y.categories)  # a label per row
    for view in views.values():
        qtbot.addWidget(view)
