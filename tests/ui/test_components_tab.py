"""The Components tab on the demo plan: a component added and its version set in a release,
each an undo step; two releases' baselines compared; a broken constraint drawn red; the graph
opened readable beside the Conflicts dock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QUndoStack

from app.component_graph import NODE_HEIGHT, NODE_WIDTH
from app.plan import Plan
from tests.fixed_dates import DEMO_TODAY
from tests.ui.conftest import OpenIn, Reports
from ui.component_graph_view import CONFLICT, EDGE, ComponentGraphCanvas
from ui.components_view import CHANGE_FILLS, ComponentsView
from ui.main_window import MainWindow
from ui.plan_editor import PlanEditor
from ui.plan_events import PlanEvents
from ui.settings import AppSettings

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("GANTRY_SHOTS")  # a folder: save what the tests show there


class Tab:
    """The tab on a demo plan file, with its undo stack, showing one release."""

    def __init__(self, qtbot, path: Path, reports: Reports) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.plan = Plan.open(path)
        self.stack = QUndoStack()
        self.editor = PlanEditor(self.plan, self.stack, reports)
        self.events = PlanEvents(self.plan)
        self.view = ComponentsView(today=lambda: DEMO_TODAY)
        qtbot.addWidget(self.view)
        self.view.resize(1400, 900)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.view.set_plan(self.plan, self.editor, self.events)

    def release(self, name: str) -> int:
        return next(i for i, r in self.plan.state.releases.items() if r.name == name)

    def component(self, name: str) -> int:
        return next(c.id for c in self.plan.components.rows() if c.name == name)

    def versions_of(self, release_id: int) -> dict[str, str]:
        names = {c.id: c.name for c in self.plan.components.rows()}
        return {
            names[v.component_id]: v.version
            for v in self.plan.component_versions.rows()
            if v.release_id == release_id
        }

    def close(self) -> None:
        self.view.set_plan(None, None, None)
        self.events.detach()
        self.plan.close()


@pytest.fixture
def tab(qtbot, demo_plan: Path, reports: Reports) -> Iterator[Tab]:  # type: ignore[no-untyped-def]
    opened = Tab(qtbot, demo_plan, reports)
    yield opened
    opened.close()


def shown_rows(view) -> list[list[str]]:  # type: ignore[no-untyped-def]
    model = view.comparison
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_a_component_is_added_its_version_set_in_a_release_and_each_undone(
    tab: Tab, reports: Reports
) -> None:
    view = tab.view
    release = tab.release("Atlas 3.5")
    view.show_release(release)
    shipped = len(tab.versions_of(release))
    assert view.versions.proxy.rowCount() == shipped  # the baseline page shows this release only

    added = view.components.add_record()
    assert added is not None
    view.components.table.closePersistentEditor(view.components.table.currentIndex())
    assert tab.plan.components.row(added).name == "new-component"
    assert view.components.select_record(added)

    version_id = view.versions.add_record()  # the selected component, in the shown release
    assert version_id is not None
    view.versions.table.closePersistentEditor(view.versions.table.currentIndex())
    row = tab.plan.component_versions.row(version_id)
    assert (row.component_id, row.release_id, row.version) == (added, release, "1.0.0")
    assert view.versions.proxy.rowCount() == shipped + 1

    column = view.versions.model.column_of("version")
    assert column is not None
    cell = view.versions.table.currentIndex().siblingAtColumn(column)
    assert view.versions.proxy.setData(cell, "1.2.0", Qt.ItemDataRole.EditRole)
    assert tab.versions_of(release)["new-component"] == "1.2.0"
    assert view.graph is not None
    node = view.graph.nodes[added]
    assert (node.version, node.touched) == ("1.2.0", True)  # the graph follows the edit

    assert tab.stack.count() == 3 and reports.messages == []
    tab.stack.undo()
    assert tab.versions_of(release)["new-component"] == "1.0.0"
    tab.stack.undo()
    assert "new-component" not in tab.versions_of(release)
    assert view.versions.proxy.rowCount() == shipped
    assert view.graph is not None and added not in view.graph.nodes
    tab.stack.undo()
    assert "new-component" not in {c.name for c in tab.plan.components.rows()}
    tab.stack.redo()
    assert tab.plan.components.row(added).name == "new-component"


def test_a_patch_s_new_baseline_row_starts_at_the_version_the_release_before_shipped(
    tab: Tab, reports: Reports
) -> None:
    view = tab.view
    patch = tab.release("Atlas 3.5.1")  # ships openssl only
    view.show_release(patch)
    assert "api-gateway" not in tab.versions_of(patch)
    assert view.components.select_record(tab.component("api-gateway"))
    version_id = view.versions.add_record()
    assert version_id is not None
    row = tab.plan.component_versions.row(version_id)
    assert row.version == tab.versions_of(tab.release("Atlas 3.5"))["api-gateway"] == "2.15.0"
    assert reports.messages == []


def test_adding_a_version_the_release_already_has_says_so_and_changes_nothing(
    tab: Tab, reports: Reports
) -> None:
    view = tab.view
    release = tab.release("Atlas 3.6")  # ships every component of the demo
    view.show_release(release)
    before = tab.versions_of(release)
    assert len(before) == len(tab.plan.components.rows())
    assert view.components.select_record(tab.component("api-gateway"))
    assert view.versions.add_record() is None
    assert reports.messages == [
        f"api-gateway already has a version in Atlas 3.6 ({before['api-gateway']})"
    ]
    assert tab.versions_of(release) == before and tab.stack.count() == 0

    needs = {
        "component_id": tab.component("web-app"),
        "depends_on_id": tab.component("api-gateway"),
    }
    count = len(tab.plan.component_dependencies.rows())
    assert view.requirements.add_record(needs) is None
    assert reports.messages[-1] == "web-app already depends on api-gateway (>= 2.14, < 3)"
    assert len(tab.plan.component_dependencies.rows()) == count and tab.stack.count() == 0


def test_two_demo_releases_compared_in_colour(tab: Tab, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    view = tab.view
    first, second = tab.release("Atlas 3.4"), tab.release("Atlas 3.5")
    view.details.setCurrentIndex(2)
    view.choose_releases(first, second)
    qtmodeltester.check(view.comparison)
    before, after = tab.versions_of(first), tab.versions_of(second)
    assert before and after
    rows = shown_rows(view)
    expected = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    assert [r[0] for r in rows] == expected
    gateway = next(r for r in rows if r[0] == "api-gateway")
    assert gateway == ["api-gateway", before["api-gateway"], after["api-gateway"], "upgraded"]
    model = view.comparison
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Atlas 3.4"
    assert (
        model.index(rows.index(gateway), 0).data(Qt.ItemDataRole.BackgroundRole).color()
        == (CHANGE_FILLS["upgraded"])
    )

    # The other way round, with one component dropped from the later release.
    version = next(
        v.id
        for v in tab.plan.component_versions.rows()
        if v.release_id == second and v.component_id == tab.component("web-app")
    )
    tab.editor.delete_record(tab.plan.component_versions, version)
    view.choose_releases(second, first)
    rows = shown_rows(view)
    web = next(r for r in rows if r[0] == "web-app")
    assert web == ["web-app", "—", before["web-app"], "added"]
    gateway = next(r for r in rows if r[0] == "api-gateway")
    assert gateway[3] == "downgraded"
    index = model.index(rows.index(gateway), 3)
    assert index.data(Qt.ItemDataRole.BackgroundRole).color() == CHANGE_FILLS["downgraded"]
    view.only_changes.setChecked(False)
    assert len(shown_rows(view)) == len(before.keys() | after.keys())


def painted_red(view: ComponentsView) -> set[int | tuple[int, int]]:
    view.canvas.grab()  # paints
    return {key for key, colour in view.canvas.painted.items() if colour == CONFLICT}


def test_a_broken_constraint_paints_its_node_and_edge_red(tab: Tab, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = tab.view
    release = tab.release("Atlas 3.5")
    view.show_release(release)
    web, gateway = tab.component("web-app"), tab.component("api-gateway")
    graph = view.graph
    assert graph is not None and web in graph.nodes and gateway in graph.nodes
    # The demo's 3.5 and 3.6 overlap and change the same services: those nodes are red.
    assert painted_red(view) == {n.id for n in graph.nodes.values() if n.conflict}
    assert (web, gateway) not in painted_red(view)
    assert view.canvas.painted[(web, gateway)] == EDGE

    dependency = next(
        d.id
        for d in tab.plan.component_dependencies.rows()
        if (d.component_id, d.depends_on_id) == (web, gateway)
    )
    assert tab.editor.set_field(
        tab.plan.component_dependencies, dependency, "version_constraint", ">= 9"
    )
    graph = view.graph
    assert graph is not None
    assert [(e.component, e.depends_on) for e in graph.edges if e.conflict] == [(web, gateway)]
    broken = [p for p in graph.nodes[web].problems if "api-gateway >= 9" in p]
    assert len(broken) == 1
    red = painted_red(view)
    assert web in red and (web, gateway) in red
    assert red == {n.id for n in graph.nodes.values() if n.conflict} | {(web, gateway)}
    listed = [view.conflict_list.item(n).text() for n in range(view.conflict_list.count())]
    assert f"⚠ {broken[0]}" in listed
    node = graph.nodes[web]
    centre = view.canvas.to_viewport(node.x + NODE_WIDTH / 2, node.y + NODE_HEIGHT / 2)
    assert broken[0] in view.canvas.tooltip_at(centre)

    # A click on the node selects the component in the list; so does a pick in the list of
    # conflicts.
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=centre.toPoint())
    assert view.components.current_record_id() == web
    assert view.canvas.selected_id == web
    assert web in painted_red(view)  # the selection rings it; the border stays red
    on_gateway = graph.nodes[gateway].problems[0]  # 3.5 and 3.6 both change the gateway
    view.conflict_list.itemClicked.emit(view.conflict_list.item(listed.index(f"⚠ {on_gateway}")))
    assert view.components.current_record_id() == gateway

    tab.stack.undo()
    graph = view.graph
    assert graph is not None and not any(e.conflict for e in graph.edges)
    assert not [p for p in graph.nodes[web].problems if ">= 9" in p]
    assert (web, gateway) not in painted_red(view)


def test_the_demo_s_broken_constraint_and_overlap_show_red_in_3_6(tab: Tab) -> None:
    view = tab.view
    view.show_release(tab.release("Atlas 3.6"))
    graph = view.graph
    assert graph is not None
    web, gateway = tab.component("web-app"), tab.component("api-gateway")
    # 3.6 ships the gateway 3.0 while its web app still needs one before 3.0.
    assert [(e.component, e.depends_on) for e in graph.edges if e.conflict] == [(web, gateway)]
    assert {e.label for e in graph.edges if e.conflict} == {">= 2.14, < 3"}
    red = painted_red(view)
    assert (web, gateway) in red and web in red
    # 3.5 changes the gateway too while both are in flight: the overlap is on the gateway.
    assert any("overlapping" in p for p in graph.nodes[gateway].problems)
    assert red == {n.id for n in graph.nodes.values() if n.conflict} | {(web, gateway)}
    assert view.conflict_list.count() == len(graph.conflicts) >= 2
    # What 3.6 ships against 3.5, third-party updates with their risk.
    postgres = next(n for n in graph.nodes.values() if n.name == "postgres")
    assert (postgres.shipped, postgres.risk) == ("16.2 → 16.4", "medium")
    assert "16.2 → 16.4 · open source · medium risk" in view.canvas.tooltip_at(
        view.canvas.to_viewport(postgres.x + 5, postgres.y + 5)
    )
    badges = {n.name: n.badge for n in graph.nodes.values()}
    assert (badges["postgres"], badges["hsm-sdk"], badges["web-app"]) == (
        "open source",
        "vendor",
        "built here",
    )


def test_the_graph_pans_zooms_and_fits(tab: Tab) -> None:
    view, canvas = tab.view, tab.view.canvas
    view.show_release(tab.release("Atlas 3.5"))
    canvas.fit()
    fitted = canvas.zoom
    canvas.step_zoom(1, QPointF(10, 10))
    assert canvas.zoom > fitted
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().maximum())
    assert canvas.horizontalScrollBar().value() > 0
    canvas.fit()
    assert canvas.zoom == fitted and canvas.horizontalScrollBar().value() == 0


def shows_whole(canvas: ComponentGraphCanvas, component_id: int) -> bool:
    box = canvas.node_rect(component_id)
    return not box.isEmpty() and QRectF(canvas.viewport().rect()).contains(box)


def test_beside_the_conflicts_dock_the_graph_opens_readable_at_its_selection(
    qtbot, settings: AppSettings, reports: Reports, demo_plan: Path, open_in: OpenIn
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(settings, report=reports, today=lambda: DEMO_TODAY)
    qtbot.addWidget(window)
    window.resize(1500, 900)
    window.show()
    open_in(window, demo_plan)
    qtbot.waitUntil(lambda: window.conflicts_dock.isVisible(), timeout=5000)
    view, canvas = window.components_view, window.components_view.canvas
    window.tabs.setCurrentWidget(view)
    graph = view.graph
    assert graph is not None and canvas.layout_ is graph
    # The dock leaves too little room to fit the whole graph readably: it opens at its
    # start, readable, and scrolls.
    fitted = ComponentGraphCanvas()
    fitted.resize(canvas.size())
    fitted.set_layout(graph)
    fitted.fit()
    assert fitted.zoom < ComponentGraphCanvas.READABLE_ZOOM
    assert canvas.zoom == ComponentGraphCanvas.READABLE_ZOOM
    assert shows_whole(canvas, graph.layers[0][0])
    assert canvas.horizontalScrollBar().maximum() > 0

    # Another release opens showing the component selected in the list, even one far right.
    plan = window.plan
    assert plan is not None
    web = next(c.id for c in plan.components.rows() if c.name == "web-app")
    assert view.components.select_record(web)
    assert not shows_whole(canvas, web)
    release = plan.releases.find("Atlas 3.6").id
    window.navigator.select_release(release)
    window._navigator_release(release)  # as the navigator's signal does
    assert canvas.zoom >= ComponentGraphCanvas.READABLE_ZOOM
    assert canvas.selected_id == web and shows_whole(canvas, web)

    # A conflict picked in the list scrolls its component into view.
    gateway = next(c.id for c in plan.components.rows() if c.name == "api-gateway")
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().maximum())
    assert not shows_whole(canvas, gateway)
    on_gateway = view.conflict_list.findItems("overlapping", Qt.MatchFlag.MatchContains)[0]
    view.conflict_list.itemClicked.emit(on_gateway)
    assert canvas.selected_id == gateway and shows_whole(canvas, gateway)
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "components-beside-conflicts.png"))
    window.close()
