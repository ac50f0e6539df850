"""The Dependencies tab: the layered graph of app/dependency_graph.py, panned, zoomed, searched.

The canvas paints only the nodes and edges the viewport shows (the layout culls them), so a
5,000-item plan pans as a 50-item release does. Zoomed out (below SKETCH_BELOW) it sketches:
boxes as plain rectangles and edges as lines, each drawn in one call per colour from lists
built once per layout and look (selection, critical path, what-if), instead of item by item.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from app.dependency_graph import NODE_HEIGHT, NODE_WIDTH, DependencyLayout, Edge, Node, plan_layout
from app.impact import ImpactReport
from app.plan import Plan
from app.unit_of_work import ChangeNotice
from ui.formatting import format_slack, format_span, format_variance
from ui.gantt import palette
from ui.gantt.what_if import WhatIfDialog, WhatIfRunner
from ui.graph_canvas import MARGIN, GraphCanvas
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.view_actions import view_action

STATUS_COLOURS = {
    "not_started": QColor("#94a3b8"),
    "in_progress": QColor("#5b8def"),
    "done": QColor("#16a34a"),
    "blocked": QColor("#d97706"),
    "cancelled": QColor("#d1d5db"),
}
CROSS_RELEASE = QColor("#7c3aed")  # violet: neither a plain link (grey) nor critical (red)
CYCLE = QColor("#ea580c")  # orange: a dependency cycle, apart from the critical path's red
CYCLE_FILL = QColor("#fff1e6")
MOVES = QColor("#fde7b0")  # amber: an item a what-if would move
MOVES_EDGE = QColor("#b45309")
NODE_FILL = QColor("#ffffff")
NODE_EDGE = QColor("#9aa3b2")
SELECTED = QColor("#173a7a")
FADED = 0.18  # opacity of what is off the selected item's chains
SKETCH_BELOW = 0.35  # below this the text would be unreadable specks: boxes and lines only
FULL_TEXT_FROM = 0.7  # below this a box shows its key only (and a what-if's delta)
DENSE_EDGES = 300
SketchGroup = tuple[str, bool]  # colour name, lit
SketchLists = tuple[dict[SketchGroup, list[QLineF]], dict[SketchGroup, list[QRectF]]]
SKETCH_PIXELS = 16_000_000  # the largest zoomed-out picture kept (64 MB), else drawn per frame

_GRAPH_TABLES = ("work_items", "dependencies", "releases")
# Combined once: an enum "|" per text per node per frame shows in a profile.
_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
_TOP_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
_MIDDLE_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_BOTTOM_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
_BOTTOM_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom


class DependencyCanvas(GraphCanvas):
    """Paints a DependencyLayout; click selects, drag pans, Ctrl+wheel zooms, double-click opens."""

    selected = Signal(object)  # int | None
    opened = Signal(int)
    ZOOMS = (0.15, 0.25, 0.35, 0.5, 0.7, 0.85, 1.0, 1.25, 1.5, 2.0)
    layout_: DependencyLayout | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.critical = False
        self.selected_id: int | None = None
        self.chain: frozenset[int] = frozenset()  # the selection's upstream and downstream
        self.moves: dict[int, int] = {}  # item -> finish delta (working days) of a what-if
        self._sketch: tuple[object, SketchLists] | None = None
        self._sketch_image: tuple[float, QImage] | None = None  # at this zoom
        self._generation = 0  # of the layout: a new one makes the sketch stale
        # Per layout, built as first painted: an edge's lines and arrowhead (by id: the
        # layout holds the edges, so ids stay theirs) and a node's name elided to its box.
        self._segments: dict[int, tuple[list[QLineF], QPolygonF]] = {}
        self._names: dict[int, str] = {}
        self.viewport().setMouseTracking(False)

    # -- state ---------------------------------------------------------------------------------

    def set_layout(self, layout: DependencyLayout | None) -> None:
        self.layout_ = layout
        self._generation += 1  # the sketch of the last layout is stale
        self._segments = {}
        self._names = {}
        if layout is None or self.selected_id not in layout.nodes:
            self.select(None)
        else:
            self.select(self.selected_id)
        self._update_ranges()
        self.viewport().update()

    @override
    def node_clicked(self, node_id: int | None) -> None:
        self.select(node_id)

    def select(self, item_id: int | None) -> None:
        layout = self.layout_
        self.selected_id = item_id if layout is not None and item_id in layout.nodes else None
        if layout is None or self.selected_id is None:
            self.chain = frozenset()
        else:
            chain = layout.upstream(self.selected_id) | layout.downstream(self.selected_id)
            self.chain = frozenset(chain | {self.selected_id})
        self.viewport().update()
        self.selected.emit(self.selected_id)

    def focus(self, item_id: int) -> None:
        """Select an item and scroll it to the middle of the viewport."""
        layout = self.layout_
        if layout is None or item_id not in layout.nodes:
            return
        node = layout.nodes[item_id]
        self.select(item_id)
        self.centre_on(node.x + NODE_WIDTH / 2, node.y + NODE_HEIGHT / 2)

    # -- Qt events -----------------------------------------------------------------------------

    @override
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item_id = self._node_at(event.position())
        if item_id is not None:
            self.select(item_id)
            self.opened.emit(item_id)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), palette.BACKGROUND)
        layout = self.layout_
        if layout is None:
            return
        top_left = self._to_scene(QPointF(0, 0))
        painter.scale(self.zoom, self.zoom)
        painter.translate(-top_left.x(), -top_left.y())
        if self.zoom < SKETCH_BELOW:
            self._paint_sketch(painter, layout)
            return
        bottom_right = self._to_scene(QPointF(self.viewport().width(), self.viewport().height()))
        nodes, edges = layout.visible(
            top_left.x(), top_left.y(), bottom_right.x(), bottom_right.y()
        )
        # Antialiased long lines cost most of a paint; a dense view draws them plain.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(edges) <= DENSE_EDGES)
        self._paint_edges(painter, edges)
        for node in nodes:
            self._paint_node(painter, node)

    # -- painting ------------------------------------------------------------------------------

    def _lit(self, item_id: int, other: int | None = None) -> bool:
        """Whether to draw at full strength: on the selection's chains, or nothing selected."""
        chain = self.chain
        return not chain or (item_id in chain and (other is None or other in chain))

    def _edge_look(self, edge: Edge) -> tuple[QColor, bool, float]:
        """Colour, dashed, width: a cycle first, then the critical path, then a cross-release
        link; an edge is one of these at most."""
        if edge.on_cycle:
            return CYCLE, False, 2.2
        if self.critical and edge.critical:
            return palette.CRITICAL, False, 2.2
        if edge.cross_release:
            return CROSS_RELEASE, True, 1.3
        return palette.CONNECTOR, False, 1.3

    def _node_fill(self, node: Node) -> QColor:
        if node.id in self.moves:
            return MOVES
        return CYCLE_FILL if node.on_cycle else NODE_FILL

    def _node_outline(self, node: Node) -> QColor:
        if node.id == self.selected_id:
            return SELECTED
        if node.on_cycle:
            return CYCLE
        if self.critical and node.critical:
            return palette.CRITICAL
        return MOVES_EDGE if node.id in self.moves else NODE_EDGE

    def _paint_sketch(self, painter: QPainter, layout: DependencyLayout) -> None:
        """The whole graph as lines and plain boxes, one draw call per colour, drawn once per
        look and zoom into an image that a pan then only copies from (a graph too large for
        SKETCH_PIXELS at this zoom is drawn from the lists every frame instead)."""
        look = (self._generation, self.critical, self.chain, self.selected_id, tuple(self.moves))
        if self._sketch is None or self._sketch[0] != look:
            self._sketch = (look, self._sketch_lists(layout))
            self._sketch_image = None
        width = math.ceil((layout.width + 2 * MARGIN) * self.zoom)
        height = math.ceil((layout.height + 2 * MARGIN) * self.zoom)
        if width * height > SKETCH_PIXELS:
            self._draw_sketch(painter)
            return
        image = self._sketch_image
        if image is None or image[0] != self.zoom:
            picture = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
            picture.fill(palette.BACKGROUND)
            into = QPainter(picture)
            into.scale(self.zoom, self.zoom)
            into.translate(MARGIN, MARGIN)
            self._draw_sketch(into)
            into.end()
            image = self._sketch_image = (self.zoom, picture)
        painter.resetTransform()
        painter.drawImage(
            QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value()),
            image[1],
        )

    def _draw_sketch(self, painter: QPainter) -> None:
        assert self._sketch is not None
        lines, boxes = self._sketch[1]
        for (colour, lit), segments in lines.items():
            # Cosmetic: one pixel at any zoom.
            painter.setPen(QPen(_toned(colour, lit), 0))
            painter.drawLines(segments)
        painter.setPen(Qt.PenStyle.NoPen)
        for (colour, lit), rects in boxes.items():
            painter.setBrush(_toned(colour, lit))
            painter.drawRects(rects)

    def _sketch_lists(self, layout: DependencyLayout) -> SketchLists:
        lines: dict[SketchGroup, list[QLineF]] = defaultdict(list)
        for edge in layout.edges:
            # Undashed: a dash pattern is invisible at this size and slow on long lines.
            colour = self._edge_look(edge)[0]
            segments = lines[(colour.name(), self._lit(edge.predecessor, edge.successor))]
            points = edge.points
            segments.extend(QLineF(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(points))
        boxes: dict[SketchGroup, list[QRectF]] = defaultdict(list)
        for node in layout.nodes.values():
            colour = self._node_outline(node)
            if colour == NODE_EDGE:
                colour = STATUS_COLOURS.get(node.status, NODE_EDGE)
            boxes[(colour.name(), self._lit(node.id))].append(
                QRectF(node.x, node.y, NODE_WIDTH, NODE_HEIGHT)
            )
        return lines, boxes

    def _paint_edges(self, painter: QPainter, edges: list[Edge]) -> None:
        """Lines one call per look (colour, dash, width, lit), then arrowheads, then labels:
        a call per edge costs more than the drawing itself."""
        lines: dict[tuple[str, bool, float, bool], list[QLineF]] = defaultdict(list)
        arrows: dict[tuple[str, bool], QPainterPath] = defaultdict(QPainterPath)
        for edge in edges:
            colour, dashed, width = self._edge_look(edge)
            lit = self._lit(edge.predecessor, edge.successor)
            drawn = self._segments.get(id(edge))
            if drawn is None:
                x, y = edge.points[-1]
                drawn = self._segments[id(edge)] = (
                    [QLineF(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(edge.points)],
                    QPolygonF([QPointF(x, y), QPointF(x - 8, y - 4.5), QPointF(x - 8, y + 4.5)]),
                )
            name = colour.name()
            lines[(name, dashed, width, lit)].extend(drawn[0])
            arrows[(name, lit)].addPolygon(drawn[1])
        for (name, dashed, width, lit), segments in lines.items():
            pen = QPen(_toned(name, lit), width)
            pen.setCosmetic(True)  # device pixels: a scaled pen's stroking costs tenfold
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLines(segments)
        painter.setPen(Qt.PenStyle.NoPen)
        for (name, lit), path in arrows.items():
            painter.fillPath(path, _toned(name, lit))
        if self.zoom < FULL_TEXT_FROM:
            return
        painter.setFont(_font(8))
        for edge in edges:
            if edge.label == "FS":  # finish-to-start is the rule; say only exceptions
                continue
            x, y = edge.label_at
            colour = self._edge_look(edge)[0]
            painter.setPen(
                colour if self._lit(edge.predecessor, edge.successor) else _faded(colour)
            )
            painter.drawText(
                QRectF(x - 30, y - 16, 60, 14), Qt.AlignmentFlag.AlignCenter, edge.label
            )

    def _paint_node(self, painter: QPainter, node: Node) -> None:
        lit = self._lit(node.id)

        def tone(colour: QColor) -> QColor:
            return colour if lit else _faded(colour)

        box = QRectF(node.x, node.y, NODE_WIDTH, NODE_HEIGHT)
        critical = self.critical and node.critical
        outline = self._node_outline(node)
        pen = QPen(tone(outline), 1.0 if outline in (NODE_EDGE, MOVES_EDGE) else 2.5)
        pen.setCosmetic(True)
        if node.foreign:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(tone(self._node_fill(node)))
        small = self.zoom < FULL_TEXT_FROM  # corners of a pixel or two: square is cheaper
        if small:
            painter.drawRect(box)
        else:
            painter.drawRoundedRect(box, 5, 5)
        if node.folded:  # a collapsed phase: a second box behind, a stack of items
            painter.drawLine(
                QPointF(node.x + 4, node.y + NODE_HEIGHT + 3),
                QPointF(node.x + NODE_WIDTH - 4, node.y + NODE_HEIGHT + 3),
            )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tone(STATUS_COLOURS.get(node.status, NODE_EDGE)))
        stripe = QRectF(node.x + 1, node.y + 1, 6, NODE_HEIGHT - 2)
        if small:
            painter.drawRect(stripe)
        else:
            painter.drawRoundedRect(stripe, 3, 3)
        inner = box.adjusted(14, 5, -8, -5)
        painter.setPen(tone(palette.CRITICAL if critical else palette.TEXT))
        painter.setFont(_font(9, bold=True))
        # A collapsed phase says how many items it holds: "▸ 14".
        marker = {"milestone": "  ◆", "phase": f"  ▸ {node.folded}"}.get(node.kind, "")
        painter.drawText(inner, _TOP_LEFT, node.key + marker)
        delta = self.moves.get(node.id)
        if delta is not None:  # what the what-if would do to it says more than its status
            painter.setPen(tone(MOVES_EDGE))
            painter.setFont(_font(8, bold=True))
            painter.drawText(inner, _TOP_RIGHT, f"{format_variance(delta)} d")
        if small:  # the small print would be specks: the key says enough
            return
        painter.setPen(tone(palette.MUTED_TEXT))
        painter.setFont(_font(8))
        if delta is None:
            painter.drawText(inner, _TOP_RIGHT, node.status.replace("_", " "))
        painter.setPen(tone(palette.TEXT))
        painter.setFont(_font(9))
        name = self._names.get(node.id)
        if name is None:
            name = self._names[node.id] = painter.fontMetrics().elidedText(
                node.name, Qt.TextElideMode.ElideRight, round(inner.width())
            )
        painter.drawText(inner, _MIDDLE_LEFT, name)
        painter.setPen(tone(palette.MUTED_TEXT))
        painter.setFont(_font(8))
        if node.start and node.finish:
            painter.drawText(inner, _BOTTOM_LEFT, format_span(node.start, node.finish))
        slack = format_slack(node.slack)
        if slack and node.kind != "phase":
            painter.drawText(inner, _BOTTOM_RIGHT, f"{slack}d")


_TONED: dict[int, QColor] = {}


def _toned(name: str, lit: bool) -> QColor:
    colour = QColor(name)
    return colour if lit else _faded(colour)


def _faded(colour: QColor) -> QColor:
    """The colour as if drawn at FADED opacity over the background: painting with an opacity
    costs ten times as much as with a plain colour."""
    toned = _TONED.get(colour.rgba())
    if toned is None:
        back = palette.BACKGROUND
        toned = _TONED[colour.rgba()] = QColor.fromRgbF(
            *(
                FADED * c + (1 - FADED) * b
                for c, b in zip(
                    (colour.redF(), colour.greenF(), colour.blueF()),
                    (back.redF(), back.greenF(), back.blueF()),
                    strict=True,
                )
            )
        )
    return toned


_FONTS: dict[tuple[int, bool], QFont] = {}


def _font(points: int, bold: bool = False) -> QFont:
    font = _FONTS.get((points, bold))
    if font is None:
        font = _FONTS[(points, bold)] = QFont()
        font.setPointSize(points)
        font.setBold(bold)
    return font


class DependencyView(QWidget):
    """The tab: a toolbar (scope, zoom, fit, critical path, phases, what-if, search) over the
    canvas, and a banner naming the dependency cycles the graph shows."""

    item_selected = Signal(int)  # double-click: show this item in the window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: Plan | None = None
        self.editor: PlanEditor | None = None
        self.release_id: int | None = None
        self.collapsed: set[int] = set()  # phases drawn as one node, for this session
        self.dialog: WhatIfDialog | None = None
        self.runner = WhatIfRunner(self)
        self._stale = True  # rebuilt when shown: a hidden tab does not lay out on every edit
        self._scope: tuple[Plan, int | None] | None = None  # what the last fit was for
        self.canvas = DependencyCanvas()
        self.canvas.opened.connect(self.item_selected.emit)
        self.canvas.selected.connect(self._selection_changed)
        self.heading = QLabel()
        self.heading.setContentsMargins(8, 2, 8, 2)
        self.banner = QLabel()
        self.banner.setObjectName("cycleBanner")
        self.banner.setWordWrap(True)
        self.banner.setContentsMargins(8, 4, 8, 4)
        self.banner.setStyleSheet(
            f"background: {CYCLE_FILL.name()}; color: #9a3412; border-bottom: 1px solid "
            f"{CYCLE.name()};"
        )
        self.banner.hide()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find key or name…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(220)
        self.search.returnPressed.connect(self.find_item)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self._build_toolbar())
        box.addWidget(self.banner)
        box.addWidget(self.heading)
        box.addWidget(self.canvas, 1)
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.canvas.addActions([self.what_if_action, self.phase_action])

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Dependencies")
        bar.setObjectName("dependencyToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        def action(
            text: str, icon_name: str, tip: str, keys: list[str], slot: Callable[[], None]
        ) -> QAction:
            made = view_action(self, text, icon_name, tip, keys, slot)
            bar.addAction(made)
            return made

        self.whole_plan_action = action(
            "Whole plan", "release", "Show every release's items, not only this release's", [],
            self.refresh,
        )  # fmt: skip
        self.whole_plan_action.setCheckable(True)
        action("", "zoom-in", "Zoom in", ["Ctrl+=", "Ctrl++"], lambda: self.canvas.step_zoom(1))
        action(
            "", "zoom-out", "Zoom out (Ctrl+wheel)", ["Ctrl+-"], lambda: self.canvas.step_zoom(-1)
        )
        action("Fit", "zoom-fit", "Zoom to fit the graph", ["Ctrl+0"], self.canvas.fit)
        self.critical_action = action(
            "Critical path", "critical", "Show the critical path in red", [], self._critical
        )
        self.critical_action.setCheckable(True)
        bar.addSeparator()
        self.collapse_all_action = action(
            "Collapse phases", "phase", "Draw every phase as one node", [], self.collapse_all
        )
        self.expand_all_action = action(
            "Expand all", "phase", "Draw the items of every phase", [], self.expand_all
        )
        self.phase_action = view_action(
            self, "Collapse or expand phase", "phase",
            "Fold the selected item's phase into one node, or unfold the selected phase",
            ["Ctrl+Shift+P"], self.toggle_phase,
        )  # fmt: skip
        self.phase_action.setEnabled(False)
        self.what_if_action = action(
            "What if…",
            "what-if",
            "Slip the selected item and see what moves",
            ["Ctrl+I"],
            self.what_if,
        )
        self.what_if_action.setEnabled(False)
        bar.addSeparator()
        bar.addWidget(self.search)
        return bar

    def set_plan(
        self, plan: Plan | None, events: PlanEvents | None, editor: PlanEditor | None = None
    ) -> None:
        self._close_dialog()
        self.plan = plan
        self.editor = editor
        if events is not None:
            events.changed.connect(self.apply_change)
        self.release_id = None
        self.collapsed = set()
        self.refresh()

    def show_release(self, release_id: int | None) -> None:
        if release_id != self.release_id:
            self.release_id = release_id
            self.refresh()

    def apply_change(self, notice: ChangeNotice) -> None:
        if notice.derived or notice.touches(*_GRAPH_TABLES):
            self.refresh()
        if self.dialog is not None:
            self.dialog.apply_change(notice)

    def refresh(self) -> None:
        """Lay the graph out again now if the tab is shown, else when it next is."""
        self._stale = True
        if self.isVisible():
            self._rebuild()

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._rebuild()

    def _rebuild(self) -> None:
        self._stale = False
        plan = self.plan
        if plan is None:
            self.canvas.set_layout(None)
            self.heading.setText("")
            self.banner.hide()
            return
        whole = self.whole_plan_action.isChecked() or self.release_id is None
        layout = plan_layout(
            plan.state, None if whole else self.release_id, frozenset(self.collapsed)
        )
        self.canvas.set_layout(layout)
        scope = "the whole plan"
        if not whole and self.release_id in plan.state.releases:
            scope = plan.state.releases[self.release_id].name
        self.heading.setText(
            f"{len(layout.nodes)} items and {len(layout.edges)} links of {scope}; "
            "violet dashed: links to and from other releases"
        )
        self.banner.setVisible(bool(layout.cycles))
        if layout.cycles:
            self.banner.setText(
                "<b>Dependency cycle</b> among "
                + "; ".join(", ".join(keys) for keys in layout.cycles)
                + " (drawn in orange). The schedule leaves these links out until one of them"
                " is removed."
            )
        # A new release or scope starts fitted; an edit keeps the user's zoom and place.
        if self._scope != (plan, None if whole else self.release_id):
            self._scope = (plan, None if whole else self.release_id)
            self.canvas.overview()

    def find_item(self) -> None:
        layout = self.canvas.layout_
        found = layout.find(self.search.text()) if layout is not None else None
        if found is not None:
            self.canvas.focus(found)

    def _critical(self) -> None:
        self.canvas.critical = self.critical_action.isChecked()
        self.canvas.viewport().update()

    def _selection_changed(self, item_id: int | None) -> None:
        plan = self.plan
        record = plan.state.items.get(item_id) if plan is not None and item_id else None
        self.what_if_action.setEnabled(
            record is not None and record.kind != "phase" and self.editor is not None
        )
        self.phase_action.setEnabled(
            record is not None and (record.kind == "phase" or record.parent_id is not None)
        )

    # -- phases --------------------------------------------------------------------------------

    def collapse_all(self) -> None:
        if self.plan is not None:
            self.collapsed = {i for i, r in self.plan.state.items.items() if r.kind == "phase"}
            self.refresh()

    def expand_all(self) -> None:
        self.collapsed = set()
        self.refresh()

    def toggle_phase(self) -> None:
        """Unfold the selected collapsed phase, or fold the selected item's phase (the item's
        node becomes the phase's, which stays selected)."""
        plan, item_id = self.plan, self.canvas.selected_id
        record = plan.state.items.get(item_id) if plan is not None and item_id else None
        if record is None:
            return
        if record.id in self.collapsed:
            self.collapsed.discard(record.id)
            self.refresh()
        elif record.parent_id is not None:
            self.collapsed.add(record.parent_id)
            self.refresh()
            self.canvas.select(record.parent_id)

    # -- what if -------------------------------------------------------------------------------

    def what_if(self) -> None:
        """Slip the selected item in a window-modal dialog; the graph marks what would move
        and by how much; Apply makes it real as one undo step."""
        item_id = self.canvas.selected_id
        if item_id is None or self.editor is None or not self.what_if_action.isEnabled():
            return
        self._close_dialog()
        dialog = self.dialog = WhatIfDialog(self.editor, item_id, self.runner, self)
        dialog.moved.connect(lambda ids: self._mark(dialog.report if ids else None))
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _mark(self, report: ImpactReport | None) -> None:
        moves = {item.id: item.finish_delta for item in report.items} if report else {}
        self.canvas.moves = moves
        self.canvas.viewport().update()

    def _dialog_closed(self, dialog: WhatIfDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
