"""The Dependencies tab on the demo plan: follows the navigator, selects chains, opens items,
collapses phases, marks a what-if and applies it, names a cycle, sketches when zoomed out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from app.dependency_graph import NODE_HEIGHT, NODE_WIDTH
from tests.app.plan_factory import edit_outside_gantry
from tests.ui.conftest import OpenIn, settle
from ui.dependency_view import (
    SKETCH_BELOW,
    STATUS_COLOURS,
    DependencyCanvas,
    DependencyView,
)
from ui.gantt.what_if import WhatIfDialog
from ui.graph_canvas import MARGIN
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
    assert (
        canvas.zoom == DependencyCanvas.READABLE_ZOOM and canvas.horizontalScrollBar().value() == 0
    )
    canvas.fit()
    fitted = canvas.zoom
    assert fitted < DependencyCanvas.READABLE_ZOOM
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


def show_tab(window: MainWindow, demo_plan: Path, open_in: OpenIn) -> DependencyView:
    open_in(window, demo_plan)
    window.resize(1400, 900)
    window.show()
    window.tabs.setCurrentWidget(window.dependency_view)
    return window.dependency_view


def test_phases_collapse_into_one_node_each_and_expand_again(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    view = show_tab(window, demo_plan, open_in)
    plan, canvas = window.plan, view.canvas
    assert plan is not None and canvas.layout_ is not None
    state = plan.state
    expanded = set(canvas.layout_.nodes)
    assert not any(state.items[i].kind == "phase" for i in expanded)
    view.collapse_all_action.trigger()
    layout = canvas.layout_
    phases = {i for i in layout.nodes if state.items[i].kind == "phase"}
    assert phases and all(layout.nodes[p].folded > 0 for p in phases)
    # No item of the release under a phase is left (another release's items, reached by a
    # link, stay themselves); every edge's ends are drawn nodes; no edge is repeated.
    assert not any(
        state.items[i].parent_id is not None for i, n in layout.nodes.items() if not n.foreign
    )
    ends = [(e.predecessor, e.successor) for e in layout.edges]
    assert len(ends) == len(set(ends)) and {i for e in ends for i in e} <= set(layout.nodes)
    assert len(layout.nodes) < len(expanded)
    view.expand_all_action.trigger()
    assert canvas.layout_ is not None and set(canvas.layout_.nodes) == expanded
    # One phase from a selected item: the phase's node takes the item's place, selected.
    child = next(i for i in expanded if state.items[i].parent_id is not None)
    phase = state.items[child].parent_id
    canvas.select(child)
    assert view.phase_action.isEnabled()
    view.phase_action.trigger()
    assert canvas.layout_ is not None and child not in canvas.layout_.nodes
    assert canvas.selected_id == phase and phase in canvas.layout_.nodes
    assert not view.what_if_action.isEnabled()  # a phase's dates roll up: nothing to slip
    view.phase_action.trigger()
    assert canvas.layout_ is not None and set(canvas.layout_.nodes) == expanded


def test_what_if_marks_what_would_move_and_apply_is_one_undo_step(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    view = show_tab(window, demo_plan, open_in)
    plan, canvas = window.plan, view.canvas
    assert plan is not None and canvas.layout_ is not None
    # An item with a chain after it, so the slip moves more than itself.
    item = next(
        i
        for i in canvas.layout_.nodes
        if canvas.layout_.downstream(i) and plan.state.row(i).critical
    )
    canvas.select(item)
    assert view.what_if_action.isEnabled()
    with qtbot.waitSignal(view.runner.answered, timeout=20_000):
        view.what_if_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, WhatIfDialog)
    qtbot.waitUntil(lambda: dialog.report is not None and not view.runner.busy, timeout=20_000)
    report = dialog.report
    assert report is not None
    assert canvas.moves == {m.id: m.finish_delta for m in report.items}
    assert canvas.moves[item] == 1 and len(canvas.moves) > 1
    finish = plan.state.row(item).finish
    undo_depth = window.undo_stack.count()
    dialog.apply_button.click()
    settle(qtbot, window)
    assert view.dialog is None and canvas.moves == {}
    assert plan.state.row(item).finish != finish
    assert window.undo_stack.count() == undo_depth + 1
    window.undo_stack.undo()
    settle(qtbot, window)
    assert plan.state.row(item).finish == finish


def test_a_cycle_made_outside_gantry_is_drawn_and_named(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn, reports
) -> None:  # type: ignore[no-untyped-def]
    """ATL-47 follows ATL-44; a link ATL-47 -> ATL-44 written with plain SQL closes a loop."""
    edit_outside_gantry(
        demo_plan,
        "INSERT INTO dependencies (predecessor_id, successor_id, type, lag) "
        "SELECT a.id, b.id, 'FS', 0 FROM work_items a, work_items b "
        "WHERE a.key = 'ATL-47' AND b.key = 'ATL-44'",
    )
    view = show_tab(window, demo_plan, open_in)
    plan = window.plan
    assert plan is not None
    release = plan.state.items[plan.work_items.find("ATL-44").id].release_id
    window.navigator.select_release(release)
    window._navigator_release(release)
    layout = view.canvas.layout_
    assert layout is not None
    assert view.banner.isVisible()
    assert "ATL-44" in view.banner.text() and "ATL-47" in view.banner.text()
    looped = {n.key for n in layout.nodes.values() if n.on_cycle}
    assert {"ATL-44", "ATL-47"} <= looped
    keys = {i: n.key for i, n in layout.nodes.items()}
    assert ("ATL-47", "ATL-44") in {
        (keys[e.predecessor], keys[e.successor]) for e in layout.edges if e.on_cycle
    }
    # Removing the closing link repairs it: the banner goes.
    looped_pair = plan.work_items.find("ATL-47").id, plan.work_items.find("ATL-44").id
    plan.work_items.remove_link(*looped_pair)
    settle(qtbot, window)
    assert view.canvas.layout_ is not None and view.canvas.layout_.cycles == ()
    assert not view.banner.isVisible()
    # The graph has no link gesture of its own; the window's (the editor's add_link, as the
    # chart's link drag uses) refuses the loop again, naming it, and nothing changes.
    assert window.editor is not None and reports == []
    assert not window.editor.add_link(*looped_pair)
    assert "Dependency cycle: ATL-44 -> ATL-47 -> ATL-44" in reports[0][1]
    assert not view.banner.isVisible()


def test_zoomed_out_the_graph_is_sketched_from_one_picture(
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    view = show_tab(window, demo_plan, open_in)
    view.whole_plan_action.trigger()
    canvas = view.canvas
    canvas.set_zoom(DependencyCanvas.ZOOMS[0])
    assert canvas.zoom < SKETCH_BELOW
    image = canvas.viewport().grab().toImage()
    layout = canvas.layout_
    assert layout is not None and canvas._sketch_image is not None
    node = layout.nodes[layout.layers[0][0]]
    x = (
        round((node.x + NODE_WIDTH / 2 + MARGIN) * canvas.zoom)
        - canvas.horizontalScrollBar().value()
    )
    y = (
        round((node.y + NODE_HEIGHT / 2 + MARGIN) * canvas.zoom)
        - canvas.verticalScrollBar().value()
    )
    assert image.pixelColor(x, y).name() == STATUS_COLOURS[node.status].name()
    # A selection changes the look: the picture is drawn again, the rest faded.
    picture = canvas._sketch_image
    canvas.select(node.id)
    canvas.viewport().grab()
    assert canvas._sketch_image is not picture
