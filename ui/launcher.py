"""Entry point of the ``cluster-planner`` command.

Qt-free at import: every headless command runs straight through ``planner.cli`` without
loading PySide6; only ``gui`` (the default with no command) imports the application.
"""

from __future__ import annotations

import sys


def open_gui(plan: str | None, screenshot: str | None = None, size=None, scale=None) -> int:
    try:
        from .app import run
    except ImportError as exc:
        name = getattr(exc, "name", None) or str(exc)
        if not str(name).startswith(("PySide6", "pyqtgraph", "shiboken6")):
            raise
        print(f"cluster-planner: the desktop application needs PySide6 and pyqtgraph ({name} could not be "
              "imported); install them with: pip install -e '.[gui]'", file=sys.stderr)
        return 1
    return run(plan, screenshot=screenshot, size=size, scale=scale)


def main(argv=None) -> int:
    from planner.cli import main as cli_main

    return cli_main(argv, open_gui=open_gui)


if __name__ == "__main__":
    sys.exit(main())
