"""Error bars in the window (issue 11, item 4): a predicted run's dashboard cards lead with its
80% intervals, readable at 1280 x 800, and the Performance tab's summary gives them too."""

from html import escape

import pytest
from PySide6.QtCore import Qt

import planner
from planner import interval_text as it


@pytest.fixture
def genai(qtbot):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import build_window

    w = build_window(planner.preset_path("meta-genai-2024"), is_preset=True)
    w.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_cards_of_a_predicted_run_show_its_intervals(genai, qtbot):
    cards = genai.dashboard.cards
    assert cards["sustained"].title.text() == "Sustained"  # the first run states its MFU: no interval
    genai.state.set(workload=1)
    pr = genai.document.results.workloads[1].predicted
    per = pr.tokens_per_s / pr.gpus_used
    lo, hi = (x / pr.gpus_used for x in pr.tokens_per_s_range)
    rate = f"80%: {it.sig3(lo)}–{it.sig3(hi)}"
    qtbot.waitUntil(lambda: cards["sustained"].title.text() == "Tokens/s per GPU")
    assert cards["sustained"].value.text() == f"{per:,.0f}"
    assert cards["sustained"].detail.text() == f"{rate}; MFU {pr.mfu:.1%}"
    t_lo, t_hi = (x / 86400 for x in pr.time_s_range)
    days = f"80%: {t_lo:.1f}–{t_hi:.1f} days"
    assert cards["time"].value.text() == f"{pr.time_s / 86400:.1f} days"
    assert cards["time"].detail.text().startswith(days + "; bound by compute")
    # readable: the ranges are drawn whole on the card (what follows them may elide)
    assert not cards["sustained"].detail.is_elided()
    assert cards["time"].detail.shown_text().startswith(days)
    # the explanation under the cards repeats the card's figure
    qtbot.mouseClick(cards["sustained"], Qt.MouseButton.LeftButton)
    text = genai.explain.toPlainText()
    assert f"Tokens/s per GPU of Llama 3 405B, predicted (best layout) = {per:,.0f}" in text
    assert pr.interval_basis in text


def test_performance_summary_gives_the_intervals(genai):
    genai.state.set(workload=1)
    genai.tabs.setCurrentWidget(genai.performance)
    pr = genai.document.results.workloads[1].predicted
    summary = genai.performance.summary.text()
    assert it.tokens_text(pr) in summary and it.step_text(pr) in summary
    assert escape(f"80% intervals from the model's errors on {pr.interval_basis}") in summary  # rich text
