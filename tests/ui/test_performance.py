"""The Performance tab: predicted MFU with its breakdown and the layout search."""

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
    widths = [bar.opts["width"][0] for bar in panel.step_bars]
    assert sum(widths) == pytest.approx(pr.step_time_s)
    assert widths == pytest.approx([pr.step_parts[k] for k in STEP_PARTS])
    mem = [bar.opts["width"][0] for bar in panel.memory_bars]
    assert sum(mem) == pytest.approx(pr.memory_per_gpu_bytes / 1e9)
    assert len(mem) == len(MEMORY_PARTS)
    assert panel.capacity_line.value() == pytest.approx(73.6)


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
