"""Undoable commands: every change to the plan is one of these on the document's QUndoStack."""

from __future__ import annotations

import zlib

from PySide6.QtGui import QUndoCommand


class ReplacePlanCommand(QUndoCommand):
    """Swap the document's plan for a new one. Consecutive edits of the same field (same
    ``merge_key``) merge into one undo step, so typing or spinning a value is one step."""

    def __init__(self, document, before, after, text: str, merge_key: str | None = None):
        super().__init__(text)
        self._document = document
        self.before = before
        self.after = after
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        if self.merge_key is None:
            return -1
        return zlib.crc32(self.merge_key.encode()) & 0x7FFFFFFF

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, ReplacePlanCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self._document._set_plan(self.after)

    def undo(self) -> None:
        self._document._set_plan(self.before)
