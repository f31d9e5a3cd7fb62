"""The Network and Racks-and-cooling tabs, a mixed-generation cluster's figures, and the window
built light (pyqtgraph and numpy loaded only when a tab needs them)."""

import re
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

import planner
from planner import edit
from tests.conftest import ROOT
from tests.planner.test_panel_reports import MIXED


def build(qtbot, plan_path, preset=False):
    from ui.app import build_window

    w = build_window(plan_path, is_preset=preset)
    w.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    return w


def scene_texts(panel) -> set[str]:
    return {item.text() for item in panel.drawing.scene().items() if hasattr(item, "text")}


def test_network_tab_shows_the_switches_the_command_line_prints(window):
    out = subprocess.run([sys.executable, "-m", "planner", "evaluate", "meta-rsc"], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    # RSC's published two-level Clos: QM8700 leaves under CS8500 directors
    cli = re.search(r"Switches per level\s+([\d,]+) / ([\d,]+) \(([\d,]+) in all\)", out).groups()
    net = window.network
    assert net._stale  # hidden: nothing computed yet
    window.tabs.setCurrentWidget(net)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Network"
    assert net.table.text("Levels") == "2"
    leaf, spine, total = cli
    assert net.table.text("Switches per level") == f"{leaf} leaf / {spine} spine"
    assert net.table.text("Switches in all") == total == "820"
    assert net.table.text("Per accelerator, into the fabric") == "25 GB/s"
    assert net.table.columnCount() == 2 and net.table.text("Switches per level", 0).startswith("304 leaf")
    texts = scene_texts(net)
    assert {"20 spine switches", "800 leaf switches", "2,000 nodes, 16,000 accelerators",
            "16,000 links × 200 Gb/s"} <= texts


def test_hdr_to_ndr_visibly_changes_the_network_tab(window, tmp_path):
    net = window.network
    window.tabs.setCurrentWidget(net)
    before = scene_texts(net)
    assert window.document.run(edit.set_field, ("network", "fabric"), "infiniband-ndr", text="fabric") == []
    window.document.recompute_now()
    assert net.table.text("Per accelerator, into the fabric") == "50 GB/s"  # was 25 GB/s
    assert net.table.text("Switches per level") == "800 leaf / 20 spine"  # the plan pins its switch models
    after = scene_texts(net)
    assert "16,000 links × 400 Gb/s" in after and "20 spine switches" in after and after != before
    assert "50 GB/s" in net.summary.text()
    net.phase_box.setCurrentIndex(0)  # the drawing follows the phase chosen
    assert "6,080 links × 400 Gb/s" in scene_texts(net)
    path = tmp_path / "fabric.svg"
    net.export(path)
    assert "16,000 links" not in path.read_text() and "6,080 links × 400 Gb/s" in path.read_text()


def test_racks_tab_shows_kw_per_rack_against_the_limit_and_floor_space(window):
    racks = window.racks
    window.tabs.setCurrentWidget(racks)
    t = racks.table
    assert t.text("Compute racks") == "668" and t.text("Compute racks", 0) == "254"
    assert t.text("kW per rack under training load") == "12.9 kW"
    assert t.text("kW per rack at maximum") == "19.5 kW"
    assert t.text("Provisioned limit per rack") == "20 kW (plan)"
    assert t.text("Floor space (2.5 m² per rack, assumed)") == "1,670 m²"
    assert "assumption: 2.5 m² per rack" in racks.summary.text() and "within the limit" in racks.summary.text()
    bars = racks.chart_view.series_item(0, 0)
    assert list(bars.opts["height"]) == pytest.approx([19.5, 19.5])
    # liquid cooling with the plan's 20 kW pin removed: the limit becomes the cooling type's 150 kW
    doc = window.document
    assert doc.run(edit.set_field, ("facility", "rack_power_limit_w"), None, text="limit") == []
    assert doc.run(edit.set_field, ("facility", "cooling"), "liquid", text="cooling") == []
    doc.recompute_now()
    assert t.text("Provisioned limit per rack") == "150 kW (cooling)"
    assert t.text("kW per rack under training load") == "30.1 kW"  # 42 U / 6 U: 7 DGX A100 at 4.3 kW
    assert t.text("Compute racks") == "287"  # 109 + 178


def test_a_mixed_cluster_shows_each_generation(qtbot, tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text(MIXED)
    w = build(qtbot, path)
    w.tabs.setCurrentWidget(w.racks)
    note = w.racks.mixed.text()
    assert "Mixed generations" in note and "1,600 h100-sxm + 800 a100-80gb" in note
    average = planner.evaluate(planner.loads(MIXED)).phases[1].peak_flops["bf16"] / 2400
    assert f"{average / 1e12:.1f} TFLOP/s bf16 per GPU" in note  # the averaged figure, named as such
    g = w.racks.generations
    rows = [[g.item(r, c).text() for c in (0, 2, 6)] for r in range(g.rowCount())]
    assert rows == [["h100-sxm", "1,600 (67%)", "989.4 TFLOP/s bf16"], ["a100-80gb", "800 (33%)", "312 TFLOP/s bf16"]]
    w.racks.phase_box.setCurrentIndex(0)
    assert g.rowCount() == 1 and "One generation" in w.racks.mixed.text()


def test_hidden_panels_wait_and_catch_up(window):
    window.tabs.setCurrentWidget(window.network)
    window.tabs.setCurrentWidget(window.dashboard)
    assert window.document.run(edit.set_field, ("network", "fabric"), "infiniband-ndr", text="fabric") == []
    window.document.recompute_now()
    assert window.network._stale and window.network.table.text("Per accelerator, into the fabric") == "25 GB/s"
    window.tabs.setCurrentWidget(window.network)
    assert window.network.table.text("Per accelerator, into the fabric") == "50 GB/s"


def test_the_window_starts_without_pyqtgraph_or_numpy():
    code = ("import sys\nfrom PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
            "from ui.app import build_window\nw = build_window()\nw.show()\napp.processEvents()\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pyqtgraph', 'numpy'}))\n"
            "w.tabs.setCurrentWidget(w.plots)\napp.processEvents()\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pyqtgraph', 'numpy'}))\n"
            "w.document.undo_stack.setClean()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}).stdout.split("\n")
    assert out[:2] == ["[]", "['numpy', 'pyqtgraph']"]  # the Plots tab loads them when first shown


def test_the_rack_power_chart_matches_on_screen_and_in_svg(qtbot, tmp_path):
    from planner.chart_builders import build_rack_power
    from tests.ui.test_charts_match import check

    views = {}
    for path in sorted((ROOT / "presets").glob("*.yaml")):
        check(views, build_rack_power(planner.evaluate(planner.load(path))), tmp_path)
    check(views, build_rack_power(planner.evaluate(planner.loads(MIXED))), tmp_path)
    for view in views.values():
        qtbot.addWidget(view)
