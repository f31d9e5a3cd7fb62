"""The Network tab: the compute fabric's figures for each phase (levels, switches per level,
links, optics, oversubscription, bisection, bandwidth per accelerator into the fabric and across
its top tier) and a drawing of the chosen phase's tiers. Figures and drawing come from
``planner.network_report`` (Qt-free); the drawing is laid out there and painted here on a
QGraphicsScene, and exports as the same SVG."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.atomic import write_text
from planner.network_report import diagram_svg, fabric_diagram, network_table

from .deferred import RefreshWhenShown
from .phase_table import PhaseTable


class DiagramView(QGraphicsView):
    """Paints a ``planner.network_report.Diagram``, scaled to fit (never above 100%)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("fabric_drawing")
        self.setAccessibleName("Drawing of the fabric's tiers")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))
        self.diagram = None

    def show_diagram(self, diagram) -> None:
        if diagram == self.diagram:
            return
        self.diagram = diagram
        scene = self.scene()
        scene.clear()
        for s in diagram.shapes:
            if s.kind == "line":
                scene.addLine(s.x, s.y, s.x2, s.y2, QPen(QColor(s.colour), s.width))
            elif s.kind == "box":
                item = scene.addRect(s.x, s.y, s.w, s.h, QPen(QColor(s.colour)), QBrush(QColor(s.fill or "#ffffff")))
                item.setToolTip(s.tip)
            else:
                font = QFont(self.font())
                font.setPointSizeF(s.size * 0.75)  # the layout's sizes are pixels at 96 dpi
                font.setBold(s.bold)
                text = scene.addSimpleText(s.text, font)
                text.setBrush(QBrush(QColor(s.colour)))
                width = text.boundingRect().width()
                dx = {"start": 0.0, "middle": -width / 2, "end": -width}[s.anchor]
                text.setPos(s.x + dx, s.y - text.boundingRect().height() * 0.8)
        scene.setSceneRect(QRectF(0, 0, diagram.width, diagram.height))
        self._fit()

    def _fit(self) -> None:
        if self.diagram is None:
            return
        self.resetTransform()
        view = self.viewport().rect()
        scale = min(1.0, (view.width() - 4) / self.diagram.width, (view.height() - 4) / self.diagram.height)
        self.scale(max(scale, 0.1), max(scale, 0.1))

    def resizeEvent(self, event):  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()


class NetworkPanel(RefreshWhenShown, QWidget):
    message = Signal(str)

    def __init__(self, document, state, parent=None):
        super().__init__(parent)
        self.document = document
        self.state = state
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.summary = QLabel()
        self.summary.setObjectName("network_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = PhaseTable("network_table")
        self.table.setAccessibleName("Fabric figures by phase")
        split.addWidget(self.table)
        below = QWidget()
        box = QVBoxLayout(below)
        box.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        label = QLabel("&Drawing of phase")
        self.phase_box = QComboBox()
        self.phase_box.setObjectName("network_phase")
        self.phase_box.setAccessibleName("Phase drawn")
        label.setBuddy(self.phase_box)
        self.phase_box.currentIndexChanged.connect(self._on_phase_chosen)
        export = QPushButton("Export SVG…")
        export.setToolTip("Save the drawing of the fabric as SVG")
        export.clicked.connect(self._on_export_clicked)
        for w in (label, self.phase_box):
            head.addWidget(w)
        head.addStretch(1)
        head.addWidget(export)
        box.addLayout(head)
        self.drawing = DiagramView()
        box.addWidget(self.drawing, 1)
        split.addWidget(below)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self._phase = -1  # the phase drawn: the last unless one is chosen
        document.results_ready.connect(self.refresh)

    def refresh(self, r) -> None:
        if self.hidden_now():
            return
        if r is None or not r.phases:
            self.summary.setText(escape(self.document.failure or "The plan cannot be evaluated."))
            self.table.setRowCount(0)
            return
        plan = self.document.plan
        phases, rows = network_table(plan, r)
        self.table.set_rows(phases, rows)
        n = r.network
        self.summary.setText(
            f"<b>{escape(n.fabric)}</b> {escape(n.topology)}, {n.levels} level{'s' if n.levels != 1 else ''}, "
            f"{n.switches:,} switches: <b>{self._bandwidth(r)}</b> per accelerator. Phases are cumulative; hover a "
            "figure's name for how it is computed.")
        names = [ph.name for ph in r.phases]
        self.phase_box.blockSignals(True)
        if [self.phase_box.itemText(i) for i in range(self.phase_box.count())] != names:
            self.phase_box.clear()
            self.phase_box.addItems(names)
        index = self._phase if -len(names) <= self._phase < len(names) else -1
        self.phase_box.setCurrentIndex(index % len(names))
        self.phase_box.blockSignals(False)
        self.drawing.show_diagram(fabric_diagram(plan, r, index))

    @staticmethod
    def _bandwidth(r) -> str:
        from planner.units import format_quantity as q

        n = r.network
        text = q(n.injection_bandwidth_per_accelerator_bytes_per_s, "bandwidth") + " into the fabric"
        if n.oversubscription > 1:
            text += f", {q(n.bandwidth_per_accelerator_bytes_per_s, 'bandwidth')} across the top tier"
        return text

    def _on_phase_chosen(self, index: int) -> None:
        if index >= 0:
            self._phase = index
            self.refresh(self.document.results)

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the fabric drawing", "fabric.svg", "SVG (*.svg)")
        if path:
            self.export(path)

    def export(self, path) -> None:
        if self.drawing.diagram is not None:
            write_text(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + diagram_svg(self.drawing.diagram))
            self.message.emit(f"Exported {path}")
