"""What the graph canvases share: a laid-out scene panned by dragging, zoomed around a point
with Ctrl+wheel through fixed steps, fitted to the viewport (or, first shown, to no smaller
than its text can be read), and clicked to pick a node.

The Dependencies tab's canvas and the component graph's paint different layouts; both keep
their layout in `layout_`, which answers its size and the node at a scene point.
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Protocol

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget
from typing_extensions import override

MARGIN = 24.0  # scene units around the layout


class GraphLayout(Protocol):
    @property
    def nodes(self) -> Sized: ...
    @property
    def width(self) -> float: ...
    @property
    def height(self) -> float: ...
    def node_at(self, x: float, y: float) -> int | None: ...


class GraphCanvas(QAbstractScrollArea):
    """Pan, zoom and fit for a layout in scene units; subclasses paint it."""

    ZOOMS: tuple[float, ...] = (0.5, 1.0, 2.0)
    FIT_AT_MOST = 2.0  # the largest zoom Fit uses (a small graph is not blown up past it)
    READABLE_ZOOM = 0.8  # below this the boxes' text is too small to read

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_: GraphLayout | None = None
        self.zoom = 1.0
        self._drag: QPoint | None = None
        self._dragged = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def node_clicked(self, node_id: int | None) -> None:
        """A click (not a pan) on a node, or on nothing (None)."""

    # -- zoom and scrolling ----------------------------------------------------------------------

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the scene point under `anchor` (viewport pixels) where it is."""
        zoom = min(max(zoom, self.ZOOMS[0]), self.ZOOMS[-1])
        at = anchor or QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        scene = self._to_scene(at)
        self.zoom = zoom
        self._update_ranges()
        self.horizontalScrollBar().setValue(round((scene.x() + MARGIN) * zoom - at.x()))
        self.verticalScrollBar().setValue(round((scene.y() + MARGIN) * zoom - at.y()))
        self.viewport().update()

    def step_zoom(self, steps: int, anchor: QPointF | None = None) -> None:
        larger = [z for z in self.ZOOMS if z > self.zoom + 1e-6]
        smaller = [z for z in self.ZOOMS if z < self.zoom - 1e-6]
        if steps > 0 and larger:
            self.set_zoom(larger[0], anchor)
        elif steps < 0 and smaller:
            self.set_zoom(smaller[-1], anchor)

    def fit(self) -> None:
        layout = self.layout_
        if layout is None or not len(layout.nodes):
            return
        width = max(self.viewport().width(), 1) / (layout.width + 2 * MARGIN)
        height = max(self.viewport().height(), 1) / (layout.height + 2 * MARGIN)
        self.zoom = min(max(min(width, height), self.ZOOMS[0]), self.FIT_AT_MOST)
        self._update_ranges()
        self.horizontalScrollBar().setValue(0)
        self.verticalScrollBar().setValue(0)
        self.viewport().update()

    def overview(self) -> None:
        """The first view of a graph: all of it if that stays readable, else its start (the
        left, earliest layers) at a size where the boxes' text can be read, to be scrolled."""
        self.fit()
        if self.zoom < self.READABLE_ZOOM:
            self.zoom = self.READABLE_ZOOM
            self._update_ranges()
            self.horizontalScrollBar().setValue(0)
            self.verticalScrollBar().setValue(0)

    def centre_on(self, x: float, y: float) -> None:
        """Scroll the scene point (x, y) to the middle of the viewport (as near as the
        scrolling allows at the edges)."""
        view = self.viewport()
        self.horizontalScrollBar().setValue(round((x + MARGIN) * self.zoom - view.width() / 2))
        self.verticalScrollBar().setValue(round((y + MARGIN) * self.zoom - view.height() / 2))

    def _update_ranges(self) -> None:
        layout = self.layout_
        width = (layout.width + 2 * MARGIN) * self.zoom if layout else 0.0
        height = (layout.height + 2 * MARGIN) * self.zoom if layout else 0.0
        view = self.viewport()
        self.horizontalScrollBar().setRange(0, max(0, round(width) - view.width()))
        self.horizontalScrollBar().setPageStep(view.width())
        self.verticalScrollBar().setRange(0, max(0, round(height) - view.height()))
        self.verticalScrollBar().setPageStep(view.height())

    def _to_scene(self, point: QPointF) -> QPointF:
        return QPointF(
            (point.x() + self.horizontalScrollBar().value()) / self.zoom - MARGIN,
            (point.y() + self.verticalScrollBar().value()) / self.zoom - MARGIN,
        )

    def to_viewport(self, x: float, y: float) -> QPointF:
        """Where a scene point shows in the viewport (for clicks in tests and tooltips)."""
        return QPointF(
            (x + MARGIN) * self.zoom - self.horizontalScrollBar().value(),
            (y + MARGIN) * self.zoom - self.verticalScrollBar().value(),
        )

    def _node_at(self, point: QPointF) -> int | None:
        if self.layout_ is None:
            return None
        scene = self._to_scene(point)
        return self.layout_.node_at(scene.x(), scene.y())

    # -- Qt events -------------------------------------------------------------------------------

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_ranges()

    @override
    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    @override
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.step_zoom(1 if event.angleDelta().y() > 0 else -1, event.position())
            event.accept()
        else:
            super().wheelEvent(event)

    @override
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag, self._dragged = event.position().toPoint(), False
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    @override
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            now = event.position().toPoint()
            delta = now - self._drag
            if delta.manhattanLength() > 2 or self._dragged:
                self._dragged = True
                self._drag = now
                bars = self.horizontalScrollBar(), self.verticalScrollBar()
                bars[0].setValue(bars[0].value() - delta.x())
                bars[1].setValue(bars[1].value() - delta.y())

    @override
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drag is not None:
            if not self._dragged:  # a click, not a pan
                self.node_clicked(self._node_at(event.position()))
            self._drag = None
            self.viewport().unsetCursor()
