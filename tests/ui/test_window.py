"""The main window as a user meets it: files, prompts, undo, presets, warnings, explanations,
plots, exports, and the application started for real in a subprocess."""

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QMessageBox

import planner
from planner import edit
from tests.conftest import PRESETS, ROOT
from tests.ui.conftest import NOISE


def test_title_shows_file_and_modified_marker(window, plan_file):
    assert window.windowTitle() == "rsc.yaml[*] — Cluster Planner"
    assert not window.isWindowModified()
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("facility", "pue"), 1.2), "pue")
    assert window.isWindowModified()
    doc.undo_stack.undo()
    assert not window.isWindowModified()


def test_save_and_open_round_trip(window, tmp_path):
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("phases", 0, "nodes", 0, "count"), 900), "count")
    target = tmp_path / "saved.yaml"
    assert window._save_to(target)
    assert not window.isWindowModified()
    assert planner.load(target) == doc.plan
    assert window.windowTitle().startswith("saved.yaml")
    # opening it in a fresh document gives the same plan
    doc.apply(edit.replace_at(doc.plan, ("phases", 0, "nodes", 0, "count"), 1), "count")
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    assert window.open_path(target)
    assert doc.plan.phases[0].nodes[0].count == 900
    assert not doc.undo_stack.canUndo()


def test_unsaved_changes_prompt(window, qtbot, tmp_path):
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("facility", "pue"), 1.4), "pue")
    asked = []
    window.ask_save_changes = lambda: asked.append(1) or QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible() and asked == [1]
    # Cancel also stops opening another file
    assert not window.open_path(PRESETS / "selene.yaml")
    assert doc.plan.facility.pue == 1.4
    # Save writes the file, then closes
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Save
    window.close()
    assert not window.isVisible()
    assert planner.load(doc.path).facility.pue == 1.4


def test_opening_a_broken_file_keeps_the_plan(window, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Broken\nphases:\n  - name: A\n    nodes: [{system: dgx-a100, count: zero}]\n")
    before = window.document.plan
    assert not window.open_path(bad)
    assert window.document.plan == before
    assert f"{bad}:4:" in window.last_error and "count" in window.last_error


def test_failed_save_keeps_edits_and_says_so(window, tmp_path, monkeypatch):
    """A folder that refuses the write (as a read-only one does): the message, the edits kept."""
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("facility", "pue"), 1.3), "pue")

    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    assert not window._save_to(tmp_path / "x.yaml")
    assert window.isWindowModified() and "Nothing was written" in window.last_error
    assert "Permission denied" in window.last_error
    assert list(tmp_path.glob("*.tmp")) == [] and not (tmp_path / "x.yaml").exists()


def test_failed_save_onto_full_disk(window, tmp_path, monkeypatch):
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("facility", "pue"), 1.3), "pue")

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert not window._save_to(tmp_path / "x.yaml")
    assert window.isWindowModified()
    assert "No space left on device" in window.last_error
    assert list(tmp_path.glob("*.tmp")) == [] and not (tmp_path / "x.yaml").exists()


def test_undo_merges_consecutive_edits_of_one_field(window, qtbot):
    window.editor._select(("phases", 0, "nodes", 0))
    form = window.editor.form(planner.plan.NodeGroup)
    line = form.editors["count"].widget
    for text in ("770", "780", "790"):
        line.setText(text)
        line.editingFinished.emit()
    assert window.document.undo_stack.count() == 1
    window.undo_action.trigger()
    assert window.document.plan.phases[0].nodes[0].count == 760
    window.redo_action.trigger()
    assert window.document.plan.phases[0].nodes[0].count == 790


def test_new_from_preset_is_one_undo_step(window, qtbot):
    window.new_from_preset("selene")
    assert window.document.plan.name == "NVIDIA Selene"
    assert window.document.path is None
    qtbot.waitUntil(lambda: window.dashboard.cards["gpus"].value.text() == "4,480")
    window.document.undo_stack.undo()
    assert window.document.plan.name == "Meta AI Research SuperCluster"


