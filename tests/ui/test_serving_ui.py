"""A serving workload in the window: its dashboard cards, its curve on the Plots tab, and its
ranked replica layouts on the Performance tab (through the kind's own view)."""

import pytest

from tests.planner.test_serving import PLAN


@pytest.fixture
def serving(qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import build_window

    path = tmp_path / "serving.yaml"
    path.write_text(PLAN)
    w = build_window(path)
    w.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.resize(1500, 950)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_dashboard_cards_of_a_serving_workload(serving):
    cards = serving.dashboard.cards
    assert [cards[k].title.text() for k in ("sustained", "time", "energy", "emissions")] == [
        "GPUs needed", "TTFT / TPOT", "Output tokens/s", "Cost per million tokens"]
    assert cards["sustained"].value.text() == "32"
    assert cards["sustained"].detail.text() == "8 x 4 (t4 p1 e1 fp8, KV fp8)"
    assert cards["energy"].value.text() == "25,000"
    assert cards["time"].detail.text().startswith("SLO 2 s / 50 ms: met")
    serving.state.set(workload=1)  # the training run beside it: its own cards again
    assert cards["sustained"].title.text() == "Sustained"


def test_plots_and_performance_tabs_draw_the_serving_view(serving):
    serving.tabs.setCurrentWidget(serving.plots)
    curve = serving.plots.charts["scaling"]
    assert curve.title == "Throughput against latency (one point per batch)"
    assert curve.panels[0].series[0].name == "t4 p1 e1 fp8, KV fp8"
    serving.tabs.setCurrentWidget(serving.performance)
    panel = serving.performance
    assert panel.summary.text().startswith("Llama 3.1 70B chat: 8 replicas x 4 = 32 accelerators")
    assert panel.step_view.chart.key == "scaling" and panel.memory_view.chart.key == "serving_memory"
    assert not panel.use_button.isVisible()
    table = panel.table
    assert table.horizontalHeaderItem(8).text() == "$/M tokens"
    assert table.item(0, 0).text() == "t4 p1 e1 fp8, KV fp8" and table.item(0, 9).text() == "yes"
    serving.state.set(workload=1)  # a training run without a shape: the tab says how to get a prediction
    assert "has no model shape" in panel.summary.text() and "Apply shape" in panel.summary.text()


def test_the_design_editor_edits_a_serving_workload(serving):
    from planner import edit

    serving.editor._select(("workloads", 0))
    form = serving.editor.form(type(serving.document.plan.workloads[0]))
    assert form.editors["demand.requests_per_s"].widget.text() == "50"
    assert form.editors["slo.time_per_output_token_s"].widget.text() == "0.05 s"  # times show in s
    assert form.editors["parallelism.tensor"].widget.text() == "auto"
    assert serving.document.run(edit.set_field, ("workloads", 0, "demand", "requests_per_s"), 100.0,
                                text="demand") == []
    serving.document.recompute_now()
    assert serving.dashboard.cards["sustained"].value.text() == "64"
