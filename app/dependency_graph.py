"""The Dependencies tab's geometry: a release's (or the plan's) items as a layered graph.

Sugiyama-style and small: layers by longest path from a source (networkx topological
generations), order within a layer by barycenter sweeps, boxes of one size, and edges as
polylines from the predecessor's right port to the successor's left port. Phases are left
out: their dates roll up from their children, and links are drawn between the items that
carry them. The Qt view paints what `visible` returns; nothing here knows about Qt.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from app.plan_data import ItemRow
from app.plan_state import LinkRecord, PlanState

NODE_WIDTH = 200.0
NODE_HEIGHT = 62.0
LAYER_GAP = 90.0  # horizontal room between layers, where edges bend and labels sit
ROW_GAP = 18.0
STUB = 14.0  # edges leave and enter ports horizontally for this long, so arrows read clearly
SWEEPS = 4


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    key: str
    name: str
    start: dt.date | None
    finish: dt.date | None
    slack: int | None
    status: str
    kind: str
    critical: bool
    foreign: bool  # in another release than the one shown (reached by a cross-release link)
    layer: int
    x: float
    y: float

    @property
    def in_port(self) -> tuple[float, float]:
        return (self.x, self.y + NODE_HEIGHT / 2)

    @property
    def out_port(self) -> tuple[float, float]:
        return (self.x + NODE_WIDTH, self.y + NODE_HEIGHT / 2)


@dataclass(frozen=True, slots=True)
class Edge:
    predecessor: int
    successor: int
    label: str  # "FS", "SS+2", "FF-1"
    cross_release: bool
    critical: bool  # both ends critical and the link drives the successor's dates
    points: tuple[tuple[float, float], ...]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1, for culling


def link_label(link_type: str, lag: int) -> str:
    return f"{link_type}{lag:+d}" if lag else link_type


def _layers(graph: nx.DiGraph[int]) -> dict[int, int]:
    """Longest-path rank of every node. A cycle (only an imported plan can have one) is
    condensed first, so its members share a layer and the rest still lays out."""
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]  # node -> component
    rank = {
        component: n
        for n, generation in enumerate(nx.topological_generations(condensed))
        for component in generation
    }
    return {node: rank[members[node]] for node in graph}


def _barycenter_order(
    layers: list[list[int]], preds: dict[int, list[int]], succs: dict[int, list[int]]
) -> None:
    """Reorder each layer in place by the mean position of its neighbours, sweeping right
    then left a few times (neighbours on any earlier/later layer count: long edges pull too)."""
    position: dict[int, float] = {}
    for layer in layers:
        for n, node in enumerate(layer):
            position[node] = n

    def sweep(order: Iterable[list[int]], neighbours: dict[int, list[int]]) -> None:
        for layer in order:
            keys = {}
            for n, node in enumerate(layer):
                near = [position[m] for m in neighbours.get(node, ()) if m in position]
                keys[node] = sum(near) / len(near) if near else float(n)
            # Ties keep their current order (sort is stable), so sweeps converge.
            layer.sort(key=keys.__getitem__)
            for n, node in enumerate(layer):
                position[node] = n

    for _ in range(SWEEPS):
        sweep(layers[1:], preds)
        sweep(reversed(layers[:-1]), succs)


class DependencyLayout:
    """Nodes and edges placed left to right; the graph itself for upstream/downstream."""

    def __init__(
        self,
        rows: Sequence[ItemRow],
        links: Iterable[LinkRecord],
        shown_release: int | None = None,
    ) -> None:
        row_of = {row.id: row for row in rows if row.kind != "phase"}
        graph: nx.DiGraph[int] = nx.DiGraph()
        in_time_order = sorted(row_of, key=lambda i: (row_of[i].start or dt.date.max, i))
        graph.add_nodes_from(in_time_order)
        kept = [
            link for link in links if link.predecessor_id in row_of and link.successor_id in row_of
        ]
        for link in kept:
            graph.add_edge(link.predecessor_id, link.successor_id)
        self.graph = graph
        layer_of = _layers(graph)
        layers: list[list[int]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
        for node in in_time_order:  # the first sweep starts from time order
            layers[layer_of[node]].append(node)
        preds = {n: list(graph.predecessors(n)) for n in graph}
        succs = {n: list(graph.successors(n)) for n in graph}
        _barycenter_order(layers, preds, succs)
        self.layers = layers
        self.nodes: dict[int, Node] = {}
        for column, layer in enumerate(layers):
            for n, node in enumerate(layer):
                row = row_of[node]
                self.nodes[node] = Node(
                    id=node,
                    key=row.key,
                    name=row.name,
                    start=row.start,
                    finish=row.finish,
                    slack=row.total_slack,
                    status=row.status,
                    kind=row.kind,
                    critical=row.critical,
                    foreign=shown_release is not None and row.release_id != shown_release,
                    layer=column,
                    x=column * (NODE_WIDTH + LAYER_GAP),
                    y=n * (NODE_HEIGHT + ROW_GAP),
                )
        self.edges = [self._edge(link, row_of) for link in kept]
        self.width = len(layers) * (NODE_WIDTH + LAYER_GAP) - LAYER_GAP if layers else 0.0
        tallest = max((len(layer) for layer in layers), default=0)
        self.height = tallest * (NODE_HEIGHT + ROW_GAP) - ROW_GAP if tallest else 0.0
        self._layer_x = [n * (NODE_WIDTH + LAYER_GAP) for n in range(len(layers))]

    def _edge(self, link: LinkRecord, row_of: dict[int, ItemRow]) -> Edge:
        pred, succ = self.nodes[link.predecessor_id], self.nodes[link.successor_id]
        (x0, y0), (x1, y1) = pred.out_port, succ.in_port
        points = ((x0, y0), (x0 + STUB, y0), (x1 - STUB, y1), (x1, y1))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return Edge(
            predecessor=pred.id,
            successor=succ.id,
            label=link_label(link.type, link.lag),
            cross_release=row_of[pred.id].release_id != row_of[succ.id].release_id,
            critical=pred.critical and succ.critical,
            points=points,
            box=(min(xs), min(ys), max(xs), max(ys)),
        )

    def upstream(self, item_id: int) -> set[int]:
        """Everything the item waits for, directly or not."""
        return set(nx.ancestors(self.graph, item_id)) if item_id in self.graph else set()

    def downstream(self, item_id: int) -> set[int]:
        """Everything that waits for the item, directly or not."""
        return set(nx.descendants(self.graph, item_id)) if item_id in self.graph else set()

    def find(self, text: str) -> int | None:
        """The node whose key is `text` (any case), else the first whose name contains it."""
        needle = text.strip().casefold()
        if not needle:
            return None
        named = None
        for node in self.nodes.values():
            if node.key.casefold() == needle:
                return node.id
            if named is None and needle in node.name.casefold():
                named = node.id
        return named

    def node_at(self, x: float, y: float) -> int | None:
        column = bisect.bisect_right(self._layer_x, x) - 1
        if column < 0 or x > self._layer_x[column] + NODE_WIDTH:
            return None
        row = int(y // (NODE_HEIGHT + ROW_GAP))
        layer = self.layers[column]
        if 0 <= row < len(layer) and y - row * (NODE_HEIGHT + ROW_GAP) <= NODE_HEIGHT:
            return layer[row]
        return None

    def visible(self, x0: float, y0: float, x1: float, y1: float) -> tuple[list[Node], list[Edge]]:
        """The nodes and edges a viewport over (x0, y0)-(x1, y1) shows, for painting."""
        step = NODE_HEIGHT + ROW_GAP
        first = max(0, bisect.bisect_right(self._layer_x, x0 - NODE_WIDTH) - 1)
        last = bisect.bisect_right(self._layer_x, x1)
        top, bottom = max(0, int(y0 // step)), int(y1 // step) + 1
        nodes = [
            self.nodes[node] for layer in self.layers[first:last] for node in layer[top:bottom]
        ]
        # A long edge's box covers much of the graph while its line crosses little of it:
        # the boxes only pre-filter, and each of its segments is clipped against the view.
        edges = [
            e
            for e in self.edges
            if e.box[0] <= x1
            and e.box[2] >= x0
            and e.box[1] <= y1
            and e.box[3] >= y0
            and any(
                _crosses(p, q, (x0, y0, x1, y1))
                for p, q in zip(e.points, e.points[1:], strict=False)
            )
        ]
        return nodes, edges


def _crosses(
    p: tuple[float, float], q: tuple[float, float], rect: tuple[float, float, float, float]
) -> bool:
    """Whether the segment p-q meets the rectangle (Liang-Barsky clipping)."""
    low, high = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for step, room in (
        (-dx, p[0] - rect[0]),
        (dx, rect[2] - p[0]),
        (-dy, p[1] - rect[1]),
        (dy, rect[3] - p[1]),
    ):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def crossings(layout: DependencyLayout) -> int:
    """Edge crossings between adjacent layers (the count barycenter ordering reduces)."""
    by_pair: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for edge in layout.edges:
        pred, succ = layout.nodes[edge.predecessor], layout.nodes[edge.successor]
        if succ.layer == pred.layer + 1:
            by_pair[pred.layer].append((pred.y, succ.y))
    count = 0
    for pairs in by_pair.values():
        for n, (a0, a1) in enumerate(pairs):
            count += sum(1 for b0, b1 in pairs[n + 1 :] if (a0 - b0) * (a1 - b1) < 0)
    return count


def plan_layout(state: PlanState, release_id: int | None) -> DependencyLayout:
    """The layout of one release's items, with the items of other releases its links reach
    (marked foreign), or of the whole plan when `release_id` is None."""
    if release_id is None:
        ids: set[int] = set(state.items)
    else:
        ids = {i for i, item in state.items.items() if item.release_id == release_id}
        for item_id in list(ids):
            for link_id in (*state.preds.get(item_id, ()), *state.succs.get(item_id, ())):
                link = state.links[link_id]
                ids.update((link.predecessor_id, link.successor_id))
    ids &= state.items.keys()
    links = {
        link_id
        for item_id in ids
        for link_id in state.succs.get(item_id, ())
        if state.links[link_id].successor_id in ids
    }
    return DependencyLayout(
        [state.row(i) for i in ids], [state.links[i] for i in sorted(links)], release_id
    )
