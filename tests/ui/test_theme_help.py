"""Dark and light palettes, defaults and overrides said out loud, help and About offline,
--version, the icon, card and explanation in one format, export status as plain text, and an X
display that does not answer."""

import os
import socket
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

import planner
from planner import edit
from planner.plan import Facility
from tests.conftest import ROOT
from ui import theme
from ui.figures import CARDS
from ui.icon import SVG


def dark_palette() -> QPalette:
    p = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
                        (QPalette.ColorRole.Base, "#17181a"), (QPalette.ColorRole.Text, "#e8eaed"),
                        (QPalette.ColorRole.Button, "#2d2e30"), (QPalette.ColorRole.ButtonText, "#e8eaed"),
                        (QPalette.ColorRole.Highlight, "#8ab4f8"), (QPalette.ColorRole.Link, "#8ab4f8")):
        p.setColor(role, QColor(color))
    return p


@pytest.fixture
def palettes(qapp):
    light = qapp.palette()
    yield light, dark_palette()
    qapp.setPalette(light)


def readable(window):
    """Contrast of each card's title and detail, and of the explanation's note, with its background."""
    out = {}
    for key, card in window.dashboard.cards.items():
        bg = card.palette().color(QPalette.ColorRole.Window)
        out[key] = min(theme.contrast(label.palette().color(QPalette.ColorRole.WindowText), bg)
                       for label in (card.title, card.detail))
    return out


def test_cards_and_plots_read_in_dark_and_back_in_light(window, qtbot, palettes):
    light, dark = palettes
    changes = []
    theme.watcher().changed.connect(lambda: changes.append(1))
    assert min(readable(window).values()) >= 4.5 and not theme.is_dark()
    QApplication.setPalette(dark)
    QApplication.processEvents()
    assert theme.is_dark() and changes
    assert min(readable(window).values()) >= 4.5
    title = window.dashboard.cards["gpus"].title.palette().color(QPalette.ColorRole.WindowText)
    assert theme.luminance(title) > 0.3  # light text on the dark window, not the light theme's grey
    note = window.explain.toHtml()
    assert theme.muted(dark, QPalette.ColorRole.Base).name() in note
    colors = theme.plot_colors()
    assert colors.background.name() == "#17181a" and colors.foreground.name() == "#e8eaed"
    QApplication.setPalette(light)
    QApplication.processEvents()
    assert min(readable(window).values()) >= 4.5
    assert theme.luminance(window.dashboard.cards["gpus"].title.palette().color(QPalette.ColorRole.WindowText)) < 0.3


def test_apply_to_plot_colours_a_pyqtgraph_plot_from_the_palette(qtbot, palettes):
    import pyqtgraph as pg

    _, dark = palettes
    plot = pg.PlotWidget(title="Training time")
    qtbot.addWidget(plot)
    colors = theme.apply_to_plot(plot, dark)
    assert plot.backgroundBrush().color().name() == "#17181a" == colors.background.name()
    axis = plot.getPlotItem().getAxis("bottom")
    assert axis.pen().color().name() == "#e8eaed" and axis.textPen().color().name() == "#e8eaed"
    assert plot.getPlotItem().titleLabel.opts["color"] == "#e8eaed"


def facility_form(window):
    window.editor._select(("facility",))
    return window.editor.form(Facility)


def test_values_the_plan_pins_are_marked_and_cooling_says_what_it_did_not_change(window, qtbot):
    form = facility_form(window)
    assert form.editors["pue"].note.text() == "(set in plan; cooling's typical: 1.58)"
    assert form.editors["rack_power_limit_w"].note.text() == "(set in plan; cooling's limit: 25 kW)"
    assert "changing the cooling changes neither" in form.editors["cooling"].note.text()
    combo = form.editors["cooling"].widget
    combo.setCurrentIndex(combo.findText("liquid"))
    assert window.document.plan.facility.cooling == "liquid"
    said = window.statusBar().currentMessage()
    assert "the plan sets pue 1.1 (the cooling's typical: 1.1) and rack_power_limit 20 kW (the cooling's " \
           "typical: 150 kW)" in said
    assert form.editors["pue"].note.text() == "(set in plan; cooling's typical: 1.1)"
    # clear the pinned PUE: the note goes, and the empty field says what it uses
    pue = form.editors["pue"].widget
    pue.setFocus()
    pue.clear()
    pue.editingFinished.emit()
    assert window.document.plan.facility.pue is None
    assert not form.editors["pue"].note.isVisibleTo(form) and pue.placeholderText() == "default: the cooling's 1.1"
    window.document.recompute_now()
    assert window.dashboard.cards["facility_power"].detail.text() == "PUE 1.10 (liquid's typical)"
    window.undo()
    window.document.recompute_now()
    assert window.dashboard.cards["facility_power"].detail.text() == "PUE 1.10 (set in plan)"


