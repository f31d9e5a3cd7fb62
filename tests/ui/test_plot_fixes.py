"""The plots read as a person expects: the build-out does not drop to zero at its right edge,
stacked panels name themselves above their plots, a single phase reads in months, ticks carry
thousands separators, and the GPU-count sweep of a searched run is drawn from a worker thread."""

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

import planner
from planner.chart_builders import build_timeline
from tests.conftest import ROOT

GPT3_AUTO = ROOT / "benchmarks" / "plans" / "gpt3-auto-4096.yaml"


def posix(y, m, d):
    return dt.datetime(y, m, d, tzinfo=dt.UTC).timestamp()


def show_plots(qtbot, path, preset=False):
    from ui.app import build_window

    w = build_window(path, is_preset=preset)
    w.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    w.tabs.setCurrentWidget(w.plots)
    return w


def test_the_build_out_never_drops_to_zero_at_its_right_edge(window):
    window.tabs.setCurrentWidget(window.plots)
    view = window.plots.views["timeline"]
    series = view.chart.panels[0].series[0]
    outline = view.series_item(0, 0)
    assert outline.opts["fillLevel"] is None  # the line: steps only, no drop to the baseline
    assert outline.fill_item.opts["fillLevel"] == 0 and outline.fill_item.opts["pen"] is None
    path = outline.curve.getPath()
    last = path.elementAt(path.elementCount() - 1)
    assert (last.x, last.y) == (series.x[-1], series.y[-1])  # ends on 16,000 accelerators, not 0
    x_range = view.plot_items[0].vb.viewRange()[0]
    assert x_range[1] == pytest.approx(series.x[-1])  # the plot ends where the step ends


def test_stacked_panels_are_named_above_not_along_overlapping_axes(window):
    window.tabs.setCurrentWidget(window.plots)
    view = window.plots.views["timeline"]
    for plot, panel in zip(view.plot_items, view.chart.panels, strict=True):
        assert not plot.getAxis("left").label.isVisible()
        assert plot.titleLabel.isVisible() and panel.y.title() in plot.titleLabel.text
    assert [p.getAxis("bottom").isVisible() for p in view.plot_items] == [False, False, True]
    single = window.plots.views["power"].plot_items[0]
    assert single.getAxis("left").label.isVisible()  # one panel: its axis title stays on the axis


def test_a_single_phase_reads_in_months(qtbot):
    w = show_plots(qtbot, planner.preset_path("meta-genai-2024"), preset=True)
    chart = w.plots.charts["timeline"]
    edges = chart.panels[0].series[0].x
    assert edges == (posix(2024, 3, 12), posix(2024, 3, 12) + 90 * 86400)  # 90 days on from the one date
    axis = w.plots.views["timeline"].plot_items[-1].getAxis("bottom")
    qtbot.waitUntil(lambda: axis.linkedView() is not None and axis.linkedView().viewRange()[0][1] > edges[0])
    lo, hi = axis.linkedView().viewRange()[0]
    (_, values), = axis.tickValues(lo, hi, 500)
    labels = axis.tickStrings(values, 1, 0)
    assert labels == ["Apr 2024", "May", "Jun"]


def test_rsc_timeline_ticks_are_months_with_the_year_once():
    from ui.chart_axes import DateAxis

    c = build_timeline(planner.evaluate(planner.load(planner.preset_path("meta-rsc"))), "bf16")
    axis = DateAxis(orientation="bottom")
    lo, hi = c.panels[0].series[0].x[0], c.panels[0].series[0].x[-1]
    (_, values), = axis.tickValues(lo, hi, 600)
    # Feb 1 and Aug 1 lie within 28 px of the ends at 600 px: their labels would be cut, so they go
    assert axis.tickStrings(values, 1, 0) == ["Mar 2022", "Apr", "May", "Jun", "Jul"]


def test_numbers_on_axes_read_with_separators_and_no_scale_factor():
    from ui.chart_axes import NumberAxis, nice_ceiling

    axis = NumberAxis(orientation="left")
    assert axis.tickStrings([0.0, 5000.0, 10000.0, 15000.0], 1, 5000) == ["0", "5,000", "10,000", "15,000"]
    assert axis.tickStrings([0.0, 0.5, 1.0], 1, 0.5) == ["0.0", "0.5", "1.0"]
    assert axis.tickStrings([0.0, 0.025], 1, 0.025) == ["0.000", "0.025"]
    assert [nice_ceiling(v) for v in (6.72, 17.4, 0.031, 1e6, 101)] == pytest.approx([8, 20, 0.04, 1e6, 120])


def test_a_run_under_a_day_is_plotted_in_hours(window):
    window.tabs.setCurrentWidget(window.plots)
    window.state.set(workload=2)  # one pass over an exabyte: 17.36 h
    time = window.plots.views["time"]
    axis = time.plot_items[0].getAxis("left")
    assert axis.labelText == "Time (h)" and "x0.001" not in axis.labelString() and not axis.autoSIPrefix


def test_a_searched_run_sweeps_on_a_worker_thread(qtbot):
    from planner.kinds import sweep
    from planner.perf import predict

    predict._searches.clear()  # as on a fresh start: nothing searched yet
    sweep._cache.clear()
    w = show_plots(qtbot, GPT3_AUTO)
    plots = w.plots
    scaling = plots.views["scaling"]
    assert plots.sweep_pending()  # 48 layout searches: not on the GUI thread
    assert scaling.is_pending() and scaling.busy.text() == "updating…"
    assert plots.charts["scaling"].panels[0].series[0].x == ()  # nothing drawn yet: no curve of another plan
    qtbot.waitUntil(lambda: not plots.sweep_pending(), timeout=30000)
    assert not scaling.is_pending()
    curve = plots.charts["scaling"].panels[0].series[0]
    assert len(curve.x) == 49 and curve.x[0] == 256 and curve.x[-1] == 16384
    assert plots.charts["scaling"] == __import__("planner.chart_builders").chart_builders.charts_for(
        w.document.plan, w.document.results, 0, "bf16")["scaling"]
    # an answer for an older plan is dropped: only the latest request is drawn
    plots._request += 1
    plots._on_sweep_finished(plots._request - 1)
    assert plots.charts["scaling"].panels[0].series[0] == curve
