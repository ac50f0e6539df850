"""The component graph's geometry: the services one release touches, laid out by dependency.

A component stands to the left of what depends on it: the foundations (infrastructure,
identity) in the first layer, the services built on them further right, the applications
users see last, so an edge runs left to right from the component required to the one that
requires it, entering its right-hand node at the left port. Layers are longest paths from a
foundation (networkx generations, as the Dependencies tab lays out work items: a dependency
cycle, which nothing forbids between components, is broken at its link back to the earlier
name, which is still drawn);
barycenter sweeps order each layer. The Qt view paints the nodes and edges; nothing here
knows about Qt.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
from sqlalchemy import select

from app.components import (
    ComponentConflict,
    dependency_edges,
    find_conflicts,
    release_components,
)
from app.dependency_graph import barycenter_order, longest_path_layers
from models import Component

if TYPE_CHECKING:
    from app.plan import Plan

NODE_WIDTH = 190.0
NODE_HEIGHT = 58.0
LAYER_GAP = 110.0  # room for the constraint label between layers
ROW_GAP = 22.0
STUB = 14.0  # edges leave and enter ports horizontally for this long

ORIGIN_BADGES = {"built_here": "built here", "vendor": "vendor", "open_source": "open source"}


@dataclass(frozen=True, slots=True)
class ComponentInfo:
    """A component as the graph needs it."""

    id: int
    name: str
    origin: str  # built_here | vendor | open_source
    version: str | None  # the version the release ships; None when it does not ship one
    touched: bool  # in the release's baseline or one of its work items' components
    previous: str | None = None  # the version the release before shipped
    risk: str | None = None  # of taking this version (third-party updates)


@dataclass(frozen=True, slots=True)
class Requirement:
    """`component` depends on `depends_on` at the versions `constraint` allows ("" for any)."""

    component: int
    depends_on: int
    constraint: str  # as typed: ">= 2.3, < 3"


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    name: str
    origin: str
    version: str | None
    touched: bool  # False: shown only because something the release touches requires it
    previous: str | None
    risk: str | None
    problems: tuple[str, ...]  # conflicts found on this component, as sentences
    layer: int
    x: float
    y: float

    @property
    def conflict(self) -> bool:
        return bool(self.problems)

    @property
    def badge(self) -> str:
        return ORIGIN_BADGES.get(self.origin, self.origin.replace("_", " "))

    @property
    def shipped(self) -> str:
        """What the release ships: "2.15.0", an update "2.14.0 → 2.15.0", or "not shipped"."""
        if self.version is None:
            return "not shipped"
        if self.previous is not None and self.previous != self.version:
            return f"{self.previous} → {self.version}"
        return self.version

    @property
    def in_port(self) -> tuple[float, float]:
        return (self.x, self.y + NODE_HEIGHT / 2)

    @property
    def out_port(self) -> tuple[float, float]:
        return (self.x + NODE_WIDTH, self.y + NODE_HEIGHT / 2)


@dataclass(frozen=True, slots=True)
class Edge:
    """From the component required (left) to the one that requires it (right)."""

    depends_on: int
    component: int
    label: str  # the constraint, ">= 2.14"; "" when any version will do
    problems: tuple[str, ...]  # the constraint broken, as sentences
    points: tuple[tuple[float, float], ...]

    @property
    def conflict(self) -> bool:
        return bool(self.problems)


class ComponentLayout:
    """Nodes and edges placed left to right, with the conflicts they carry."""

    def __init__(
        self,
        components: Iterable[ComponentInfo],
        requirements: Iterable[Requirement],
        node_problems: Mapping[int, Sequence[str]] | None = None,
        edge_problems: Mapping[tuple[int, int], Sequence[str]] | None = None,
    ) -> None:
        info = {c.id: c for c in components}
        node_problems = node_problems or {}
        edge_problems = edge_problems or {}
        by_name = sorted(info, key=lambda i: (info[i].name.casefold(), i))
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(by_name)
        kept = [
            r
            for r in requirements
            if r.component in info and r.depends_on in info and r.component != r.depends_on
        ]
        for requirement in kept:
            graph.add_edge(requirement.depends_on, requirement.component)
        self.graph = graph
        # A dependency cycle is broken at its link back to the earlier name, as the
        # Dependencies tab breaks one at its link back to the earlier start.
        layer_of = longest_path_layers(graph, {c: n for n, c in enumerate(by_name)})
        layers: list[list[int]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
        for component in by_name:  # the first sweep starts from alphabetical order
            layers[layer_of[component]].append(component)
        # An edge across several layers passes through a slot of its own in each layer it
        # crosses (a dummy, numbered below zero), so it never runs behind another node and
        # the crossing reduction moves it like a node.
        preds = {n: list(graph.predecessors(n)) for n in graph}
        succs = {n: list(graph.successors(n)) for n in graph}
        through: dict[tuple[int, int], list[int]] = {}
        dummies = itertools.count(-1, -1)
        for requirement in kept:
            start, end = requirement.depends_on, requirement.component
            chain = [start]
            for between in range(layer_of[start] + 1, layer_of[end]):
                dummy = next(dummies)
                layers[between].append(dummy)
                preds[dummy] = [chain[-1]]
                succs[chain[-1]] = [*succs.get(chain[-1], ()), dummy]
                chain.append(dummy)
            if len(chain) > 1:
                succs[chain[-1]] = [end]
                preds[end] = [chain[-1] if p == start else p for p in preds[end]]
                succs[start] = [n for n in succs[start] if n != end]
            through[(end, start)] = chain[1:]
        barycenter_order(layers, preds, succs)
        self.layers = layers  # node ids, and the dummies' (below zero) where long edges pass
        self._slots: dict[int, tuple[float, float]] = {}
        self.nodes: dict[int, Node] = {}
        for column, layer in enumerate(layers):
            for row, slot in enumerate(layer):
                x, y = column * (NODE_WIDTH + LAYER_GAP), row * (NODE_HEIGHT + ROW_GAP)
                self._slots[slot] = (x, y)
                if slot < 0:
                    continue
                c = info[slot]
                self.nodes[slot] = Node(
                    id=slot,
                    name=c.name,
                    origin=c.origin,
                    version=c.version,
                    touched=c.touched,
                    previous=c.previous,
                    risk=c.risk,
                    problems=tuple(node_problems.get(slot, ())),
                    layer=column,
                    x=x,
                    y=y,
                )
        self.edges = [
            self._edge(r, through[(r.component, r.depends_on)], edge_problems) for r in kept
        ]
        self.width = len(layers) * (NODE_WIDTH + LAYER_GAP) - LAYER_GAP if layers else 0.0
        tallest = max((len(layer) for layer in layers), default=0)
        self.height = tallest * (NODE_HEIGHT + ROW_GAP) - ROW_GAP if tallest else 0.0
        self._layer_x = [n * (NODE_WIDTH + LAYER_GAP) for n in range(len(layers))]

    def _edge(
        self,
        requirement: Requirement,
        dummies: list[int],
        problems: Mapping[tuple[int, int], Sequence[str]],
    ) -> Edge:
        required, requiring = self.nodes[requirement.depends_on], self.nodes[requirement.component]
        (x0, y0), (x1, y1) = required.out_port, requiring.in_port
        passing = [
            point
            for x, y in map(self._slots.__getitem__, dummies)
            for point in ((x, y + NODE_HEIGHT / 2), (x + NODE_WIDTH, y + NODE_HEIGHT / 2))
        ]
        return Edge(
            depends_on=required.id,
            component=requiring.id,
            label=requirement.constraint.strip(),
            problems=tuple(problems.get((requiring.id, required.id), ())),
            points=((x0, y0), (x0 + STUB, y0), *passing, (x1 - STUB, y1), (x1, y1)),
        )

    @property
    def conflicts(self) -> list[str]:
        """Every problem the graph shows, once each, in layer order."""
        seen: dict[str, None] = {}
        for layer in self.layers:
            for component in layer:
                if component in self.nodes:
                    seen.update(dict.fromkeys(self.nodes[component].problems))
        for edge in self.edges:
            seen.update(dict.fromkeys(edge.problems))
        return list(seen)

    def node_at(self, x: float, y: float) -> int | None:
        column = bisect.bisect_right(self._layer_x, x) - 1
        if column < 0 or x > self._layer_x[column] + NODE_WIDTH:
            return None
        row = int(y // (NODE_HEIGHT + ROW_GAP))
        layer = self.layers[column]
        if 0 <= row < len(layer) and y - row * (NODE_HEIGHT + ROW_GAP) <= NODE_HEIGHT:
            return layer[row] if layer[row] in self.nodes else None
        return None

    def edge_near(self, x: float, y: float, reach: float = 5.0) -> Edge | None:
        """The edge whose line passes within `reach` of the point (for its tooltip)."""
        for edge in self.edges:
            for p, q in zip(edge.points, edge.points[1:], strict=False):
                if _distance(p, q, (x, y)) <= reach:
                    return edge
        return None


def _distance(p: tuple[float, float], q: tuple[float, float], point: tuple[float, float]) -> float:
    """From a point to the segment p-q."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else ((point[0] - p[0]) * dx + (point[1] - p[1]) * dy) / length
    t = min(max(t, 0.0), 1.0)
    nearest = (p[0] + t * dx, p[1] + t * dy)
    return float(((point[0] - nearest[0]) ** 2 + (point[1] - nearest[1]) ** 2) ** 0.5)


