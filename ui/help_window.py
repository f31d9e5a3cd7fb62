"""Help, offline: the README's sections (the plan format reference, what the model computes and
its limits) rendered from Markdown in a browser, plus the keyboard keys; and the About text with
the versions of everything the window runs on. The README is read from the source tree, or from
the installed package's metadata (pip stores it there as the long description)."""

from __future__ import annotations

import platform
import re
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QSplitter, QTextBrowser

import planner

README = Path(__file__).resolve().parent.parent / "README.md"
# README sections offered as help topics, by the start of their "## " heading
TOPICS = ("Desktop application", "Plan format", "What the model computes", "Performance model", "Checks",
          "Reliability", "The hardware catalog", "Known limits", "Command line")

KEYS = """# Keyboard

| Keys | What they do |
| --- | --- |
| Ctrl+Z, Ctrl+Shift+Z (or Ctrl+Y) | Undo, redo an edit of the plan; a field being typed in is committed first |
| Tab, Shift+Tab | Next, previous control: navigator, its buttons, the form's fields, then the views |
| Delete | In the navigator: remove the selected item (undoable) |
| Enter or Space on a figure | Show how it is computed |
| Enter on a warning | Select the field it points at |
| Alt+P, Alt+W | The dashboard's precision and workload |
| Ctrl+1 ... Ctrl+9 | Show the first ... ninth tab |
| Ctrl+Shift+E | Show or hide the design editor |
| F1 | This help |
"""


def readme_text() -> str:
    """The README's Markdown (source tree first, else the installed package's metadata)."""
    if README.is_file():
        return README.read_text(encoding="utf-8")
    try:
        meta = metadata.metadata("cluster-planner")
    except metadata.PackageNotFoundError:
        return ""
    return meta.get_payload() or meta.get("Description", "") or ""  # type: ignore[attr-defined]


def sections(markdown: str) -> dict[str, str]:
    """Level-2 sections of a Markdown text: heading -> its Markdown (heading included). Images are
    dropped (they are files beside the README, not in the package)."""
    out: dict[str, str] = {}
    parts = re.split(r"(?m)^## ", markdown)
    for part in parts[1:]:
        title = part.split("\n", 1)[0].strip()
        body = re.sub(r"(?m)^!\[[^\]]*\]\([^)]*\)\s*$", "", "## " + part)
        out[title] = body.strip() + "\n"
    return out


def topics(markdown: str | None = None) -> dict[str, str]:
    """Help topic -> Markdown: the keyboard keys, then the README sections in TOPICS order."""
    found = sections(readme_text() if markdown is None else markdown)
    out = {"Keyboard": KEYS}
    for start in TOPICS:
        for title, body in found.items():
            if title.startswith(start):
                out[title] = body
    if len(out) == 1:
        out["Help"] = "# Help\n\nThe README was not found in this installation; see the project's README.md.\n"
    return out


def versions() -> dict[str, str]:
    """What the window runs on: the app, Python, Qt, PySide6, pyqtgraph, numpy (metadata only:
    nothing is imported that the window has not loaded)."""
    import PySide6
    from PySide6.QtCore import qVersion

    def dist(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {"Cluster Planner": planner.__version__, "Python": platform.python_version(), "Qt": qVersion(),
            "PySide6": PySide6.__version__, "pyqtgraph": dist("pyqtgraph"), "numpy": dist("numpy")}


def about_text() -> str:
    lines = "".join(f"<tr><td>{k}</td><td><b>{v}</b></td></tr>" for k, v in versions().items())
    return ("<p><b>Cluster Planner</b>: plan AI supercomputers — accelerators, fabric, storage, power, cost "
            f"and training time, live.</p><table cellspacing='4'>{lines}</table>")


class HelpWindow(QDialog):
    """Topics on the left, the selected one rendered on the right; not modal."""

    def __init__(self, parent=None, markdown: str | None = None):
        super().__init__(parent)
        self.setObjectName("help_window")
        self.setWindowTitle("Cluster Planner help")
        self.topics = topics(markdown)
        self.list = QListWidget()
        self.list.setObjectName("help_topics")
        self.list.setAccessibleName("Help topics")
        self.list.addItems(list(self.topics))
        self.browser = QTextBrowser()
        self.browser.setObjectName("help_text")
        self.browser.setAccessibleName("Help text")
        self.browser.setOpenExternalLinks(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.browser)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 600])
        layout = QHBoxLayout(self)
        layout.addWidget(split)
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.list.setCurrentRow(0)
        self.resize(900, 600)

    def show_topic(self, start: str) -> bool:
        for row, title in enumerate(self.topics):
            if title.startswith(start):
                self.list.setCurrentRow(row)
                return True
        return False

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.browser.setMarkdown(list(self.topics.values())[row])
