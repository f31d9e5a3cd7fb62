"""The cost of ownership in the window: the dashboard's cost cards, the Costs part of the design
editor, the explanation's links and the Plots tab's cost breakdown, following edits."""

import pytest
from PySide6.QtCore import QUrl

from planner.chart_builders import charts_for
from tests.ui.test_editors import select, type_into


def test_cards_editor_explanation_and_plot_follow_a_costs_edit(window, qtbot):
    cards = window.dashboard.cards
    assert cards["opex"].title.text() == "Cost of ownership per year"
    assert (cards["opex"].value.text(), cards["opex"].detail.text()) == ("145.4 M USD", "1.037 USD per GPU-hour")
    assert cards["capex"].detail.text() == "incomplete: some prices unknown"

    window.dashboard._on_card_clicked("opex")
    text = window.explain.toPlainText()
    assert "Cost of ownership per year = 145.4 M USD" in text
    assert "398.00 M USD / 4 years = 99.50 M USD" in text
    window.explain._on_anchor_clicked(QUrl("field:costs.systems_depreciation"))
    assert window.editor.current_path() == ("costs",)

    form = select(window, ("costs",))
    type_into(qtbot, form.editors["systems_life_s"], "5 years")  # 398 M USD over 5 years: 19.9 M USD less a year
    doc = window.document
    doc.recompute_now()
    assert doc.plan.costs.systems_life_s == 5 * 365 * 86400
    assert doc.results.tco.usd_per_year == pytest.approx(145_369_719.27 - 398e6 / 4 + 398e6 / 5)
    qtbot.waitUntil(lambda: cards["opex"].value.text() == "125.5 M USD")

    window.tabs.setCurrentWidget(window.plots)
    view = window.plots.views["cost"]
    assert view.chart == charts_for(doc.plan, doc.results, 0, "bf16")["cost"]
    assert list(view.series_item(0, 0).opts["height"])[0] == pytest.approx(79.6)  # systems: 398 / 5
    assert view.notes.text() == "Incomplete: 4 components without a price (warning price-unknown)"
