"""The component graph: a release's services painted from app/component_graph.py's layout.

Nodes show the component's name, the version the release ships and where it comes from
(built here, vendor, open source); edges show the version constraint. A conflict paints its
node or edge red and its sentences are the tooltip. Drag pans, Ctrl+wheel zooms around the
pointer, Fit shows all (a graph first opens no smaller than readable, scrolled instead); a
click on a node emits `component_clicked`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QToolTip, QWidget
from typing_extensions import override

from app.component_graph import NODE_HEIGHT, NODE_WIDTH, ComponentLayout, Edge, Node
from ui.gantt import palette
from ui.graph_canvas import GraphCanvas

CONFLICT = QColor("#dc2626")
CONFLICT_FILL = QColor("#fef2f2")
NODE_FILL = QColor("#ffffff")
OUTSIDE_FILL = QColor("#f8fafc")  # required by the release's services, not touched by it
NODE_EDGE = QColor("#9aa3b2")
SELECTED = QColor("#173a7a")
EDGE = QColor("#64748b")
BADGE_COLOURS = {
    "built_here": QColor("#2563eb"),
    "vendor": QColor("#b45309"),
    "open_source": QColor("#15803d"),
}
RISK_COLOURS = {
    "low": QColor("#15803d"),
    "medium": QColor("#b45309"),
    "high": QColor("#dc2626"),
    "critical": QColor("#7f1d1d"),
}
DENSE_EDGES = 150  # above this many edges in view, lines are drawn without antialiasing


def node_outline(node: Node, selected: bool) -> QColor:
    """The colour a node's border is painted in: red for a conflict, whatever else holds."""
    if node.conflict:
        return CONFLICT
    return SELECTED if selected else NODE_EDGE


def edge_colour(edge: Edge) -> QColor:
    return CONFLICT if edge.conflict else EDGE


