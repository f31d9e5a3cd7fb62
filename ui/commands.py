"""Undoable commands: every change to the plan is one of these on the document's QUndoStack."""

from __future__ import annotations

import zlib

from PySide6.QtGui import QUndoCommand


class ReplacePlanCommand(QUndoCommand):
    """Swap the document's plan (and the file it belongs to) for new ones. The command holds the
    before and after of everything an edit changes, so undo puts back the plan and its file.
    Consecutive edits of the same field (same ``merge_key``) merge into one undo step, so typing
    or spinning a value is one step."""

    _UNCHANGED = object()

    def __init__(self, document, before, after, text: str, merge_key: str | None = None,
                 path_after=_UNCHANGED):
        super().__init__(text)
        self._document = document
        self.before = before
        self.after = after
        self.path_before = document.path
        self.path_after = document.path if path_after is self._UNCHANGED else path_after
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        if self.merge_key is None:
            return -1
        return zlib.crc32(self.merge_key.encode()) & 0x7FFFFFFF

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, ReplacePlanCommand) or other.merge_key != self.merge_key:
            return False
        if other.path_after != self.path_after:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self._document._set_state(self.after, self.path_after)

    def undo(self) -> None:
        self._document._set_state(self.before, self.path_before)
