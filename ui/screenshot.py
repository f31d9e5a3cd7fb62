"""Render the main window to a PNG, as a person would see it on the screen the window is on: the
offscreen screen is made the size asked for (ui.app.offscreen_screen), QT_SCALE_FACTOR scales
it, and the window fills the screen, so the PNG has exactly the screen's pixels."""

from __future__ import annotations

import sys


def grab_window(app, window, out: str) -> int:
    screen = window.screen() or app.primaryScreen()
    area = screen.availableGeometry()  # logical pixels: the screen's pixels / the scale factor
    window.setGeometry(area)
    window.show()
    for _ in range(5):
        app.processEvents()
    ok = window.grab().save(str(out))  # the pixmap is in device pixels (devicePixelRatio = scale)
    window.document.undo_stack.setClean()
    window.keep_layout = False  # a screenshot's window size is not the person's
    window.close()
    if not ok:
        print(f"cluster-planner: could not write {out}", file=sys.stderr)
        return 1
    ratio = screen.devicePixelRatio()
    print(f"wrote {out} ({round(area.width() * ratio)}x{round(area.height() * ratio)} screen pixels, window "
          f"{window.width()}x{window.height()} at scale {ratio:g})")
    return 0
