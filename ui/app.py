"""Start the desktop application (or render its window to a PNG and exit)."""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path

import planner
from planner.errors import PlanError

# Libraries Qt's xcb platform plugin loads, and the Debian/Ubuntu packages that carry them.
XCB_LIBRARIES = {"xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0", "xcb-icccm": "libxcb-icccm4",
                 "xcb-keysyms": "libxcb-keysyms1", "xcb-shape": "libxcb-shape0", "xcb-xkb": "libxcb-xkb1",
                 "xcb-render-util": "libxcb-render-util0", "xcb-image": "libxcb-image0", "EGL": "libegl1",
                 "fontconfig": "libfontconfig1"}


def _missing_xcb_packages() -> list[str]:
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def _x_display_unreachable(display: str) -> bool:
    """True when DISPLAY names a local X server whose socket is not there (the usual mistake)."""
    host, _, rest = display.rpartition(":")
    if host not in ("", "unix"):
        return False  # a TCP display: let Qt try it
    number = rest.split(".", 1)[0]
    return number.isdigit() and not os.path.exists(f"/tmp/.X11-unix/X{number}")


def _no_display_message(plan_arg: str | None) -> str:
    target = plan_arg or "meta-rsc"
    return (f"cluster-planner: no display found ($DISPLAY and $WAYLAND_DISPLAY are unset). Evaluate the plan "
            f"headless instead: cluster-planner evaluate {target}  (or render the window: "
            f"cluster-planner gui --screenshot out.png {plan_arg or ''})".rstrip())


def platform_problem(screenshot: bool) -> str | None:
    """A one-line reason the window cannot open here, or None. Sets offscreen for screenshots."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
        return None
    if sys.platform.startswith("linux"):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            return "no-display"
        display = os.environ.get("DISPLAY")
        if display and not os.environ.get("WAYLAND_DISPLAY"):
            missing = _missing_xcb_packages()
            if missing:
                return ("cluster-planner: Qt's xcb platform plugin needs system libraries that are missing here; "
                        f"install them, e.g. on Debian/Ubuntu: sudo apt-get install {' '.join(missing)}")
            if _x_display_unreachable(display):
                return (f"cluster-planner: no X server answers on DISPLAY={display}. Start one, or evaluate the "
                        "plan headless: cluster-planner evaluate PLAN")
    return None


def resolve(plan_arg: str | None) -> Path:
    if plan_arg is None:
        return planner.preset_path()
    if not Path(plan_arg).exists() and plan_arg in planner.presets():
        return planner.preset_path(plan_arg)
    return Path(plan_arg)


def build_window(plan_path: Path | None = None, is_preset: bool = False):
    """The main window on a plan (the default preset if none); QApplication must exist."""
    from .document import PlanDocument
    from .main_window import MainWindow

    path = plan_path or planner.preset_path()
    plan = planner.load(path)
    # A preset opens as a new, unsaved plan: saving asks where, so presets are never overwritten.
    doc = PlanDocument(plan, None if is_preset else path)
    return MainWindow(doc)


def run(plan_arg: str | None, screenshot: str | None = None) -> int:
    problem = platform_problem(bool(screenshot))
    if problem == "no-display":
        print(_no_display_message(plan_arg), file=sys.stderr)
        return 2
    if problem:
        print(problem, file=sys.stderr)
        return 2
    path = resolve(plan_arg)
    is_preset = plan_arg is None or (not Path(plan_arg).exists() and plan_arg in planner.presets())
    try:
        planner.load(path)
    except PlanError as exc:
        print(str(exc), file=sys.stderr)
        return 1

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Cluster Planner")
    app.setOrganizationName("ClusterPlanner")
    window = build_window(path, is_preset)
    if screenshot:
        window.resize(1500, 950)
        window.show()
        for _ in range(5):
            app.processEvents()
        ok = window.grab().save(str(screenshot))
        window.document.undo_stack.setClean()
        window.close()
        if not ok:
            print(f"cluster-planner: could not write {screenshot}", file=sys.stderr)
            return 1
        print(f"wrote {screenshot}")
        return 0
    window.show()
    window.offer_recovery()
    quit_after = os.environ.get("CLUSTER_PLANNER_QUIT_AFTER_MS")  # for tests of the real event loop
    if quit_after:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(quit_after), window.close)
    return app.exec()