def test_default_entries_say_what_the_default_is(window, qtbot):
    window.editor._select(("workloads", 0))
    form = window.editor.stack.currentWidget()
    phase = form.editors["phase"].widget
    assert phase.itemText(0) == "(default: the last, Phase 2)"
    assert window.document.run(edit.set_field, ("phases", 1, "name"), "Phase B", text="rename") == []
    assert phase.itemText(0) == "(default: the last, Phase B)"
    assert form.editors["gpus"].widget.placeholderText() == "default: all online at the phase"


def test_card_and_explanation_show_the_same_text(window, qtbot):
    for key, _title in CARDS:
        window.explain.show_key(key)
        value = window.dashboard.cards[key].value.text()
        assert f"= {value}\n" in window.explain.toPlainText() + "\n", key


def test_export_status_is_plain_text(window, tmp_path):
    target = tmp_path / "a&b.json"
    assert window.export(target, "json")
    assert window.statusBar().currentMessage() == f"Exported {target}"


def test_help_renders_the_readme_offline_and_about_names_versions(window, qtbot):
    import numpy
    import PySide6

    help_action = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu().actions()[0]
    help_action.trigger()
    dialog = window.help_window
    assert list(dialog.topics)[:2] == ["Keyboard", "Desktop application"]
    assert dialog.show_topic("Plan format")
    text = dialog.browser.toPlainText()
    assert "rack_power_limit" in text and "workloads[].model" in text and "![" not in text
    assert dialog.show_topic("What the model computes") and "PUE" in dialog.browser.toPlainText()
    from ui.menus import show_about

    box = show_about(window)
    about = box.text()
    for name, version in (("PySide6", PySide6.__version__), ("numpy", numpy.__version__),
                          ("Cluster Planner", planner.__version__)):
        assert f"<td>{name}</td><td><b>{version}</b></td>" in about
    assert "<td>Qt</td>" in about and "<td>pyqtgraph</td>" in about and "<td>Python</td>" in about
    box.close()


def test_window_icon_and_the_assets_copy(window):
    assert not window.windowIcon().isNull()
    assert window.windowIcon().availableSizes()[-1].width() == 256
    assert (ROOT / "assets" / "icon.svg").read_text() == SVG


def _cli(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM",)}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "ui.launcher", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)


def test_version(tmp_path):
    result = _cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"cluster-planner {planner.__version__}"


def _free_port_display() -> str:
    for number in range(42, 90):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", 6000 + number)) != 0:
                return f"localhost:{number}"
    pytest.skip("no free X display number on localhost")


def test_a_tcp_display_that_does_not_answer_ends_in_one_line(tmp_path):
    display = _free_port_display()
    result = _cli(env_extra={"DISPLAY": display, "CLUSTER_PLANNER_SETTINGS_DIR": str(tmp_path),
                             "WAYLAND_DISPLAY": ""})
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert f"no X server answers on DISPLAY={display}" in lines[0] or "apt-get install" in lines[0]


def test_the_plots_tab_follows_the_palette_into_dark_and_back(window, qtbot, palettes):
    """Every chart of the Plots tab takes the palette's background and text, when it changes."""
    light, dark = palettes
    window.tabs.setCurrentWidget(window.plots)
    views = window.plots.views
    QApplication.setPalette(dark)
    QApplication.processEvents()
    for view in views.values():
        assert view.graphics.backgroundBrush().color().name() == "#17181a"
        axis = view.plot_items[0].getAxis("left")
        assert axis.textPen().color().name() == "#e8eaed"
    QApplication.setPalette(light)
    QApplication.processEvents()
    assert all(theme.luminance(v.graphics.backgroundBrush().color()) > 0.5 for v in views.values())
