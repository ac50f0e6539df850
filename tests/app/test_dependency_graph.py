"""The Dependencies tab's layout: layers, ports, no overlaps, fewer crossings, chains."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

from app.dependency_graph import (
    NODE_HEIGHT,
    NODE_WIDTH,
    DependencyLayout,
    crossings,
    plan_layout,
)
from app.plan import Plan
from app.plan_data import ItemRow
from app.plan_state import LinkRecord
from app.store import PlanStore
from tests.app.segments import segment_meets_box

DAY = dt.date(2026, 3, 2)


def row(item_id: int, *, release: int = 1, kind: str = "task", critical: bool = False) -> ItemRow:
    return ItemRow(
        id=item_id, release_id=release, parent_id=None, depth=0, kind=kind, key=f"A-{item_id}",
        name=f"Item {item_id}", duration=1, not_before=None, owner="", status="not_started",
        percent_complete=0, actual_start=None, actual_finish=None, notes="", predecessors="",
        start=DAY + dt.timedelta(days=item_id), finish=DAY + dt.timedelta(days=item_id),
        late_start=None, late_finish=None, total_slack=0, free_slack=0, critical=critical,
        has_children=False,
    )  # fmt: skip


def links(*pairs: tuple[int, int]) -> list[LinkRecord]:
    return [LinkRecord(n, p, s, "FS", 0) for n, (p, s) in enumerate(pairs, 1)]


def rhombus_and_tail() -> DependencyLayout:
    # 1 -> 2 -> 4, 1 -> 3 -> 4, 4 -> 5, and 1 -> 5 skipping layers
    return DependencyLayout(
        [row(i) for i in range(1, 6)], links((1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (1, 5))
    )


def test_layers_follow_links_by_longest_path() -> None:
    layout = rhombus_and_tail()
    layer = {i: node.layer for i, node in layout.nodes.items()}
    assert layer == {1: 0, 2: 1, 3: 1, 4: 2, 5: 3}
    for edge in layout.edges:
        assert layout.nodes[edge.predecessor].x < layout.nodes[edge.successor].x


def test_no_two_nodes_overlap() -> None:
    layout = rhombus_and_tail()
    boxes = [(n.x, n.y, n.x + NODE_WIDTH, n.y + NODE_HEIGHT) for n in layout.nodes.values()]
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_every_edge_leaves_the_right_port_and_enters_the_left_port() -> None:
    layout = rhombus_and_tail()
    assert len(layout.edges) == 6
    for edge in layout.edges:
        pred, succ = layout.nodes[edge.predecessor], layout.nodes[edge.successor]
        assert edge.points[0] == (pred.x + NODE_WIDTH, pred.y + NODE_HEIGHT / 2)
        assert edge.points[-1] == (succ.x, succ.y + NODE_HEIGHT / 2)
        # Leaves and enters horizontally, so the arrowhead points into the box.
        assert edge.points[1][1] == edge.points[0][1]
        assert edge.points[-2][1] == edge.points[-1][1]


def test_barycenter_ordering_removes_the_crossings_of_a_naive_order() -> None:
    # Two chains, 2 -> 5 -> 6 and 3 -> 4 -> 7: in start order each layer reads 2 3 | 4 5 | 6 7,
    # so the chains cross twice; following the predecessors untangles them.
    rows = [row(i) for i in range(2, 8)]
    crafted = links((2, 5), (3, 4), (5, 6), (4, 7))
    layout = DependencyLayout(rows, crafted)
    assert [layout.nodes[i].layer for i in (2, 3, 4, 5, 6, 7)] == [0, 0, 1, 1, 2, 2]
    naive = {2: 0, 3: 1, 4: 0, 5: 1, 6: 0, 7: 1}  # each layer in start order
    naive_crossings = sum(
        1
        for a, b in itertools.combinations(crafted, 2)
        if layout.nodes[a.predecessor_id].layer == layout.nodes[b.predecessor_id].layer
        and (naive[a.predecessor_id] - naive[b.predecessor_id])
        * (naive[a.successor_id] - naive[b.successor_id])
        < 0
    )
    assert naive_crossings == 2
    assert crossings(layout) == 0


def test_labels_cross_release_links_and_critical_edges() -> None:
    rows = [row(1, critical=True), row(2, critical=True), row(3, release=2)]
    layout = DependencyLayout(
        rows, [LinkRecord(1, 1, 2, "SS", 2), LinkRecord(2, 2, 3, "FF", -1)], shown_release=1
    )
    first, second = layout.edges
    assert (first.label, first.cross_release, first.critical) == ("SS+2", False, True)
    assert (second.label, second.cross_release, second.critical) == ("FF-1", True, False)
    assert layout.nodes[3].foreign and not layout.nodes[1].foreign


def test_upstream_and_downstream_chains() -> None:
    layout = rhombus_and_tail()
    assert layout.upstream(4) == {1, 2, 3}
    assert layout.downstream(2) == {4, 5}
    assert layout.upstream(99) == set()


def test_phases_are_left_out_and_a_cycle_lays_out_with_its_back_link_broken() -> None:
    # 1 -> 2 -> 1 loops; 2 -> 3 hangs off it. The link against start order (2 -> 1) is the
    # one broken for layering, so the loop reads left to right and is reported.
    rows = [row(1), row(2), row(3), row(9, kind="phase")]
    layout = DependencyLayout(rows, links((1, 2), (2, 1), (2, 3), (9, 3)))
    assert set(layout.nodes) == {1, 2, 3}
    assert [layout.nodes[i].layer for i in (1, 2, 3)] == [0, 1, 2]
    assert layout.cycles == (("A-1", "A-2"),)
    assert {i for i, n in layout.nodes.items() if n.on_cycle} == {1, 2}
    looped = {(e.predecessor, e.successor) for e in layout.edges if e.on_cycle}
    assert looped == {(1, 2), (2, 1)}
    back = next(e for e in layout.edges if (e.predecessor, e.successor) == (2, 1))
    assert back.points[0] == layout.nodes[2].out_port
    assert back.points[-1] == layout.nodes[1].in_port
    assert_clear_of_nodes(layout)


def test_a_plan_without_a_cycle_reports_none() -> None:
    layout = rhombus_and_tail()
    assert layout.cycles == ()
    assert not any(n.on_cycle for n in layout.nodes.values())
    assert not any(e.on_cycle for e in layout.edges)


def assert_clear_of_nodes(layout: DependencyLayout) -> None:
    """No edge passes through a node's box, its own ends included (it touches their ports)."""
    for edge in layout.edges:
        for node in layout.nodes.values():
            box = (node.x, node.y, node.x + NODE_WIDTH, node.y + NODE_HEIGHT)
            for p, q in itertools.pairwise(edge.points):
                assert not segment_meets_box(p, q, box), (edge, node.key)


