"""Benchmark of the desktop application. Prints figures; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py

- edit -> every figure and plot refreshed, median over many edits of the RSC preset
  (an edit typed into the node-count field; goal: under 30 ms);
- cold start of the app to the first painted window (the --screenshot command), next to a
  bare `python3 -c "import PySide6.QtWidgets"` (goal: under 1.5 s more).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def edit_to_refresh(n: int = 60) -> list[float]:
    from PySide6.QtWidgets import QApplication

    import planner
    from planner.plan import NodeGroup
    from ui.app import build_window

    app = QApplication.instance() or QApplication([])
    window = build_window(planner.preset_path("meta-rsc"), is_preset=True)
    window.resize(1500, 950)
    window.show()
    app.processEvents()
    window.tabs.setCurrentIndex(1)  # plots visible: they repaint too
    window.editor._select(("phases", 0, "nodes", 0))
    line = window.editor.form(NodeGroup).editors["count"].widget
    done = []
    window.document.results_ready.connect(lambda _r: done.append(time.perf_counter()))
    times = []
    for i in range(n):
        line.setText(str(700 + i))
        done.clear()
        t0 = time.perf_counter()
        line.editingFinished.emit()
        while not done:
            app.processEvents()
        app.processEvents()  # the paint events the refresh posted
        times.append(time.perf_counter() - t0)
    window.document.undo_stack.setClean()
    window.close()
    return times


def wall(cmd: list[str], n: int = 5, env=None) -> float:
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    times = edit_to_refresh()
    print(f"edit -> all views refreshed (RSC, {len(times)} edits): median {statistics.median(times) * 1e3:.1f} ms, "
          f"p90 {sorted(times)[int(len(times) * 0.9)] * 1e3:.1f} ms (goal: < 30 ms)")
    bare = wall([sys.executable, "-c", "import PySide6.QtWidgets"])
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CLUSTER_PLANNER_SETTINGS_DIR=tmp)
        app = wall([sys.executable, "-m", "ui.launcher", "gui", "--screenshot", str(Path(tmp) / "s.png")], env=env)
    print(f"python3 -c 'import PySide6.QtWidgets'   {bare * 1e3:7.0f} ms (median of 5)")
    print(f"cold start to first painted window      {app * 1e3:7.0f} ms (median of 5)")
    print(f"difference                              {(app - bare) * 1e3:7.0f} ms (goal: < 1500 ms)")


if __name__ == "__main__":
    main()
