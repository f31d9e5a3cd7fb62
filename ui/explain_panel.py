"""Explains a headline figure: its formula, the values put in and the plan fields they came
from (links that select the field in the design editor). Plan text is escaped. It always
describes the workload and precision of the view state (the ones the dashboard shows), and its
headline is the card's own text (ui.figures), so both read ``30.0 days``."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTextBrowser

from planner.explain import explain

from . import theme
from .figures import headline_figures


class ExplainPanel(QTextBrowser):
    field_requested = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.setObjectName("explain")
        self.setAccessibleName("How it is computed")
        self.document_ = document
        self.state = state
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.key = "time"
        document.results_ready.connect(self.refresh)
        state.changed.connect(self.refresh)
        self.refresh()

    @property
    def workload(self) -> int:
        return self.state.workload

    @property
    def precision(self) -> str:
        return self.state.precision

    def show_key(self, key: str) -> None:
        self.key = key
        self.refresh()

    def refresh(self, *_args) -> None:
        doc = self.document_
        if doc.results is None:
            self.setPlainText(doc.failure or "The plan cannot be evaluated.")
            return
        workload = min(self.state.workload, max(len(doc.results.workloads) - 1, 0))
        e = explain(doc.plan, doc.results, self.key, workload, self.state.precision)
        card = headline_figures(doc.plan, doc.results, self.state.precision, workload).get(self.key)
        headline = card[1] if card is not None else e.value
        rows = []
        for label, value, path in e.inputs:
            link = f" <a href='field:{escape(path)}'>{escape(path)}</a>" if path else ""
            rows.append(f"<tr><td>{escape(label)}</td><td><b>{escape(value)}</b></td><td>{link}</td></tr>")
        self.setHtml(
            f"<h3>{escape(e.title)} = {escape(headline)}</h3>"
            f"<p><i>{escape(e.formula)}</i></p>"
            f"<table cellspacing='4'>{''.join(rows)}</table>"
            f"<p style='color:{theme.muted(self.palette(), QPalette.ColorRole.Base).name()}'>Click a figure "
            "on the dashboard (or press Enter on it) to explain it; a link selects the plan field.</p>"
        )

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "state") and self.isVisible():
            self.refresh()

    def _on_anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("field:"):
            self.field_requested.emit(text[len("field:"):])
