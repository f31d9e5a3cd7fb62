"""The real window on a real X server: Xvfb at 1280x720, 1024x640, and 1920x1080 at 150% and 200%
(QT_SCALE_FACTOR), through Qt's xcb plugin. tests/ui/xvfb_probe.py opens the window maximized,
resizes it and drives it with the keyboard; this test checks what it reports.

Needs Debian's ``xvfb`` and the xcb libraries Qt loads: as root with apt-get (CI), the test
installs them; otherwise it is skipped with the command to run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from ui.app import XCB_LIBRARIES, _missing_xcb_packages

PACKAGES = ["xvfb", *XCB_LIBRARIES.values()]
CASES = [("1280x720", "1"), ("1024x640", "1"), ("1920x1080", "1.5"), ("1920x1080", "2")]


def _install() -> str | None:
    """Install Xvfb and the xcb libraries if they are missing; None, or why they are not there."""
    if shutil.which("Xvfb") and not _missing_xcb_packages():
        return None
    missing = ["xvfb"] if not shutil.which("Xvfb") else _missing_xcb_packages()
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"needs {' '.join(missing)}: sudo apt-get install {' '.join(PACKAGES)}"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:  # an old or empty package list: refresh it once
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not shutil.which("Xvfb") or _missing_xcb_packages():
        return f"apt-get could not install {' '.join(missing)}: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="module")
def xvfb_ready():
    why = _install()
    if why:
        pytest.skip(f"the real-window test needs Xvfb and Qt's xcb libraries ({why})")


def _free_display() -> int:
    for number in range(91, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    pytest.skip("no free X display number")


def _start_xvfb(size: str) -> tuple[subprocess.Popen, str]:
    number = _free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"Xvfb did not start on :{number}: {server.stderr.read().decode()[-500:]}")
        time.sleep(0.05)
    return server, f":{number}"


@pytest.mark.parametrize("size,scale", CASES)
def test_real_window_fits_resizes_and_answers_the_keyboard(xvfb_ready, tmp_path, size, scale):
    server, display = _start_xvfb(size)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND"))}
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale,
                   CLUSTER_PLANNER_SETTINGS_DIR=str(tmp_path / "settings"),
                   CLUSTER_PLANNER_STATE_DIR=str(tmp_path / "state"))
        done = subprocess.run([sys.executable, str(ROOT / "tests" / "ui" / "xvfb_probe.py")], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
    finally:
        server.terminate()
        server.wait(10)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    width, height = (int(n) for n in size.split("x"))
    assert got["platform"] == "xcb" and got["scale"] == float(scale)
    assert got["screen"] == [round(width / float(scale)), round(height / float(scale))]
    assert got["fits"] and got["cards_inside"] and got["dock_width"] >= 250, got
    assert got["resized"] and got["cards_inside_resized"], got
    assert got["typed"] == 2000
    assert got["after_undo"] == [1240, "1240"] and got["after_redo"] == [2000, "2000"]
    assert got["tab_round_trip"] and got["tab_cards"] == 10 and got["tab_fields"] == 2, got  # system, count
    assert got["explained"].startswith("Energy of ") and got["deleted"] == 1