class ComponentGraphCanvas(GraphCanvas):
    """Paints a ComponentLayout; records what it painted last (`painted`) for whoever checks."""

    component_clicked = Signal(int)
    ZOOMS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1.0, 1.25, 1.5, 2.0)
    FIT_AT_MOST = 1.0  # a small graph is never blown up past 100%
    layout_: ComponentLayout | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selected_id: int | None = None
        # The outline colour of every node and the colour of every edge the last paint drew.
        self.painted: dict[int | tuple[int, int], QColor] = {}

    def set_layout(self, layout: ComponentLayout | None) -> None:
        self.layout_ = layout
        if layout is None or self.selected_id not in layout.nodes:
            self.selected_id = None
        self._update_ranges()
        self.viewport().update()

    @override
    def node_clicked(self, node_id: int | None) -> None:
        self.select(node_id)
        if node_id is not None:
            self.component_clicked.emit(node_id)

    def select(self, component_id: int | None) -> None:
        layout = self.layout_
        self.selected_id = component_id if layout and component_id in layout.nodes else None
        self.viewport().update()

    def node_rect(self, component_id: int) -> QRectF:
        """Where a node's box shows in the viewport (empty if it is not in the graph)."""
        layout = self.layout_
        if layout is None or component_id not in layout.nodes:
            return QRectF()
        node = layout.nodes[component_id]
        size = QSizeF(NODE_WIDTH * self.zoom, NODE_HEIGHT * self.zoom)
        return QRectF(self.to_viewport(node.x, node.y), size)

    def reveal(self, component_id: int) -> None:
        """Scroll a node to the middle of the view unless all of it shows already."""
        box = self.node_rect(component_id)
        if box.isEmpty() or QRectF(self.viewport().rect()).contains(box):
            return
        scene = self._to_scene(box.center())
        self.centre_on(scene.x(), scene.y())

    def tooltip_at(self, point: QPointF) -> str:
        """What hovering at a viewport point tells: a node's or an edge's conflicts, else the
        node's name, version and origin, or the edge's constraint."""
        layout = self.layout_
        if layout is None:
            return ""
        scene = self._to_scene(point)
        found = layout.node_at(scene.x(), scene.y())
        if found is not None:
            node = layout.nodes[found]
            risk = f" · {node.risk} risk" if node.risk else ""
            head = f"{node.name} {node.shipped} · {node.badge}{risk}"
            return "\n".join([head, *node.problems])
        edge = layout.edge_near(scene.x(), scene.y(), 6 / self.zoom)
        if edge is None:
            return ""
        required, requiring = layout.nodes[edge.depends_on], layout.nodes[edge.component]
        head = f"{requiring.name} needs {required.name} {edge.label or '(any version)'}"
        return "\n".join([head, *edge.problems])

    # -- Qt events ---------------------------------------------------------------------------

    @override
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(self.viewport().mapFromGlobal(event.globalPos())))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), palette.BACKGROUND)
        self.painted = {}
        layout = self.layout_
        if layout is None:
            return
        top_left = self._to_scene(QPointF(0, 0))
        view = QRectF(top_left, self._to_scene(QPointF(self.viewport().rect().bottomRight())))
        # A release touches tens of services; what lies outside the view is skipped by its
        # bounding box, so a large estate pans too, and it draws plain where it is dense.
        edges = [e for e in layout.edges if view.intersects(_bounds(e.points))]
        nodes = [
            n
            for n in layout.nodes.values()
            if view.intersects(QRectF(n.x - 5, n.y - 5, NODE_WIDTH + 10, NODE_HEIGHT + 10))
        ]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(edges) <= DENSE_EDGES)
        painter.scale(self.zoom, self.zoom)
        painter.translate(-top_left.x(), -top_left.y())
        for edge in edges:
            self._paint_edge(painter, edge)
        for node in nodes:
            self._paint_node(painter, node)

    # -- painting ----------------------------------------------------------------------------

    def _paint_edge(self, painter: QPainter, edge: Edge) -> None:
        colour = edge_colour(edge)
        self.painted[(edge.component, edge.depends_on)] = colour
        # Whole-pixel widths: antialiased lines of a fractional width (1.3) painted several
        # times slower here in a side-by-side run.
        painter.setPen(QPen(colour, 2.0 if edge.conflict else 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        points = [QPointF(x, y) for x, y in edge.points]
        painter.drawPolyline(points)
        tip = points[-1]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([tip, tip + QPointF(-8, -4.5), tip + QPointF(-8, 4.5)]))
        if edge.label:
            mid = (points[1] + points[2]) / 2
            painter.setFont(_font(8, bold=edge.conflict))
            box = QRectF(mid.x() - 45, mid.y() - 8, 90, 16)
            width = painter.fontMetrics().horizontalAdvance(edge.label) + 8
            back = QRectF(mid.x() - width / 2, mid.y() - 8, width, 16)
            painter.setBrush(palette.BACKGROUND)
            painter.drawRoundedRect(back, 3, 3)
            painter.setPen(colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, edge.label)

    def _paint_node(self, painter: QPainter, node: Node) -> None:
        box = QRectF(node.x, node.y, NODE_WIDTH, NODE_HEIGHT)
        selected = node.id == self.selected_id
        outline = node_outline(node, selected)
        self.painted[node.id] = outline
        pen = QPen(outline, 2.0 if node.conflict or selected else 1.0)
        if not node.touched:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(
            CONFLICT_FILL if node.conflict else NODE_FILL if node.touched else OUTSIDE_FILL
        )
        painter.drawRoundedRect(box, 5, 5)
        if selected:  # a ring outside the border, which stays red for a conflict
            painter.setPen(QPen(SELECTED, 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(-4, -4, 4, 4), 8, 8)
        inner = box.adjusted(10, 6, -8, -6)
        right = inner.right()
        if node.conflict:
            painter.setFont(_font(10, bold=True))
            painter.setPen(CONFLICT)
            painter.drawText(inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, "⚠")
            right -= painter.fontMetrics().horizontalAdvance("⚠") + 4
        if node.risk:  # a third-party update's risk, beside the name
            colour = RISK_COLOURS.get(node.risk, palette.MUTED_TEXT)
            right = _pill(painter, right, inner.top(), f"{node.risk} risk", colour).left() - 4
        painter.setFont(_font(9, bold=True))
        painter.setPen(CONFLICT if node.conflict else palette.TEXT)
        name = painter.fontMetrics().elidedText(
            node.name, Qt.TextElideMode.ElideRight, round(right - inner.left())
        )
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, name)
        badge = _pill(
            painter,
            inner.right(),
            inner.bottom() - 15,
            node.badge,
            BADGE_COLOURS.get(node.origin, palette.MUTED_TEXT),
        )
        painter.setFont(_font(9 if node.shipped == node.version else 8))
        painter.setPen(palette.TEXT if node.version else palette.MUTED_TEXT)
        shipped = painter.fontMetrics().elidedText(
            node.shipped, Qt.TextElideMode.ElideMiddle, round(badge.left() - 4 - inner.left())
        )
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, shipped)


def _pill(painter: QPainter, right: float, top: float, text: str, colour: QColor) -> QRectF:
    """A rounded label ending at `right`, in a light fill of its colour; its rectangle."""
    painter.setFont(_font(7, bold=True))
    width = painter.fontMetrics().horizontalAdvance(text) + 10
    pill = QRectF(right - width, top, width, 15)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour.lighter(185))
    painter.drawRoundedRect(pill, 7, 7)
    painter.setPen(colour)
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
    return pill


def _bounds(points: tuple[tuple[float, float], ...]) -> QRectF:
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    # Room for the label above the line, and for a horizontal edge's zero height.
    return QRectF(min(xs), min(ys) - 10, max(xs) - min(xs) + 1, max(ys) - min(ys) + 20)


_FONTS: dict[tuple[int, bool], QFont] = {}


def _font(points: int, bold: bool = False) -> QFont:
    font = _FONTS.get((points, bold))
    if font is None:
        font = _FONTS[(points, bold)] = QFont()
        font.setPointSize(points)
        font.setBold(bold)
    return font