@pytest.mark.parametrize("name", sorted(planner.presets()))
def test_every_preset_opens_without_qt_warnings(qtbot, qtlog, name):
    from ui.app import build_window

    w = build_window(planner.preset_path(name), is_preset=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        qtbot.wait(10)
    bad = [r.message for r in qtlog.records if not any(n in r.message for n in NOISE)]
    assert bad == []
    assert w.document.results.gpus > 0


def test_warning_click_selects_its_field(window, qtbot):
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("facility", "power_budget_w"), 1e6), "budget")
    qtbot.waitUntil(lambda: any("over-power-budget" in window.dashboard.warnings.item(i).text()
                                for i in range(window.dashboard.warnings.count())))
    items = [window.dashboard.warnings.item(i) for i in range(window.dashboard.warnings.count())]
    item = next(i for i in items if "over-power-budget" in i.text())
    window.dashboard._on_warning_activated(item)
    assert window.editor.current_path() == ("facility",)
    editor = window.editor.form(planner.plan.Facility).editor_for_key("power_budget")
    assert editor.widget.hasFocus() or window.focusWidget() is editor.widget


def test_card_click_explains_the_figure(window, qtbot):
    qtbot.mouseClick(window.dashboard.cards["facility_power"], Qt.MouseButton.LeftButton)
    text = window.explain.toPlainText()
    # RSC's fabric: two levels of QM8700 leaves under CS8500 directors (12.69 MW with three
    # levels of 40-port switches before the top_switch field)
    assert "Facility power under load = 12.53 MW" in text and "IT power × PUE" in text
    # the link selects the plan field
    window.explain._on_anchor_clicked(QUrl("field:facility.pue"))
    assert window.editor.current_path() == ("facility",)


def test_plots_follow_edits_with_the_same_items(window, qtbot):
    plots = window.plots
    window.tabs.setCurrentWidget(plots)  # a hidden Plots tab refreshes when shown
    curve = plots.views["scaling"].series_item(0, 0)
    before = plots.views["power"].series_item(0, 0).opts["height"].copy()
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("phases", 1, "nodes", 0, "count"), 2000), "count")
    doc.recompute_now()
    assert plots.views["scaling"].series_item(0, 0) is curve
    after = plots.views["power"].series_item(0, 0).opts["height"]
    assert after[0] > before[0]  # more accelerators, more power (MW)
    assert plots.views["power"].chart.panels[0].y.unit == "MW"
    ys = plots.views["timeline"].series_item(0, 0).yData
    assert list(ys) == [760 * 8, (760 + 2000) * 8]


def test_plot_exports(window, tmp_path):
    for name, box in window.plots.boxes.items():
        png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
        box.export(str(png))
        box.export(str(svg))
        assert QImage(str(png)).width() >= 1000
        text = svg.read_text()
        assert text.lstrip().startswith("<?xml") and "<svg" in text and ("<path" in text or "<rect" in text)


def test_result_exports(window, tmp_path):
    assert window.export(tmp_path / "r.json", "json")
    assert json.loads((tmp_path / "r.json").read_text())["gpus"] == 16_000
    assert window.export(tmp_path / "r.csv", "csv")
    assert "Accelerators,16000" in (tmp_path / "r.csv").read_text().replace('"', "").replace(",000", "000")
    assert window.export(tmp_path / "r.html", "html")
    assert "<svg" in (tmp_path / "r.html").read_text()


def test_drop_a_plan_file(window, qtbot):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(PRESETS / "selene.yaml"))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.document.plan.name == "NVIDIA Selene"


def test_recent_files_persist(window, tmp_path):
    from ui import settings

    target = tmp_path / "keep.yaml"
    window._save_to(target)
    assert settings.recent_files()[0] == str(target.resolve())


def test_plan_text_is_escaped_in_explanations(window):
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("workloads", 0, "name"), "<b>bold</b><script>x</script>"), "name")
    doc.recompute_now()
    window.state.set(workload=0, precision="bf16")
    window.explain.show_key("time")
    assert "<b>bold</b><script>x</script>" in window.explain.toPlainText()


