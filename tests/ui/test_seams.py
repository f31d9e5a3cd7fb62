"""The window's seams: undo carries the file, one view state for every panel, and no figures of
another plan when the model cannot evaluate the one on screen."""

import dataclasses

from planner import edit


def test_undoing_new_from_preset_brings_back_the_file(window, qtbot, plan_file):
    window.new_from_preset("selene")
    assert window.document.path is None and "Selene" in window.document.plan.name
    window.document.undo_stack.undo()
    assert window.document.path == plan_file
    assert window.windowTitle().startswith("rsc.yaml")
    window.document.undo_stack.redo()
    assert window.document.path is None


def test_every_panel_follows_the_one_view_state(window, qtbot):
    state = window.state
    state.set(workload=1, precision="tf32")
    assert window.dashboard.workload.currentIndex() == 1
    assert window.dashboard.precision.currentText() == "tf32"
    assert window.explain.workload == 1
    name = window.document.plan.workloads[1].name
    window.explain.show_key("time")
    assert name in window.explain.toPlainText()
    # the dashboard's drop-down sets the state, which the explanation follows
    window.dashboard.workload.setCurrentIndex(2)
    assert state.workload == 2
    assert window.document.plan.workloads[2].name in window.explain.toPlainText()


def test_removing_the_selected_workload_moves_every_panel_together(window, qtbot):
    last = len(window.document.plan.workloads) - 1
    window.state.set(workload=last)
    window.explain.show_key("time")
    assert window.document.run(edit.remove_item, ("workloads", last), text="Remove") == []
    window.document.recompute_now()
    now = window.state.workload
    assert now == last - 1
    name = window.document.plan.workloads[now].name
    assert window.dashboard.workload.currentText() == name
    assert name in window.explain.toPlainText()


def test_a_plan_the_model_cannot_evaluate_shows_no_figures_and_exports_refuse(window, qtbot, tmp_path):
    window.tabs.setCurrentWidget(window.plots)  # a hidden Plots tab refreshes when shown
    window.new_from_preset("selene")
    window.document.recompute_now()
    assert window.dashboard.cards["gpus"].value.text() == "4,480"
    assert window.plots.charts["timeline"].panels[0].series[0].y == (2240.0, 4480.0)
    # a plan built outside the checked edits (a script, a recovery copy) with a layout that cannot run
    plan = window.document.plan
    bad = edit.replace_at(plan, ("workloads", 0, "parallelism"),
                          dataclasses.replace(plan.workloads[0].parallelism, data=192))
    window.document.restore(bad, window.document.path)
    window.document.recompute_now()
    assert window.document.results is None
    assert "12,288" in window.document.failure
    for card in window.dashboard.cards.values():
        assert card.value.text() == "—"
    assert "cannot-evaluate" in window.dashboard.warnings.item(0).text()
    assert "12,288" in window.explain.toPlainText()
    for chart in window.plots.charts.values():  # every plot is emptied and says why
        assert all(not panel.series for panel in chart.panels)
        assert "12,288" in chart.notes[0]
    for fmt in ("json", "csv", "html"):
        assert window.export(tmp_path / f"out.{fmt}", fmt) is False
        assert not (tmp_path / f"out.{fmt}").exists()
    assert "Nothing was exported" in window.last_error
    window.document.undo_stack.undo()
    window.document.recompute_now()
    assert window.dashboard.cards["gpus"].value.text() == "4,480"
    assert window.plots.charts["timeline"].panels[0].series[0].y == (2240.0, 4480.0)


def test_a_new_workload_kind_shows_in_every_panel(qtbot, tmp_path):
    """The kind defined only in tests/planner/toy_kind.py: the window needs no change for it."""
    from planner.kinds import KINDS, Kind, register
    from tests.planner.test_new_kind import RSC_COPY
    from tests.planner.toy_kind import CopyWorkload
    from ui.app import build_window

    register(Kind("copy", CopyWorkload, "tests.planner.toy_kind", "a copy across the fabric"))
    try:
        path = tmp_path / "copy.yaml"
        path.write_text(RSC_COPY)
        window = build_window(path)
        qtbot.addWidget(window)
        window.show()
        window.tabs.setCurrentWidget(window.plots)
        window.state.set(workload=3)
        cards = window.dashboard.cards
        assert cards["time"].title.text() == "Copy time" and cards["time"].value.text() == "25 s"
        assert cards["sustained"].value.text() == "—" and "copy workload" in cards["sustained"].detail.text()
        assert window.plots.charts["time"].title == "Copy time"
        assert window.plots.charts["scaling"].notes == ("Not drawn for this kind of workload.",)
        window.explain.show_key("time")
        assert "Copy time of Copy the corpus" in window.explain.toPlainText()
        window.editor._select(("workloads", 3))
        form = window.editor.form(CopyWorkload)
        assert form.editors["size_bytes"].widget.text() == "10 PB"
    finally:
        del KINDS["copy"]


def test_a_hidden_plots_tab_waits_and_catches_up_when_shown(window, qtbot):
    """The GPU-count sweep (a layout search per point on shaped runs) runs only for a shown tab."""
    window.tabs.setCurrentWidget(window.dashboard)
    before = window.plots.charts["timeline"]
    assert window.document.run(edit.set_field, ("phases", 1, "nodes", 0, "count"), 2000, text="count") == []
    window.document.recompute_now()
    assert window.plots.charts["timeline"] is before and window.plots._stale
    window.tabs.setCurrentWidget(window.plots)
    assert window.plots.charts["timeline"].panels[0].series[0].y == (6080.0, 22080.0)
