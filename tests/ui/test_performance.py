"""The Performance tab: predicted MFU with its breakdown and the layout search."""

import numpy as np
import pytest

import planner
from planner.perf.predict import MEMORY_PARTS, STEP_PARTS


@pytest.fixture
def selene(qtbot):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import build_window

    w = build_window(planner.preset_path("selene"), is_preset=True)
    w.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.show()
    w.tabs.setCurrentWidget(w.performance)
    return w


def test_breakdown_shows_the_prediction(selene):
    panel = selene.performance
    pr = selene.document.results.workloads[0].predicted
    assert "predicted MFU" in panel.summary.text() and f"{pr.mfu:.1%}" in panel.summary.text()
    step, memory = panel.step_view, panel.memory_view
    widths = [step.series_item(0, k).opts["width"][0] for k in range(len(STEP_PARTS))]
    assert sum(widths) == pytest.approx(pr.step_time_s)  # seconds: a 26.6 s step
    assert widths == pytest.approx([pr.step_parts[k] for k in STEP_PARTS])
    starts = [step.series_item(0, k).opts["x0"][0] for k in range(len(STEP_PARTS))]
    assert starts[1:] == pytest.approx(list(np.cumsum(widths)[:-1]))  # stacked end to end
    assert memory.chart.x.unit == "GB"
    mem = [memory.series_item(0, k).opts["width"][0] for k in range(len(MEMORY_PARTS))]
    assert sum(mem) == pytest.approx(pr.memory_per_gpu_bytes / 1e9)
    assert memory.series_item(0, len(MEMORY_PARTS)).value() == pytest.approx(73.6)  # usable, dashed


def test_layout_table_ranks_and_marks_fit(selene):
    table = selene.performance.table
    assert table.rowCount() == 12
    steps = [float(table.item(r, 2).text().split(" s")[0]) for r in range(table.rowCount())]
    assert steps == sorted(steps)
    assert all(table.item(r, 6).text() in ("yes", "no") for r in range(table.rowCount()))


def test_use_selected_layout(selene, qtbot):
    panel = selene.performance
    panel.table.selectRow(0)
    best = panel._rows[0]["layout"]
    panel._on_use_clicked()
    par = selene.document.plan.workloads[0].parallelism
    assert (par.tensor, par.pipeline, par.data, par.interleave) == (best.tensor, best.pipeline, best.data,
                                                                    best.interleave)
    selene.document.recompute_now()
    assert selene.document.results.workloads[0].predicted.layout == best
    selene.document.undo_stack.undo()
    assert selene.document.plan.workloads[0].parallelism.pipeline == 8


def test_a_layout_that_does_not_fit_is_marked(selene):
    doc = selene.document
    from planner import edit

    big = edit.replace_at(doc.plan, ("workloads", 0, "parallelism", "recompute"), "none")
    big = edit.replace_at(big, ("workloads", 0, "parallelism", "tensor"), 1)
    big = edit.replace_at(big, ("workloads", 0, "parallelism", "zero"), 0)
    assert doc.apply(big, "no recompute") == []
    doc.recompute_now()
    assert "does not fit" in selene.performance.summary.text()
    assert any(w.code == "layout-does-not-fit" for w in doc.results.warnings)
