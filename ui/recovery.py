"""Crash recovery: while the plan has unsaved edits, a copy is written every few seconds to the
user's state folder (platformdirs); a normal save, or closing without saving, removes it. After
a crash the next start finds the copy and offers to restore it.

A copy is YAML with one header line of metadata: the file it belongs to, when it was written
and by which process (a copy whose process is still running belongs to another open window and
is not offered)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

import planner
from planner.atomic import write_text
from planner.errors import PlanError

HEADER = "# cluster-planner recovery: "
INTERVAL_MS = 3000


def state_dir() -> Path:
    folder = os.environ.get("CLUSTER_PLANNER_STATE_DIR")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_state_dir("cluster-planner", appauthor=False))


@dataclass(frozen=True)
class Recovered:
    copy: Path
    plan: planner.Plan
    original: Path | None
    written: str


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


def find(folder: Path | None = None) -> list[Recovered]:
    """Recovery copies left by processes that are gone, newest first; unreadable ones are skipped."""
    folder = (folder or state_dir()) / "recovery"
    found = []
    for copy in sorted(folder.glob("*.yaml"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []:
        try:
            text = copy.read_text(encoding="utf-8")
            meta = json.loads(text.splitlines()[0][len(HEADER):]) if text.startswith(HEADER) else {}
            if _alive(int(meta.get("pid", 0))):
                continue
            plan = planner.loads(text, str(copy))
        except (OSError, ValueError, IndexError, PlanError):
            continue
        original = Path(meta["path"]) if meta.get("path") else None
        found.append(Recovered(copy, plan, original, meta.get("written", "")))
    return found


class RecoveryKeeper(QObject):
    """Keeps the recovery copy of one document."""

    def __init__(self, document, folder: Path | None = None, interval_ms: int = INTERVAL_MS, parent=None):
        super().__init__(parent or document)
        self.document = document
        self.folder = (folder or state_dir()) / "recovery"
        self._untitled = f"untitled-{os.getpid()}-{id(document):x}"
        self._copy: Path | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.write_now)
        document.modified_changed.connect(self._on_document_modified_changed)
        document.path_changed.connect(self._on_document_path_changed)

    def copy_path(self) -> Path:
        path = self.document.path
        key = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16] if path else self._untitled
        return self.folder / f"{key}.yaml"

    def _on_document_modified_changed(self, modified: bool) -> None:
        if modified:
            self.timer.start()
        else:
            self.timer.stop()
            self.remove()

    def _on_document_path_changed(self, _path) -> None:
        if self._copy is not None and self._copy != self.copy_path():
            self.remove()

    def write_now(self) -> None:
        """Write the copy now (the timer calls this every few seconds while there are unsaved edits)."""
        if not self.document.modified:
            return
        meta = {"path": str(self.document.path.resolve()) if self.document.path else None, "pid": os.getpid(),
                "written": _dt.datetime.now().isoformat(timespec="seconds")}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            copy = self.copy_path()
            write_text(copy, HEADER + json.dumps(meta) + "\n" + planner.dumps(self.document.plan))
            self._copy = copy
        except OSError:
            pass  # a recovery copy is a courtesy: never interrupt the user for it

    def remove(self) -> None:
        for copy in {self._copy, self.copy_path()} - {None}:
            try:
                copy.unlink()
            except OSError:
                pass
        self._copy = None
