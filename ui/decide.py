"""Deciding between designs in the window: the Compare menu (pin the plan on screen as the
baseline, clear it, add plans to compare), the baseline's deltas on the dashboard, and the
Compare, Sensitivity and Uncertainty tabs. ``install(window)`` adds them to a MainWindow."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from .baseline_deltas import BaselineDeltas
from .compare_view import CompareView
from .menus import _action
from .sensitivity_panel import SensitivityPanel
from .uncertainty_panel import UncertaintyPanel
from .view_state import Baseline


def install(window) -> None:
    doc, state = window.document, window.state
    window.compare = CompareView(doc, state)
    window.sensitivity = SensitivityPanel(doc, state)
    window.uncertainty = UncertaintyPanel(doc, state)
    window.tabs.addTab(window.compare, "Compare")
    window.tabs.addTab(window.sensitivity, "Sensitivity")
    window.tabs.addTab(window.uncertainty, "Uncertainty")
    window.baseline_deltas = BaselineDeltas(window.dashboard, doc, state, parent=window)
    for source in (window.compare, window.sensitivity):
        source.message.connect(window._show_status)
    window.sensitivity.field_requested.connect(window.select_field)

    menu = window.menuBar().addMenu("&Compare")
    window.pin_action = _action(window, menu, "&Pin current plan as baseline", lambda: pin_baseline(window),
                                (QKeySequence("Ctrl+B"),), "Every card then shows its change against this plan")
    window.clear_baseline_action = _action(window, menu, "&Clear baseline", lambda: state.set_baseline(None))
    menu.addSeparator()
    _action(window, menu, "Compare with a plan &file…", lambda: _show(window, window.compare._on_add_file_clicked))
    _action(window, menu, "Compare &view", lambda: window.tabs.setCurrentWidget(window.compare))
    state.baseline_changed.connect(lambda: _on_baseline_changed(window))
    _on_baseline_changed(window)


def pin_baseline(window) -> bool:
    """Pin the plan on screen, as it is now, as the baseline (False when it cannot be evaluated)."""
    doc = window.document
    if doc.results is None:
        window._show_status("Cannot pin a plan that cannot be evaluated as the baseline.")
        return False
    name = doc.path.name if doc.path else doc.plan.name
    window.state.set_baseline(Baseline(f"{name} (pinned)", doc.plan, doc.results))
    window._show_status(f"Pinned {name} as the baseline: every card now shows its change against it.")
    return True


def _show(window, then) -> None:
    window.tabs.setCurrentWidget(window.compare)
    then()


def _on_baseline_changed(window) -> None:
    window.clear_baseline_action.setEnabled(window.state.baseline is not None)
