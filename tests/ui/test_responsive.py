"""The window fits every desk: at 1280x720, 1024x640 and 960x540 (a 1920x1080 screen at 200%)
the window keeps the size it is given, cards reflow into fewer columns (and back), text elides
with the full value in a tooltip, and a long name never widens the window. The screenshot
command renders at a screen size and scale."""

import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from planner import edit
from tests.conftest import ROOT
from ui.elided_label import ElidedLabel

# logical sizes: 1280x720 and 1024x640 at 100%, 1920x1080 at 150% and at 200%
SIZES = [(1280, 720), (1024, 640), (1280, 720), (960, 540)]


def settle(qtbot, window, width, height):
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=2000)
    window.size_editor_dock()
    QApplication.processEvents()


def card_rows(window) -> int:
    return len({c.geometry().y() for c in window.dashboard.cards.values()})


@pytest.mark.parametrize("width,height", SIZES)
def test_small_windows_keep_their_size_and_show_every_card(window, qtbot, width, height):
    settle(qtbot, window, width, height)
    assert window.minimumSizeHint().width() <= width and window.minimumSizeHint().height() <= height
    viewport = window.dashboard.scroll.viewport()
    for key, card in window.dashboard.cards.items():
        left = card.mapTo(viewport, QPoint(0, 0)).x()
        assert 0 <= left and left + card.width() <= viewport.width(), f"card {key} cut off at the right"
        assert card.width() >= 160
    assert window.editor_dock.isVisible() and window.editor_dock.width() >= 250
    assert window.dashboard.scroll.horizontalScrollBar().maximum() == 0  # nothing hidden sideways


def test_cards_reflow_with_the_width_both_ways(window, qtbot):
    settle(qtbot, window, 1900, 1000)
    wide = card_rows(window)
    settle(qtbot, window, 960, 540)
    narrow = card_rows(window)
    assert wide == 2 and narrow >= 4  # five columns wide; two or three at 960 px
    settle(qtbot, window, 1900, 1000)
    assert card_rows(window) == wide


def test_warnings_and_explanation_stack_when_narrow_and_return(window, qtbot):
    settle(qtbot, window, 960, 540)
    window.resizeDocks([window.editor_dock], [400], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    assert window.dashboard.width() < 720
    assert window.dashboard.bottom.orientation().name == "Vertical"
    settle(qtbot, window, 1900, 1000)
    assert window.dashboard.bottom.orientation().name == "Horizontal"


def test_a_long_workload_name_never_widens_the_window(window, qtbot):
    settle(qtbot, window, 1024, 640)
    long_name = "A very long workload name that goes on " * 8
    assert window.document.run(edit.set_field, ("workloads", 0, "name"), long_name, text="name") == []
    window.document.recompute_now()
    window.editor._select(("workloads", 0))
    window.explain.show_key("time")
    QApplication.processEvents()
    assert (window.width(), window.height()) == (1024, 640)
    assert window.minimumSizeHint().width() <= 1024
    assert window.dashboard.workload.currentText() == long_name
    assert long_name in window.dashboard.workload.toolTip()
    title = window.editor.stack.currentWidget().title
    assert title.is_elided() and long_name in title.toolTip() and title.text().endswith(long_name)


def test_elided_label_shows_the_whole_text_in_its_tooltip_only_when_cut(qtbot):
    label = ElidedLabel("Emissions of the run: 197.7 t CO2e", tooltip="Enter: explain")
    qtbot.addWidget(label)
    label.resize(60, 20)
    label.show()
    assert label.is_elided() and label.shown_text().endswith("…")
    assert label.toolTip().startswith("Emissions of the run: 197.7 t CO2e")
    assert label.text() == "Emissions of the run: 197.7 t CO2e" and label.accessibleName() == label.text()
    label.resize(600, 20)
    assert not label.is_elided() and label.toolTip() == "Enter: explain"
    assert label.minimumSizeHint().width() < 100 < label.sizeHint().width()


def _shot(tmp_path, *args):
    out = tmp_path / "shot.png"
    env = {"CLUSTER_PLANNER_SETTINGS_DIR": str(tmp_path / "s"), "CLUSTER_PLANNER_STATE_DIR": str(tmp_path / "st"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "ui.launcher", "gui", "--screenshot", str(out), *args],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    return result, out


@pytest.mark.parametrize("size,scale,logical", [("1024x640", None, "1024x640"), ("1920x1080", "2", "960x540")])
def test_screenshot_at_a_screen_size_and_scale(tmp_path, size, scale, logical):
    result, out = _shot(tmp_path, "--size", size, *(["--scale", scale] if scale else []))
    assert result.returncode == 0, result.stderr
    assert f"{size} screen pixels, window {logical}" in result.stdout
    image = QImage(str(out))
    assert f"{image.width()}x{image.height()}" == size  # the window fits the screen: not one pixel more


def test_screenshot_refuses_a_bad_size(tmp_path):
    result, _ = _shot(tmp_path, "--size", "wide")
    assert result.returncode == 2 and "expected WIDTHxHEIGHT in pixels, e.g. 1280x720; found 'wide'" in result.stderr


def test_the_editor_dock_hides_and_comes_back(window, qtbot):
    assert window.editor_toggle.shortcut().toString() == "Ctrl+Shift+E"
    window.editor_toggle.trigger()
    assert not window.editor_dock.isVisible() and window.dashboard.isVisible()
    window.editor_toggle.trigger()
    assert window.editor_dock.isVisible()


def test_a_layout_saved_on_a_bigger_screen_comes_back_on_this_one(qtbot, plan_file):
    from ui import settings as _settings
    from ui.app import build_window

    first = build_window(plan_file)
    qtbot.addWidget(first)
    first.setGeometry(4000, 3000, 2600, 1600)  # another monitor, larger than this screen
    first._save_layout()
    again = build_window(plan_file)
    qtbot.addWidget(again)
    area = again.screen().availableGeometry()
    assert area.contains(again.frameGeometry().topLeft())
    assert again.width() <= area.width() and again.height() <= area.height()
    assert _settings.settings().value("window/state") is not None
