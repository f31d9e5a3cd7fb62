"""The plan's undo and redo keys, in one place: the Edit menu's actions and the form fields (which
hand these keys to the plan instead of undoing their own text) use the same list."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

UNDO_KEYS = (QKeySequence.StandardKey.Undo, "Ctrl+Z")
REDO_KEYS = (QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z", "Ctrl+Y")


def shortcuts(*keys) -> list[QKeySequence]:
    """Key sequences, the platform's first, without repeats."""
    out: list[QKeySequence] = []
    for key in keys:
        seqs = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
        for seq in seqs:
            if not seq.isEmpty() and seq not in out:
                out.append(seq)
    return out


def history_key(event) -> str | None:
    """"undo" or "redo" when a key event is one of the plan's undo or redo keys, else None."""
    combo = QKeySequence(event.keyCombination())
    for name, keys in (("undo", UNDO_KEYS), ("redo", REDO_KEYS)):
        if any(combo.matches(seq) == QKeySequence.SequenceMatch.ExactMatch for seq in shortcuts(*keys)):
            return name
    return None
