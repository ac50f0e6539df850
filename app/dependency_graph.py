"""The Dependencies tab's geometry: a release's (or the plan's) items as a layered graph.

Sugiyama-style and small: layers by longest path from a source (networkx topological
generations), order within a layer by barycenter sweeps, boxes of one size, and edges routed
through the free channels: the gaps between layers (where no node sits) and the gaps between
rows (crossed horizontally). Phases are left out unless collapsed: their dates roll up from
their children, and links are drawn between the items that carry them; a collapsed phase is
one node standing for everything under it. The Qt view paints what `visible` returns;
nothing here knows about Qt.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from app.plan_data import ItemRow
from app.plan_state import LinkRecord, PlanState

NODE_WIDTH = 200.0
NODE_HEIGHT = 62.0
LAYER_GAP = 90.0  # horizontal room between layers, where edges bend and labels sit
ROW_GAP = 18.0
STEP = NODE_HEIGHT + ROW_GAP
COLUMN = NODE_WIDTH + LAYER_GAP
STUB = 14.0  # edges leave and enter ports horizontally for this long, so arrows read clearly
SWEEPS = 4
BAND = 6  # rows per cell of the edge index

Point = tuple[float, float]


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
    folded: int = 0  # items hidden under this node: a collapsed phase's
    on_cycle: bool = False  # on a dependency cycle (or holding an item that is)

    @property
    def in_port(self) -> Point:
        return (self.x, self.y + NODE_HEIGHT / 2)

    @property
    def out_port(self) -> Point:
        return (self.x + NODE_WIDTH, self.y + NODE_HEIGHT / 2)


@dataclass(frozen=True, slots=True)
class Edge:
    predecessor: int
    successor: int
    label: str  # "FS", "SS+2", "FF-1"; "3 links" where a collapsed phase merged several
    cross_release: bool
    critical: bool  # both ends critical and the link drives the successor's dates
    points: tuple[Point, ...]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1, for culling
    on_cycle: bool = False  # a link of a dependency cycle

    @property
    def label_at(self) -> Point:
        """Where the label goes: the middle of the last bend, in the gap before the successor,
        the one stretch no other node's edges share."""
        (ax, ay), (bx, by) = self.points[-3], self.points[-2]
        return ((ax + bx) / 2, (ay + by) / 2)


def link_label(link_type: str, lag: int) -> str:
    return f"{link_type}{lag:+d}" if lag else link_type


def longest_path_layers(graph: nx.DiGraph[int], rank: Mapping[int, int]) -> dict[int, int]:
    """Longest-path layer of every node. A cycle (only an imported plan has one) has its
    back-edges left out first: inside a strongly connected component, a link that points to
    an earlier item (in start-date order) is the one broken, so the rest still flows left to
    right and the cycle's members spread over layers instead of piling into one."""
    back = [
        (u, v)
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1
        for u, v in graph.subgraph(component).edges
        if rank[v] < rank[u]
    ]
    if back:
        graph = graph.copy()
        graph.remove_edges_from(back)
    return {
        node: n
        for n, generation in enumerate(nx.topological_generations(graph))
        for node in generation
    }


def _folded_into(
    row: ItemRow, rows: Mapping[int, ItemRow], collapsed: Collection[int]
) -> int | None:
    """The outermost collapsed phase holding `row` (the row itself if it is one), if any."""
    outermost = None
    current: ItemRow | None = row
    while current is not None:
        if current.id in collapsed and current.kind == "phase":
            outermost = current.id
        current = rows.get(current.parent_id) if current.parent_id is not None else None
    return outermost