def test_long_edges_bend_once_per_skipped_layer_and_pass_no_node() -> None:
    # A ladder of three chains plus links skipping two and three layers across them.
    rows = [row(i) for i in range(1, 13)]
    chains = [(1, 2), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8), (9, 10), (10, 11), (11, 12)]
    layout = DependencyLayout(rows, links(*chains, (1, 8), (9, 4), (5, 12), (2, 12)))
    skipping = {(e.predecessor, e.successor): e for e in layout.edges}
    for ends in ((1, 8), (9, 4), (5, 12), (2, 12)):
        edge = skipping[ends]
        pred, succ = layout.nodes[ends[0]], layout.nodes[ends[1]]
        skipped = succ.layer - pred.layer - 1
        assert skipped >= 1
        assert len(edge.points) == 4 + 2 * skipped
        assert edge.points[0] == pred.out_port and edge.points[-1] == succ.in_port
    assert_clear_of_nodes(layout)


def phased_rows() -> list[ItemRow]:
    """Phase 20 holds 1 and 2 and phase 21, which holds 3; 4 and 5 stand alone."""
    made = [row(i) for i in range(1, 6)]
    made += [row(20, kind="phase"), row(21, kind="phase")]
    parents = {1: 20, 2: 20, 21: 20, 3: 21}
    return [dataclasses.replace(r, parent_id=parents.get(r.id)) for r in made]


