"""The Dependencies tab on the demo plan: follows the navigator, selects chains, opens items."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from app.dependency_graph import NODE_HEIGHT, NODE_WIDTH
from tests.ui.conftest import OpenIn, settle
from ui.dependency_view import MARGIN, READABLE_ZOOM
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def node_point(window: MainWindow, item_id: int) -> QPoint:
    """Where an item's box is drawn in the canvas's viewport."""
    canvas = window.dependency_view.canvas
    assert canvas.layout_ is not None
    node = canvas.layout_.nodes[item_id]
    zoom = canvas.zoom
    return QPoint(
        round((node.x + NODE_WIDTH / 2 + MARGIN) * zoom) - canvas.horizontalScrollBar().value(),
        round((node.y + NODE_HEIGHT / 2 + MARGIN) * zoom) - canvas.verticalScrollBar().value(),
    )


def test_the_tab_shows_the_navigators_release_and_lights_up_chains(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.resize(1400, 900)
    window.show()
    view = window.dependency_view
    window.tabs.setCurrentWidget(view)
    plan = window.plan
    assert plan is not None
    first = window.items_view.release_id  # the release the window opened on
    second = plan.releases.find("Atlas 3.6").id
    assert second != first
    canvas = view.canvas
    assert canvas.layout_ is not None
    assert {n.id for n in canvas.layout_.nodes.values() if not n.foreign} <= {
        i for i, r in plan.state.items.items() if r.release_id == first
    }
    window.navigator.select_release(second)
    window._navigator_release(second)  # as the navigator's signal does
    assert canvas.layout_ is not None
    assert all(
        plan.state.items[n.id].release_id == second
        for n in canvas.layout_.nodes.values()
        if not n.foreign
    )
    # Search by key focuses and selects the item; its chains light up.
    linked = next(e.successor for e in canvas.layout_.edges if not e.cross_release)
    key = plan.state.items[linked].key
    view.search.setText(key.lower())
    view.find_item()
    assert canvas.selected_id == linked
    layout = canvas.layout_
    assert canvas.chain == {linked} | layout.upstream(linked) | layout.downstream(linked)
    assert len(canvas.chain) > 1
    # Double-click shows the item in the window as the navigator would.
    with qtbot.waitSignal(view.item_selected) as signal:
        qtbot.mouseDClick(
            canvas.viewport(), Qt.MouseButton.LeftButton, pos=node_point(window, linked)
        )
    assert signal.args == [linked]
    assert window.items_view.current_item_id() == linked
    # A click on empty space clears the selection and the fading.
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    assert canvas.selected_id is None and not canvas.chain


def test_zoom_fit_and_a_change_notice(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    open_in(window, demo_plan)
    window.resize(1400, 900)
    window.show()
    view = window.dependency_view
    window.tabs.setCurrentWidget(view)
    canvas = view.canvas
    # A release too long to fit readably opens at its start, readable.
    assert canvas.zoom == READABLE_ZOOM and canvas.horizontalScrollBar().value() == 0
    canvas.fit()
    fitted = canvas.zoom
    assert fitted < READABLE_ZOOM
    canvas.step_zoom(1)
    assert canvas.zoom > fitted
    canvas.fit()
    assert canvas.zoom == fitted
    view.whole_plan_action.trigger()
    plan = window.plan
    assert plan is not None and canvas.layout_ is not None
    assert len(canvas.layout_.nodes) == sum(
        1 for r in plan.state.items.values() if r.kind != "phase"
    )
    # A new link is drawn once the edit's notice arrives.
    before = len(canvas.layout_.edges)
    # From a source to the last layer: such a link cannot close a loop.
    a, b = canvas.layout_.layers[0][0], canvas.layout_.layers[-1][-1]
    assert b not in plan.state.succs.get(a, [])
    plan.work_items.add_link(a, b, "SS", 2)
    settle(qtbot, window)
    assert canvas.layout_ is not None
    assert len(canvas.layout_.edges) == before + 1
