"""A tab that computes nothing while hidden and catches up when shown (DESIGN habit 8: work for
hidden views is deferred). Mix it in before QWidget; ``refresh`` starts with ``if self.hidden_now():
return``."""

from __future__ import annotations


class RefreshWhenShown:
    _stale = True  # a refresh was skipped (or none has run yet)

    def showEvent(self, event):  # noqa: N802 - Qt's name
        if self._stale:
            self.refresh(self.document.results)
        super().showEvent(event)

    def hidden_now(self) -> bool:
        """True, and the refresh remembered for when the tab is shown, while it is hidden."""
        if not self.isVisible():
            self._stale = True
            return True
        self._stale = False
        return False