def _run(args, env_extra, timeout=120):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(env_extra)
    env.setdefault("CLUSTER_PLANNER_STATE_DIR", env_extra.get("CLUSTER_PLANNER_SETTINGS_DIR", "/nonexistent"))
    exe = [sys.executable, "-m", "ui.launcher", *args]
    return subprocess.run(exe, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)


def test_screenshot_command_makes_a_real_image(tmp_path):
    out = tmp_path / "shot.png"
    result = _run(["gui", "--screenshot", str(out)], {"CLUSTER_PLANNER_SETTINGS_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() == 1500 and image.height() == 950
    colours = {image.pixel(x, y) for x in range(0, 1500, 25) for y in range(0, 950, 25)}
    assert len(colours) > 20  # not a blank window


def test_a_screenshot_under_plain_offscreen_has_the_size_asked_for(tmp_path):
    """QT_QPA_PLATFORM=offscreen (as in the README's test command) has an 800 x 800 screen: the
    screenshot command gives it the size asked for."""
    out = tmp_path / "shot.png"
    result = _run(["gui", "--screenshot", str(out), "--size", "1024x640"],
                  {"QT_QPA_PLATFORM": "offscreen", "CLUSTER_PLANNER_SETTINGS_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 640)


def test_main_runs_the_event_loop_and_quits(tmp_path):
    result = _run([str(PRESETS / "selene.yaml")], {"QT_QPA_PLATFORM": "offscreen",
                                                    "CLUSTER_PLANNER_QUIT_AFTER_MS": "300",
                                                    "CLUSTER_PLANNER_SETTINGS_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_no_display_says_so_in_one_line(tmp_path):
    result = _run([], {"CLUSTER_PLANNER_SETTINGS_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "cluster-planner evaluate meta-rsc" in lines[0]


def test_gui_on_a_broken_plan_prints_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nphases: 3\n")
    result = _run(["gui", str(bad), "--screenshot", str(tmp_path / "s.png")], {})
    assert result.returncode == 1 and f"{bad}:2:" in result.stderr and "Traceback" not in result.stderr


def test_hostile_names_render_as_text(qtbot, tmp_path):
    from ui.app import build_window

    evil = "<script>alert(1)</script><b>bold</b>"
    text = (PRESETS / "selene.yaml").read_text().replace("name: NVIDIA Selene", f"name: '{evil}'")
    text = text.replace("name: GPT-3 175B, predicted (Megatron layout)", f"name: '{evil}'")
    path = tmp_path / "evil.yaml"
    path.write_text(text)
    w = build_window(path)
    w.ask_reload = w.ask_overwrite = lambda: False
    qtbot.addWidget(w)
    w.show()
    w.tabs.setCurrentWidget(w.performance)
    form = w.editor.form(planner.plan.Plan)
    assert form.title.textFormat() == Qt.TextFormat.PlainText
    assert w.editor.tree.topLevelItem(0).text(0) == f"Plan: {evil}"
    assert "&lt;script&gt;" in w.performance.summary.text() and "<script>" not in w.performance.summary.text()
    assert "&lt;script&gt;" in w.plots.views["scaling"].plot_items[0].titleLabel.text
    assert evil in w.windowTitle() or "evil.yaml" in w.windowTitle()


def test_unreachable_x_display_says_so(tmp_path):
    result = _run([], {"DISPLAY": ":57", "CLUSTER_PLANNER_SETTINGS_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no X server answers on DISPLAY=:57" in lines[0] or "apt-get install" in lines[0]


def test_missing_xcb_libraries_are_named(monkeypatch):
    from ui import app

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(app.ctypes.util, "find_library", lambda name: None if name == "xcb-icccm" else name)
    message = app.platform_problem(screenshot=False)
    assert "sudo apt-get install libxcb-icccm4" in message


def test_precision_preference_persists(window, qtbot):
    from ui.app import build_window

    window.dashboard.precision.setCurrentText("fp64")
    assert window.dashboard.cards["peak"].detail.text().startswith("fp64")
    again = build_window(planner.preset_path("meta-rsc"), is_preset=True)
    qtbot.addWidget(again)
    assert again.dashboard.selected_precision() == "fp64"
