"""The component graph's layout: layers follow dependencies, no overlaps, ports, conflicts."""

from __future__ import annotations

import itertools

from app.component_graph import (
    NODE_HEIGHT,
    NODE_WIDTH,
    ComponentInfo,
    ComponentLayout,
    Requirement,
)
from tests.app.segments import segment_meets_box

# The demo's services: apps on a gateway, on billing and identity, on a pipeline, on infra.
NAMES = {
    1: "platform-infra",
    2: "data-pipeline",
    3: "identity-service",
    4: "billing-service",
    5: "api-gateway",
    6: "web-app",
    7: "mobile-app",
    8: "notification-service",
}
REQUIRES = [  # component, depends on, constraint
    (2, 1, ">= 2025.1"),
    (4, 2, ">= 1.9"),
    (4, 3, ">= 4.2"),
    (5, 3, ">= 4.2"),
    (5, 4, ">= 3.7"),
    (6, 5, ">= 2.14"),
    (7, 5, ">= 2.14"),
    (8, 3, ""),
]


def components(*ids: int) -> list[ComponentInfo]:
    return [ComponentInfo(i, NAMES[i], "built_here", f"{i}.0", True) for i in ids]


def services(**problems: dict) -> ComponentLayout:  # type: ignore[type-arg]
    return ComponentLayout(
        components(*NAMES),
        [Requirement(c, d, text) for c, d, text in REQUIRES],
        problems.get("nodes"),
        problems.get("edges"),
    )


def test_a_component_stands_left_of_what_depends_on_it() -> None:
    layout = services()
    layer = {layout.nodes[i].name: layout.nodes[i].layer for i in NAMES}
    # Longest path from a foundation: infra 0, pipeline 1, billing 2 (after the pipeline),
    # the gateway 3 (after billing), the apps 4; identity needs nothing, notifications only it.
    assert layer == {
        "platform-infra": 0,
        "identity-service": 0,
        "data-pipeline": 1,
        "notification-service": 1,
        "billing-service": 2,
        "api-gateway": 3,
        "web-app": 4,
        "mobile-app": 4,
    }
    for edge in layout.edges:
        required, requiring = layout.nodes[edge.depends_on], layout.nodes[edge.component]
        assert required.layer < requiring.layer
        assert required.x + NODE_WIDTH < requiring.x


def test_no_two_nodes_overlap() -> None:
    layout = services()
    boxes = [(n.x, n.y, n.x + NODE_WIDTH, n.y + NODE_HEIGHT) for n in layout.nodes.values()]
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    # The extent holds every node and every edge (long edges may pass below the nodes).
    assert layout.width == max(b[2] for b in boxes)
    assert layout.height >= max(b[3] for b in boxes)
    for edge in layout.edges:
        assert all(0 <= x <= layout.width and 0 <= y <= layout.height for x, y in edge.points)


def test_edges_run_from_the_required_right_port_to_the_requiring_left_port() -> None:
    layout = services()
    assert len(layout.edges) == len(REQUIRES)
    for edge in layout.edges:
        required, requiring = layout.nodes[edge.depends_on], layout.nodes[edge.component]
        assert edge.points[0] == required.out_port == (required.x + NODE_WIDTH, required.y + 29)
        assert edge.points[-1] == requiring.in_port == (requiring.x, requiring.y + 29)
    labels = {(e.component, e.depends_on): e.label for e in layout.edges}
    assert labels[(6, 5)] == ">= 2.14"
    assert labels[(8, 3)] == ""


def test_conflicts_mark_their_nodes_and_edges_and_are_listed_once() -> None:
    broken = "web-app 6.0 needs api-gateway >= 7 but the release ships 5.0"
    overlap = "api-gateway also changes in R2 while this release is in flight"
    layout = services(nodes={5: [overlap, broken]}, edges={(6, 5): [broken]})
    assert layout.nodes[5].conflict and layout.nodes[5].problems == (overlap, broken)
    assert not layout.nodes[6].conflict
    red = [(e.component, e.depends_on) for e in layout.edges if e.conflict]
    assert red == [(6, 5)]
    assert layout.conflicts == [overlap, broken]


def test_a_dependency_cycle_is_broken_at_its_link_back_and_the_rest_still_lays_out() -> None:
    layout = ComponentLayout(
        components(1, 2, 3, 4),
        [
            Requirement(2, 1, ""),
            Requirement(3, 2, ""),
            Requirement(2, 3, ""),
            Requirement(4, 3, ""),
        ],
    )
    layer = {i: n.layer for i, n in layout.nodes.items()}
    # data-pipeline (2) comes before identity-service (3) by name: 3 -> 2 is the link back.
    assert [layer[i] for i in (1, 2, 3, 4)] == [0, 1, 2, 3]
    assert {(e.component, e.depends_on) for e in layout.edges} >= {(2, 3), (3, 2)}


def test_requirements_outside_the_shown_components_are_left_out() -> None:
    layout = ComponentLayout(components(5, 6), [Requirement(6, 5, ""), Requirement(5, 4, "")])
    assert [(e.component, e.depends_on) for e in layout.edges] == [(6, 5)]


def test_a_point_finds_its_node_and_a_line_its_edge() -> None:
    layout = services()
    for node in layout.nodes.values():
        assert layout.node_at(node.x + 5, node.y + NODE_HEIGHT / 2) == node.id
        assert layout.node_at(node.x + NODE_WIDTH + 20, node.y + 5) is None
    edge = next(e for e in layout.edges if (e.component, e.depends_on) == (6, 5))
    (x0, y0), (x1, y1) = edge.points[1], edge.points[2]
    assert layout.edge_near((x0 + x1) / 2, (y0 + y1) / 2 + 2) == edge
    assert layout.node_at(-10, 0) is None and layout.edge_near(-50, -50) is None


def test_nodes_read_their_origin_and_what_the_release_ships() -> None:
    layout = ComponentLayout(
        [
            ComponentInfo(1, "postgres", "open_source", "16.4", True, "16.2", "medium"),
            ComponentInfo(2, "payments", "vendor", None, False),
            ComponentInfo(3, "web-app", "built_here", "5.9.0", True, "5.9.0"),
        ],
        [],
    )
    postgres, payments, web = layout.nodes[1], layout.nodes[2], layout.nodes[3]
    assert (postgres.badge, payments.badge, web.badge) == ("open source", "vendor", "built here")
    assert (postgres.shipped, postgres.risk) == ("16.2 → 16.4", "medium")
    assert (payments.shipped, payments.touched) == ("not shipped", False)
    assert web.shipped == "5.9.0"  # unchanged since the release before


def test_an_edge_across_layers_runs_through_slots_of_its_own_not_behind_nodes() -> None:
    layout = services()
    long = [
        e
        for e in layout.edges
        if layout.nodes[e.component].layer - layout.nodes[e.depends_on].layer > 1
    ]
    assert long  # identity -> gateway skips the pipeline's and billing's layers
    for edge in layout.edges:
        for node in layout.nodes.values():
            if node.id in (edge.component, edge.depends_on):
                continue
            box = (node.x, node.y, node.x + NODE_WIDTH, node.y + NODE_HEIGHT)
            segments = itertools.pairwise(edge.points)
            assert not any(segment_meets_box(p, q, box) for p, q in segments), (edge, node.name)
    # Every point of an edge moves rightwards: it never doubles back.
    for edge in layout.edges:
        xs = [x for x, _y in edge.points]
        assert xs == sorted(xs)