def _band(y: float) -> int:
    return int(y // (BAND * STEP))


def _gap(y: float) -> float:
    """The middle of the row gap nearest to y: a horizontal line there meets no node."""
    return round((y + ROW_GAP / 2) / STEP) * STEP - ROW_GAP / 2


def route(pred: Node, succ: Node, layer_x: Sequence[float]) -> tuple[Point, ...]:
    """The polyline from pred's right port to succ's left port, through free channels only.

    An edge to the next layer crosses the gap between them. A longer one bends once per
    layer it skips, crossing that layer along the row gap nearest its straight line. One that
    points back (a broken cycle link) drops into the row gap under its predecessor and runs
    left along it to the gap before its successor."""
    (x0, y0), (x1, y1) = pred.out_port, succ.in_port
    points: list[Point] = [(x0, y0), (x0 + STUB, y0)]
    if succ.layer > pred.layer:
        span = succ.layer - pred.layer
        for k in range(pred.layer + 1, succ.layer):
            y = _gap(y0 + (y1 - y0) * (k - pred.layer) / span)
            points += [(layer_x[k] - STUB, y), (layer_x[k] + NODE_WIDTH + STUB, y)]
    else:
        below = pred.y + NODE_HEIGHT + ROW_GAP / 2
        points += [(x0 + STUB, below), (x1 - STUB, below)]
    points += [(x1 - STUB, y1), (x1, y1)]
    return tuple(points)


def barycenter_order(
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
    """Nodes and edges placed left to right; the graph itself for upstream/downstream.

    `collapsed` names phases drawn as one node: the items under them are hidden and their
    links re-attached to the phase (several between the same two nodes become one edge, and
    those inside it vanish). `cycles` holds the keys of each group of items whose links form
    a loop, found on the items themselves, so a collapse never makes or hides one."""

    def __init__(
        self,
        rows: Sequence[ItemRow],
        links: Iterable[LinkRecord],
        shown_release: int | None = None,
        collapsed: Collection[int] = frozenset(),
    ) -> None:
        rows_by_id = {row.id: row for row in rows}
        drawn_as: dict[int, int] = {}  # item -> the node that shows it
        folded: dict[int, int] = defaultdict(int)
        for row in rows:
            phase = _folded_into(row, rows_by_id, collapsed) if collapsed else None
            if phase is not None:
                drawn_as[row.id] = phase
                folded[phase] += row.id != phase and row.kind != "phase"
            elif row.kind != "phase":
                drawn_as[row.id] = row.id
        item_links = [
            link
            for link in links
            if link.predecessor_id in rows_by_id
            and link.successor_id in rows_by_id
            and rows_by_id[link.predecessor_id].kind != "phase"
            and rows_by_id[link.successor_id].kind != "phase"
        ]
        items: nx.DiGraph[int] = nx.DiGraph()
        items.add_edges_from((k.predecessor_id, k.successor_id) for k in item_links)
        loops = [c for c in nx.strongly_connected_components(items) if len(c) > 1]
        loop_of = {item: n for n, loop in enumerate(loops) for item in loop}

        def start_order(i: int) -> tuple[dt.date, int]:
            return (rows_by_id[i].start or dt.date.max, i)

        self.cycles = tuple(
            tuple(rows_by_id[i].key for i in sorted(loop, key=start_order)) for loop in loops
        )
        merged: dict[tuple[int, int], list[LinkRecord]] = {}
        for link in item_links:
            a, b = drawn_as.get(link.predecessor_id), drawn_as.get(link.successor_id)
            if a is not None and b is not None and a != b:
                merged.setdefault((a, b), []).append(link)
        shown = sorted(set(drawn_as.values()), key=start_order)
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(shown)
        graph.add_edges_from(merged)
        self.graph = graph
        rank = {node: n for n, node in enumerate(shown)}
        layer_of = longest_path_layers(graph, rank)
        layers: list[list[int]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
        for node in shown:  # the first sweep starts from time order
            layers[layer_of[node]].append(node)
        preds = {n: list(graph.predecessors(n)) for n in graph}
        succs = {n: list(graph.successors(n)) for n in graph}
        barycenter_order(layers, preds, succs)
        self.layers = layers
        self._layer_x = [n * (NODE_WIDTH + LAYER_GAP) for n in range(len(layers))]
        looped_nodes = {drawn_as[i] for i in loop_of if i in drawn_as}
        self.nodes: dict[int, Node] = {}
        for column, layer in enumerate(layers):
            for n, node in enumerate(layer):
                row = rows_by_id[node]
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
                    x=self._layer_x[column],
                    y=n * STEP,
                    folded=folded.get(node, 0),
                    on_cycle=node in looped_nodes,
                )

        def edge(ends: tuple[int, int], group: list[LinkRecord]) -> Edge:
            points = route(self.nodes[ends[0]], self.nodes[ends[1]], self._layer_x)
            xs, ys = zip(*points, strict=True)
            pairs = [(rows_by_id[k.predecessor_id], rows_by_id[k.successor_id]) for k in group]
            first = group[0]
            return Edge(
                predecessor=ends[0],
                successor=ends[1],
                label=link_label(first.type, first.lag)
                if len(group) == 1
                else f"{len(group)} links",
                cross_release=any(p.release_id != s.release_id for p, s in pairs),
                critical=any(p.critical and s.critical for p, s in pairs),
                points=points,
                box=(min(xs), min(ys), max(xs), max(ys)),
                on_cycle=bool(loop_of)
                and any(p.id in loop_of and loop_of[p.id] == loop_of.get(s.id) for p, s in pairs),
            )

        self.edges = [edge(ends, group) for ends, group in merged.items()]
        # Which edges pass each cell (a layer's column with the gap after it, by a band of
        # BAND rows), so a view tests only the edges near it, not every edge of the plan.
        self._cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        band_height = BAND * STEP
        for n, made in enumerate(self.edges):
            cells: set[tuple[int, int]] = set()
            for (ax, ay), (bx, by) in itertools.pairwise(made.points):
                if ax > bx:
                    ax, bx = bx, ax
                if ay > by:
                    ay, by = by, ay
                # x // COLUMN is the column whose box or following gap holds x.
                c0, c1 = max(int(ax // COLUMN), 0), int(bx // COLUMN)
                b0, b1 = int(ay // band_height), int(by // band_height)
                if c0 == c1 and b0 == b1:  # most segments: a stub, a bend in one gap
                    cells.add((c0, b0))
                    continue
                for column in range(c0, c1 + 1):
                    for band in range(b0, b1 + 1):
                        cells.add((column, band))
            for cell in cells:
                self._cells[cell].append(n)
        self.width = len(layers) * (NODE_WIDTH + LAYER_GAP) - LAYER_GAP if layers else 0.0
        tallest = max((len(layer) for layer in layers), default=0)
        self.height = tallest * STEP - ROW_GAP if tallest else 0.0

    def _column(self, x: float) -> int:
        """The layer column x falls in (a box and the gap after it), clamped to the graph's."""
        return min(max(int(x // COLUMN), 0), len(self._layer_x) - 1)

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
        row = int(y // STEP)
        layer = self.layers[column]
        if 0 <= row < len(layer) and y - row * STEP <= NODE_HEIGHT:
            return layer[row]
        return None

    def visible(self, x0: float, y0: float, x1: float, y1: float) -> tuple[list[Node], list[Edge]]:
        """The nodes and edges a viewport over (x0, y0)-(x1, y1) shows, for painting."""
        first = max(0, bisect.bisect_right(self._layer_x, x0 - NODE_WIDTH) - 1)
        last = bisect.bisect_right(self._layer_x, x1)
        top, bottom = max(0, int(y0 // STEP)), int(y1 // STEP) + 1
        nodes = [
            self.nodes[node] for layer in self.layers[first:last] for node in layer[top:bottom]
        ]
        # The cells only pre-filter (Qt clips the rest): a cell's edges may miss the view.
        near: set[int] = set()
        for column in range(self._column(x0), self._column(x1) + 1):
            for band in range(_band(y0), _band(y1) + 1):
                near.update(self._cells.get((column, band), ()))
        edges = [
            e
            for e in map(self.edges.__getitem__, sorted(near))
            if e.box[0] <= x1 and e.box[2] >= x0 and e.box[1] <= y1 and e.box[3] >= y0
        ]
        return nodes, edges


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


def plan_layout(
    state: PlanState, release_id: int | None, collapsed: Collection[int] = frozenset()
) -> DependencyLayout:
    """The layout of one release's items, with the items of other releases its links reach
    (marked foreign), or of the whole plan when `release_id` is None; `collapsed` phases are
    drawn as one node each."""
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
        [state.row(i) for i in ids],
        [state.links[i] for i in sorted(links)],
        release_id,
        collapsed,
    )
