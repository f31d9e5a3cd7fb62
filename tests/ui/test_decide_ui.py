"""Deciding between designs in the window (issue 13, items 1-3): a pinned baseline and its
deltas on every card and in the build-out table, the Compare view, the Sensitivity tab's tornado
and the Uncertainty tab's interval bars, and a range typed into a field."""

import planner
from planner import edit
from planner.ranges import Range
from tests.ui.test_editors import select, type_into
from ui.decide import pin_baseline


def more_nodes(window):
    window.document.run(edit.set_field, ("phases", 1, "nodes", 0, "count"), 1500, text="more nodes")
    window.document.recompute_now()


def test_pinned_baseline_shows_every_cards_change(window):
    labels = window.baseline_deltas.labels
    assert not any(label.isVisibleTo(window) for label in labels.values())
    assert not window.clear_baseline_action.isEnabled()
    window.pin_action.trigger()
    assert window.state.baseline.name == "rsc.yaml (pinned)"
    assert window.clear_baseline_action.isEnabled()
    assert labels["gpus"].text() == "same as baseline" and labels["gpus"].isVisibleTo(window)
    more_nodes(window)  # 2,260 nodes: 18,080 accelerators against 16,000
    texts = {k: label.text() for k, label in labels.items()}
    assert texts["gpus"] == "+13.0% vs baseline" and texts["peak"] == "+13.0% vs baseline"
    assert texts["time"] == "-11.5% vs baseline"  # compute-bound: 16,000 / 18,080 - 1
    assert texts["facility_power"] == "+14.2% vs baseline" and texts["capex"] == "+21.4% vs baseline"
    table = window.dashboard.phases
    assert table.item(1, 1).text() == "18,080\n+13.0%" and table.item(0, 1).text() == "6,080"  # phase 1 unchanged
    assert table.item(1, 1).toolTip() == "+13.0% vs baseline (rsc.yaml (pinned))"
    window.dashboard.workload.setCurrentIndex(2)  # the read pass: storage-bound, unchanged
    assert labels["time"].text() == "same as baseline"
    window.document.undo_stack.undo()
    window.document.recompute_now()
    assert labels["gpus"].text() == "same as baseline" and table.item(1, 1).text() == "16,000"
    window.clear_baseline_action.trigger()
    assert window.state.baseline is None
    assert not labels["gpus"].isVisibleTo(window)


def test_compare_view_shows_current_baseline_and_added_plans(window):
    view = window.compare
    window.tabs.setCurrentWidget(view)
    assert view.comparison is None and view.summary.text().startswith("Pin a baseline")
    pin_baseline(window)
    more_nodes(window)
    c = view.comparison
    assert c.names == ("Current", "Baseline")
    assert c.row("gpus").values == (18_080, 16_000)
    figures = view.figures
    row = [figures.verticalHeaderItem(i).text() for i in range(figures.rowCount())].index("Accelerators")
    assert [figures.item(row, k).text() for k in range(3)] == ["18,080", "16,000", "-2,080 (-11.5%)"]
    assert view.add_preset("selene")
    assert view.comparison.names == ("Current", "Baseline", "selene")
    assert figures.columnCount() == 5 and figures.item(row, 4).text() == "-13,600 (-75.2%)"
    fields = view.fields
    paths = [fields.verticalHeaderItem(i).text() for i in range(fields.rowCount())]
    i = paths.index("phases[1].nodes[0].count")
    assert [fields.item(i, k).text() for k in range(3)] == ["1500", "1240", "280"]
    view.clear_others()
    assert view.comparison.names == ("Current", "Baseline")


def test_compare_refuses_a_bad_file_with_a_message(window, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    said = []
    window.compare.message.connect(said.append)
    assert not window.compare.add_file(str(bad))
    assert said and "Cannot open" in said[0] and "'phases'" in said[0]


def test_sensitivity_tab_draws_the_tornado(window):
    panel = window.sensitivity
    assert panel.result is None  # nothing computed while hidden
    window.tabs.setCurrentWidget(panel)
    s = panel.result
    assert panel.view.chart.key == "tornado" and s.metric == "time"
    top = {e.path for e in s.effects[:5]}
    assert top == {"catalog.accelerators.a100-80gb.peak_flops.bf16", "catalog.systems.dgx-a100.accelerators",
                   "workloads[0].parameters", "workloads[0].tokens", "catalog.accelerators.a100-80gb.typical_mfu"}
    assert panel.table.rowCount() == 7 and panel.view.chart.panels[0].y.categories[0] == "phases[0].nodes[0].count"
    panel.metric_box.setCurrentIndex(panel.metric_box.findData("facility_power"))
    assert [e.path for e in panel.result.effects[:2]] == ["facility.pue", "catalog.systems.dgx-a100.typical_power"]
    row = [e.path for e in panel.result.effects].index("phases[1].nodes[0].count")
    panel._on_cell_double_clicked(row, 0)
    assert window.editor.current_path() == ("phases", 1, "nodes", 0)


def test_uncertainty_tab_shows_interval_bars(window, tmp_path, minimal_text):
    text = minimal_text.replace("mfu: 0.4}", "mfu: {low: 0.35, mode: 0.42, high: 0.5}}")
    path = tmp_path / "ranged.yaml"
    path.write_text(text)
    window.open_path(path)
    panel = window.uncertainty
    window.tabs.setCurrentWidget(panel)
    u = panel.result
    assert u.samples == 10_000 and u.inputs == (("workloads[0].mfu", 0.35, 0.42, 0.5, "count"),)
    assert panel.view.chart.key == "intervals"
    assert panel.inputs.text() == ("Inputs given as ranges (triangular, independent): workloads[0].mfu: "
                                   "0.35 .. 0.42 .. 0.5")
    assert panel.table.rowCount() == 7 and panel.table.verticalHeaderItem(0).text() == "Time of the run"
    time = u.spread("time")
    assert panel.table.item(0, 1).text() == planner.metrics.value_text(time.p50, "time")


def test_a_range_typed_into_a_field(window, qtbot):
    form = select(window, ("workloads", 0))
    editor = form.editors["mfu"]
    type_into(qtbot, editor, "0.35 .. 0.42 .. 0.5")
    assert window.document.plan.workloads[0].mfu == Range(0.35, 0.42, 0.5)
    assert editor.text() == "0.35 .. 0.42 .. 0.5" and not editor.has_error()
    assert "Or a range, low .. mode .. high" in editor.toolTip()
    type_into(qtbot, editor, "0.5 .. 0.42 .. 0.6")
    assert editor.has_error() and window.document.plan.workloads[0].mfu == Range(0.35, 0.42, 0.5)
    type_into(qtbot, editor, "0.45")  # a plain number replaces the range
    assert window.document.plan.workloads[0].mfu == 0.45 and not isinstance(window.document.plan.workloads[0].mfu,
                                                                            Range)
