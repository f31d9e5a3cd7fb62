import shutil

import pytest

from tests.conftest import PRESETS

NOISE = ("propagateSizeHints",)  # the offscreen platform plugin says this for every window


@pytest.fixture(autouse=True)
def _settings_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUSTER_PLANNER_SETTINGS_DIR", str(tmp_path / "settings"))
    monkeypatch.setenv("CLUSTER_PLANNER_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def plan_file(tmp_path):
    target = tmp_path / "rsc.yaml"
    shutil.copy(PRESETS / "meta-rsc.yaml", target)
    return target


@pytest.fixture
def window(qtbot, plan_file):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import build_window

    w = build_window(plan_file)
    # pytest-qt closes the window after each test: answer "Discard" unless a test says otherwise
    w.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    # no modal question may block a test: each defaults to "no" unless a test answers it
    w.ask_reload = lambda: False
    w.ask_overwrite = lambda: False
    w.ask_restore = lambda found: False
    qtbot.addWidget(w)
    w.resize(1500, 950)
    w.show()
    qtbot.waitExposed(w)
    return w
