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


def _window(qtbot, preset, size=(1280, 720)):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import build_window

    w = build_window(planner.preset_path(preset), is_preset=True)
    w.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    w.tabs.setCurrentWidget(w.performance)
    return w


@pytest.mark.parametrize("preset", sorted(planner.presets()))
def test_every_preset_offers_a_model_shape_and_predicts_once_applied(qtbot, preset):
    from planner.model_shapes import SHAPES

    w = _window(qtbot, preset)
    panel, doc = w.performance, w.document
    messages = []
    panel.message.connect(messages.append)
    for i, spec in enumerate(doc.plan.workloads):
        panel.workload_box.setCurrentIndex(i)
        assert w.state.workload == i  # the picker's workload is the selection every panel follows
        r = doc.results.workloads[i]
        if r.kind != "training":  # a kind with its own view (serving): no shape to apply here
            assert not panel.use_button.isVisible()
            continue
        if r.predicted is not None:
            assert "predicted MFU" in panel.summary.text() and panel.table.rowCount() > 0
            continue
        assert panel.table.isHidden() and panel.shape_box.isEnabled()
        assert "Apply shape" in panel.summary.text() or "stated rate" in panel.summary.text()
        assert all(s.name in panel.summary.text() for s in SHAPES.values())  # the shapes and their sources
        key = panel.shape_box.currentData() or "llama-3.1-8b"
        panel.shape_box.setCurrentIndex(panel.shape_box.findData(key))
        panel._on_apply_clicked()
        if spec.tokens is None and spec.total_flops is None:  # a read pass: nothing to train
            assert messages[-1].startswith("Not applied:") and "tokens" in messages[-1]
            continue
        doc.recompute_now()
        pr = doc.results.workloads[i].predicted
        assert pr is not None and f"{pr.mfu:.1%}" in panel.summary.text()
        assert panel.table.rowCount() == 12 and not panel.table.isHidden()
        assert doc.plan.workloads[i].model.layers == SHAPES[key].layers
        assert messages[-1].endswith(f"model shape {SHAPES[key].name} ({SHAPES[key].source})")
        doc.undo_stack.undo()  # one undoable step
        doc.recompute_now()
        assert doc.plan.workloads[i].model is spec.model


def test_rsc_offers_gpt3_for_its_175b_run(qtbot):
    w = _window(qtbot, "meta-rsc")
    panel = w.performance
    assert panel.shape_box.currentText() == "GPT-3 175B" and panel.apply_shape.isEnabled()
    assert "GPT-3 175B matches its 175B parameters" in panel.summary.text()


def test_meta_genai_points_to_its_predicted_run_and_shows_eight_rows_at_720_px(qtbot):
    w = _window(qtbot, "meta-genai-2024")
    panel = w.performance
    assert panel.show_predicted.isVisible() and "Llama 3 405B, predicted" in panel.show_predicted.text()
    panel.show_predicted.click()
    assert w.state.workload == 1 and panel.table.rowCount() == 12
    qtbot.waitUntil(lambda: panel.table.viewport().height() > 100)
    table, view_h = panel.table, panel.table.viewport().height()
    shown = sum(1 for r in range(table.rowCount()) if table.rowViewportPosition(r) + table.rowHeight(r) <= view_h)
    assert w.height() == 720 and shown >= 8, (shown, view_h)
    assert panel.step_view.height() <= 140 and panel.memory_view.height() <= 140  # compact, not filling the tab


def test_table_refills_keep_column_widths_and_search_once(selene, qtbot, monkeypatch):
    from PySide6.QtWidgets import QHeaderView

    from planner import edit
    from planner.perf import predict

    panel, doc = selene.performance, selene.document
    header = panel.table.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive  # not fitted on every refill
    header.resizeSection(0, 300)
    calls = []
    real = predict.search
    monkeypatch.setattr(predict, "search", lambda *a, **k: calls.append(1) or real(*a, **k))
    predict._searches.clear()
    assert doc.run(edit.set_field, ("workloads", 0, "parallelism"), "auto", text="auto") == []
    doc.recompute_now()
    assert calls == [1]  # the evaluation searched; the table reused it
    assert doc.run(edit.set_field, ("workloads", 0, "tokens"), 400e9, text="tokens") == []
    doc.recompute_now()
    assert calls == [1]  # tokens are not an input of the search: nothing searched
    assert panel.table.rowCount() == 12 and header.sectionSize(0) == 300