def test_a_collapsed_phase_is_one_node_with_its_links_reattached_and_merged() -> None:
    # 4 -> 1, 4 -> 3 (both into the phase: one edge), 1 -> 2 and 2 -> 3 (inside), 2 -> 5.
    graph_links = [
        LinkRecord(1, 4, 1, "FS", 0),
        LinkRecord(2, 4, 3, "SS", 1),
        LinkRecord(3, 1, 2, "FS", 0),
        LinkRecord(4, 2, 3, "FS", 0),
        LinkRecord(5, 2, 5, "FF", 0),
    ]
    expanded = DependencyLayout(phased_rows(), graph_links)
    assert set(expanded.nodes) == {1, 2, 3, 4, 5}
    layout = DependencyLayout(phased_rows(), graph_links, collapsed={20})
    assert set(layout.nodes) == {20, 4, 5}
    phase = layout.nodes[20]
    assert (phase.kind, phase.folded) == ("phase", 3)
    ends = {(e.predecessor, e.successor): e for e in layout.edges}
    assert set(ends) == {(4, 20), (20, 5)}
    assert ends[(4, 20)].label == "2 links" and ends[(20, 5)].label == "FF"
    assert layout.upstream(5) == {20, 4}
    boxes = [(n.x, n.y, n.x + NODE_WIDTH, n.y + NODE_HEIGHT) for n in layout.nodes.values()]
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    # Collapsing only the inner phase hides just 3; the outer one wins when both are.
    inner = DependencyLayout(phased_rows(), graph_links, collapsed={21})
    assert set(inner.nodes) == {1, 2, 21, 4, 5} and inner.nodes[21].folded == 1
    both = DependencyLayout(phased_rows(), graph_links, collapsed={20, 21})
    assert set(both.nodes) == set(layout.nodes)


def test_collapsing_makes_no_cycle_of_links_passing_through_the_phase() -> None:
    # 1 -> 4 -> 2 runs out of phase 20 and back in: collapsed it is 20 -> 4 -> 20, which
    # lays out, but the plan has no cycle and none is reported.
    layout = DependencyLayout(phased_rows(), links((1, 4), (4, 2)), collapsed={20})
    assert set(layout.nodes) == {20, 4, 5}
    assert layout.cycles == () and not any(e.on_cycle for e in layout.edges)
    assert_clear_of_nodes(layout)


def test_search_hit_test_and_culling() -> None:
    layout = rhombus_and_tail()
    assert layout.find("a-4") == 4
    assert layout.find("item 3") == 3
    assert layout.find("nothing") is None
    node = layout.nodes[4]
    assert layout.node_at(node.x + 5, node.y + 5) == 4
    assert layout.node_at(node.x + NODE_WIDTH + 5, node.y + 5) is None
    shown, edges = layout.visible(node.x - 5, node.y, node.x + 10, node.y + NODE_HEIGHT)
    assert 4 in {n.id for n in shown}
    assert {(e.predecessor, e.successor) for e in edges} >= {(2, 4), (3, 4)}
    assert layout.visible(-1000, -1000, -900, -900) == ([], [])


def test_culling_keeps_every_edge_a_view_shows(tmp_path: Path) -> None:
    from app.demo import build_demo

    path = tmp_path / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, dt.date(2026, 1, 5))
    plan = Plan.open(path, read_only=True)
    try:
        layout = plan_layout(plan.state, None)
    finally:
        plan.close()
    for n in range(12):
        x0, y0 = (n * 811.0) % layout.width, (n * 337.0) % layout.height
        view = (x0, y0, x0 + 700.0, y0 + 400.0)
        _, edges = layout.visible(*view)
        shown = {(e.predecessor, e.successor) for e in edges}
        for edge in layout.edges:
            if any(segment_meets_box(p, q, view) for p, q in itertools.pairwise(edge.points)):
                assert (edge.predecessor, edge.successor) in shown, (view, edge)


def test_the_demo_plan_lays_out_a_release_with_its_cross_release_neighbours(
    tmp_path: Path,
) -> None:
    from app.demo import build_demo

    path = tmp_path / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, dt.date(2026, 1, 5))
    plan = Plan.open(path, read_only=True)
    try:
        state = plan.state
        whole = plan_layout(state, None)
        assert set(whole.nodes) == {i for i, r in state.items.items() if r.kind != "phase"}
        assert crossings(whole) >= 0 and whole.width > 0
        for release_id in state.release_order:
            layout = plan_layout(state, release_id)
            own = {n.id for n in layout.nodes.values() if not n.foreign}
            assert own == {
                i
                for i, r in state.items.items()
                if r.release_id == release_id and r.kind != "phase"
            }
            assert all(e.cross_release for e in layout.edges if layout.nodes[e.successor].foreign)
    finally:
        plan.close()
