"""Start the desktop application (or render its window to a PNG and exit)."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import socket
import sys
import tempfile
from pathlib import Path

import planner
from planner.errors import PlanError

SHOT_SIZE = (1500, 950)  # screen pixels of a screenshot when no --size is given

# Libraries Qt's xcb platform plugin loads, and the Debian/Ubuntu packages that carry them.
XCB_LIBRARIES = {"xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0", "xcb-icccm": "libxcb-icccm4",
                 "xcb-keysyms": "libxcb-keysyms1", "xcb-shape": "libxcb-shape0", "xcb-xkb": "libxcb-xkb1",
                 "xcb-render-util": "libxcb-render-util0", "xcb-image": "libxcb-image0", "EGL": "libegl1",
                 "fontconfig": "libfontconfig1"}


def _missing_xcb_packages() -> list[str]:
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def _x_display_unreachable(display: str) -> bool:
    """True when no X server answers on DISPLAY (Qt's xcb plugin would abort with a core dump):
    the local socket is missing, a TCP display (``localhost:42``, an ssh forward) refuses or
    times out, or the server refuses the connection (libxcb says so, when it is installed)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return False  # a form we do not know: let Qt try it
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        if not (os.path.exists(path) or _unix_socket_answers("\0" + path)):
            return True
    elif not _tcp_answers(host, 6000 + int(number)):
        return True
    return _xcb_refuses(display)


def _unix_socket_answers(address: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(address)
            return True
    except OSError:
        return False


def _tcp_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2.0):
            return True
    except OSError:
        return False


def _xcb_refuses(display: str) -> bool:
    """Ask libxcb (what Qt's plugin uses) to connect; False when it cannot be asked."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return False
    try:
        lib = ctypes.CDLL(name)
        lib.xcb_connect.restype = ctypes.c_void_p
        lib.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        lib.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        lib.xcb_disconnect.argtypes = [ctypes.c_void_p]
        conn = lib.xcb_connect(display.encode(), None)
        error = lib.xcb_connection_has_error(conn)
        lib.xcb_disconnect(conn)
        return error != 0
    except (OSError, AttributeError):
        return False


def _no_display_message(plan_arg: str | None) -> str:
    target = plan_arg or "meta-rsc"
    return (f"cluster-planner: no display found ($DISPLAY and $WAYLAND_DISPLAY are unset). Evaluate the plan "
            f"headless instead: cluster-planner evaluate {target}  (or render the window: "
            f"cluster-planner gui --screenshot out.png {plan_arg or ''})".rstrip())


def offscreen_screen(width: int, height: int) -> str:
    """The offscreen platform with one screen of ``width`` x ``height`` pixels (a config file)."""
    config = {"screens": [{"name": "screenshot", "x": 0, "y": 0, "width": width, "height": height,
                           "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
    handle, path = tempfile.mkstemp(prefix="cluster-planner-screen-", suffix=".json")
    with os.fdopen(handle, "w") as f:
        json.dump(config, f)
    return f"offscreen:configfile={path}"


def _remove_screen_config() -> None:
    """The offscreen screen's config file is read when QApplication starts: then it can go."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    path = Path(platform.partition("configfile=")[2])
    if platform.startswith("offscreen:") and path.name.startswith("cluster-planner-screen-"):
        path.unlink(missing_ok=True)


def platform_problem(screenshot: bool, size: tuple[int, int] = SHOT_SIZE) -> str | None:
    """A one-line reason the window cannot open here, or None. For a screenshot: the offscreen
    platform, with a screen of ``size`` pixels."""
    if os.environ.get("QT_QPA_PLATFORM") and not (screenshot and os.environ["QT_QPA_PLATFORM"] == "offscreen"):
        return None
    if screenshot:  # plain offscreen has an 800 x 800 screen: give it the size asked for
        os.environ["QT_QPA_PLATFORM"] = offscreen_screen(*size)
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


def run(plan_arg: str | None, screenshot: str | None = None, size: tuple[int, int] | None = None,
        scale: float | None = None) -> int:
    """Open the window (or, with ``screenshot``, render it to a PNG of ``size`` screen pixels at
    ``scale`` — QT_SCALE_FACTOR — and exit)."""
    problem = platform_problem(bool(screenshot), size or SHOT_SIZE)
    if problem == "no-display":
        print(_no_display_message(plan_arg), file=sys.stderr)
        return 2
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if scale is not None:
        os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"  # read when QApplication starts
    path = resolve(plan_arg)
    is_preset = plan_arg is None or (not Path(plan_arg).exists() and plan_arg in planner.presets())
    try:
        planner.load(path)
    except PlanError as exc:
        print(str(exc), file=sys.stderr)
        return 1

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    _remove_screen_config()
    app.setApplicationName("Cluster Planner")
    app.setOrganizationName("ClusterPlanner")
    window = build_window(path, is_preset)
    if screenshot:
        from .screenshot import grab_window

        return grab_window(app, window, screenshot)
    if size is not None:
        ratio = float(os.environ.get("QT_SCALE_FACTOR", "1") or 1)
        window.resize(round(size[0] / ratio), round(size[1] / ratio))
    window.show()
    window.offer_recovery()
    quit_after = os.environ.get("CLUSTER_PLANNER_QUIT_AFTER_MS")  # for tests of the real event loop
    if quit_after:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(quit_after), window.close)
    return app.exec()