def _breaks(conflict: ComponentConflict, depends_on: str) -> bool:
    """Whether a constraint conflict is about the dependency on `depends_on` (its sentence
    names the component needed right after "needs" or "dependency on")."""
    return f"needs {depends_on} " in conflict.message or (
        f"dependency on {depends_on} " in conflict.message
    )


def release_graph(plan: Plan, release_id: int, today: dt.date) -> ComponentLayout:
    """The components a release touches (its baseline and its work items' components) and
    the ones they require, with the release's conflicts (`find_conflicts` as of `today`):
    a broken constraint marks the component and its dependency edge, an overlap with
    another release in flight the component."""
    with plan.store.read() as session:
        known = {
            name: (component_id, origin)
            for component_id, name, origin in session.execute(
                select(Component.id, Component.name, Component.origin)
            )
        }
    touched = {c.component: c for c in release_components(plan, release_id)}
    edges = [e for e in dependency_edges(plan) if e.component in touched]
    shown = touched.keys() | {e.depends_on for e in edges}
    infos = [
        ComponentInfo(
            id=known[name][0],
            name=name,
            origin=known[name][1],
            version=touched[name].version if name in touched else None,
            touched=name in touched,
            previous=touched[name].previous if name in touched else None,
            risk=touched[name].risk if name in touched else None,
        )
        for name in shown
    ]
    release = plan.state.releases[release_id].name
    node_problems: dict[int, list[str]] = defaultdict(list)
    edge_problems: dict[tuple[int, int], list[str]] = defaultdict(list)
    for conflict in find_conflicts(plan, today):
        if release not in (conflict.release, conflict.other_release):
            continue
        if conflict.component in shown:
            node_problems[known[conflict.component][0]].append(conflict.message)
        if conflict.kind != "constraint":
            continue
        for edge in edges:
            if edge.component == conflict.component and _breaks(conflict, edge.depends_on):
                pair = (known[edge.component][0], known[edge.depends_on][0])
                edge_problems[pair].append(conflict.message)
    requirements = [
        Requirement(known[e.component][0], known[e.depends_on][0], e.constraint) for e in edges
    ]
    return ComponentLayout(infos, requirements, node_problems, edge_problems)
