"""Components and configuration baselines: the record types, version constraints, the baseline
of two releases compared, what a release touches, and the conflicts between releases.

Versions are ordered semantic-version style: dotted numbers compared numerically, missing
trailing numbers read as zero (2.3 == 2.3.0), and a pre-release suffix after a hyphen orders
before the release it leads to (2.3.0-rc1 < 2.3.0); pre-release suffixes compare by their
dot-separated parts, digits as numbers ("rc2" < "rc10"). A constraint is comparisons joined by
commas, each an operator (>=, >, <=, <, ==, !=) and a version: ">= 2.3, < 3"; a version allows
it when every comparison holds; an empty constraint allows any version. Nothing else is read
(no "~>", no bare version, no wildcards): a text that is not this grammar is refused with the
text named, so what a dependency means is never a guess.

A release's previous baseline for a component is its version in the nearest release before it
that ships it: releases follow each other by their own version (3.5.0, 3.5.1, 3.6.0: a patch
builds on the release it patches, whatever its dates), then by the day they shipped or are
due (for a release without a target, its start); a patch ships only what it changes. The
version live in production on a day is the one the newest release shipped by then carries.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.fields import Field, FieldKind, FieldSet, choices
from app.records import Record, RecordType, title_from
from models import Component, ComponentDependency, ComponentVersion, Release, WorkItem
from models.components import COMPONENT_ORIGINS, UPDATE_RISKS

if TYPE_CHECKING:
    from app.plan import Plan
    from app.store import PlanStore

ORIGIN_LABELS = {"built_here": "Built here", "open_source": "Open source"}
FINISHED = frozenset({"shipped", "cancelled"})

# -- versions and constraints ----------------------------------------------------------------

_VERSION = re.compile(r"(\d+(?:\.\d+)*)(?:-([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*))?")
_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*")
_DIGITS = re.compile(r"(\d+)")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """A version as it orders; `text` is kept for messages and is not compared."""

    numbers: tuple[int, ...]  # without trailing zeros: 2.3 and 2.3.0 are one version
    released: bool  # False for a pre-release, which comes before its release
    pre: tuple[tuple[int, int | str], ...]
    text: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.text


def _part_key(part: str) -> tuple[tuple[int, int | str], ...]:
    # "rc10" -> ("rc", 10): digits compare as numbers, letters as text, numbers first.
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _DIGITS.split(part) if p)


def parse_version(text: str) -> Version:
    """The version `text` names; ValueError naming the text when it is not one."""
    found = _VERSION.fullmatch(text.strip())
    if found is None:
        raise ValueError(
            f"'{text}' is not a version: write dotted numbers, e.g. 2.3 or 2.3.1, optionally "
            "with a pre-release after a hyphen, e.g. 2.3.0-rc1"
        )
    numbers = [int(n) for n in found.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    pre = found.group(2)
    key = tuple(k for part in pre.split(".") for k in _part_key(part)) if pre else ()
    return Version(tuple(numbers), pre is None, key, text.strip())


@dataclass(frozen=True, slots=True)
class Constraint:
    """Comparisons that all must hold; none: any version will do."""

    clauses: tuple[tuple[str, Version], ...]

    def allows(self, version: Version) -> bool:
        return all(_OPERATORS[op](version, bound) for op, bound in self.clauses)

    @property
    def text(self) -> str:
        return ", ".join(f"{op} {bound}" for op, bound in self.clauses)


def parse_constraint(text: str) -> Constraint:
    """The constraint `text` states; ValueError naming the text and the part that is wrong."""
    if not text.strip():
        return Constraint(())
    clauses = []
    for part in text.split(","):
        found = _CLAUSE.fullmatch(part)
        if found is None:
            raise ValueError(
                f"'{part.strip()}' in the constraint '{text}' is not a comparison: write an "
                "operator (>=, >, <=, <, ==, !=) and a version, several joined by commas, "
                "e.g. '>= 2.3, < 3'"
            )
        try:
            clauses.append((found.group(1), parse_version(found.group(2))))
        except ValueError as exc:
            raise ValueError(f"in the constraint '{text}': {exc}") from None
    return Constraint(tuple(clauses))


def version_order(text: str) -> tuple[Any, ...]:
    """A sort key for a stored version text; one Gantry cannot read (kept from a plan made
    before versions were checked) orders by its text, digits as numbers."""
    try:
        version = parse_version(text)
    except ValueError:
        return (1, _part_key(text))
    return (0, version.numbers, version.released, version.pre)


def _version_problem(value: str) -> str | None:
    try:
        parse_version(value)
    except ValueError as exc:
        return str(exc)
    return None


def _constraint_problem(value: str) -> str | None:
    try:
        parse_constraint(value)
    except ValueError as exc:
        return str(exc)
    return None


# -- record types ----------------------------------------------------------------------------


COMPONENTS = RecordType(
    fields=FieldSet(
        "components",
        "component",
        (
            Field("name", "Name", required=True, max_length=120),
            Field(
                "origin",
                "Origin",
                FieldKind.CHOICE,
                required=True,
                choices=choices(COMPONENT_ORIGINS, ORIGIN_LABELS),
                tip="Built here, or taken from a vendor or an open-source project: updates of "
                "third-party components are listed with their risk",
            ),
            Field("owner", "Owner", max_length=120, tip="Who answers for it here"),
            Field(
                "supplier",
                "Supplier",
                max_length=120,
                tip="The vendor or project a third-party component comes from",
            ),
            Field("licence", "Licence", max_length=120, placeholder="e.g. Apache-2.0"),
            Field(
                "support_end",
                "Support ends",
                FieldKind.DATE,
                tip="The last day the supplier supports the versions in use",
            ),
            Field("repository", "Repository", max_length=300),
            Field("description", "Description", FieldKind.MULTILINE),
        ),
    ),
    model=Component,
    order_by=("name",),
    title=title_from("name"),
    unique=("name",),
    duplicate=lambda there, _shown: f"There is already a component named {there.name}",
    defaults={
        "origin": "built_here",
        "owner": "",
        "supplier": "",
        "licence": "",
        "support_end": None,
        "repository": "",
        "description": "",
    },
)


def _version_title(record: Record) -> str:
    return str(record.version)


COMPONENT_VERSIONS = RecordType(
    fields=FieldSet(
        "component_versions",
        "component version",
        (
            Field(
                "component_id",
                "Component",
                FieldKind.REFERENCE,
                required=True,
                reference="components",
            ),
            Field(
                "release_id", "Release", FieldKind.REFERENCE, required=True, reference="releases"
            ),
            Field(
                "version",
                "Version",
                required=True,
                max_length=40,
                placeholder="e.g. 2.3.1",
                check=_version_problem,
                tip="The version the release ships: dotted numbers, a pre-release after a "
                "hyphen (2.3.0-rc1 comes before 2.3.0)",
            ),
            Field(
                "risk",
                "Update risk",
                FieldKind.CHOICE,
                choices=choices(UPDATE_RISKS),
                tip="For a vendor or open-source component: the risk of taking this version",
            ),
            Field("notes", "Notes", FieldKind.MULTILINE),
        ),
    ),
    model=ComponentVersion,
    order_by=("release_id", "component_id"),
    title=_version_title,
    defaults={"component_id": None, "release_id": None, "risk": None, "notes": ""},
    unique=("component_id", "release_id"),
    duplicate=lambda there, shown: (
        f"{shown('component_id')} already has a version in {shown('release_id')} "
        f"({shown('version')})"
    ),
)


def _dependency_rules(values: Mapping[str, Any]) -> list[str]:
    component, needed = values.get("component_id"), values.get("depends_on_id")
    if component is not None and component == needed:
        return ["a component cannot depend on itself"]
    return []


def _dependency_title(record: Record) -> str:
    return str(record.version_constraint) or "any version"


COMPONENT_DEPENDENCIES = RecordType(
    fields=FieldSet(
        "component_dependencies",
        "component dependency",
        (
            Field(
                "component_id",
                "Component",
                FieldKind.REFERENCE,
                required=True,
                reference="components",
            ),
            Field(
                "depends_on_id",
                "Depends on",
                FieldKind.REFERENCE,
                required=True,
                reference="components",
            ),
            Field(
                "version_constraint",
                "Versions",
                max_length=80,
                placeholder="e.g. >= 2.3, < 3",
                check=_constraint_problem,
                tip="Which versions of it will do: comparisons (>=, >, <=, <, ==, !=) joined by "
                "commas; empty: any version",
            ),
        ),
    ),
    model=ComponentDependency,
    order_by=("component_id", "depends_on_id"),
    title=_dependency_title,
    rules=_dependency_rules,
    defaults={"component_id": None, "depends_on_id": None, "version_constraint": ""},
    unique=("component_id", "depends_on_id"),
    duplicate=lambda there, shown: (
        f"{shown('component_id')} already depends on {shown('depends_on_id')} "
        f"({_dependency_title(there)})"
    ),
)


# -- reading baselines -----------------------------------------------------------------------

Change = Literal["added", "removed", "upgraded", "downgraded", "unchanged"]


@dataclass(frozen=True, slots=True)
class BaselineDelta:
    component: str
    before: str | None
    after: str | None
    change: Change


@dataclass(frozen=True, slots=True)
class ReleaseComponent:
    """A component a release touches: the version it ships (None: only its work items touch
    it), the one before it, the update's risk, and how many of its work items are on it."""

    component: str
    origin: str
    version: str | None
    previous: str | None
    risk: str | None
    work_items: int

    @property
    def changed(self) -> bool:
        return self.version is not None and self.version != self.previous

    @property
    def third_party(self) -> bool:
        return self.origin != "built_here"


@dataclass(frozen=True, slots=True)
class ComponentConflict:
    """A release (and for an overlap the other release) and the component, by name; the
    releases' ids and the day it is about, so the window can show where it is."""

    kind: Literal["constraint", "overlap"]
    release: str
    component: str
    message: str
    other_release: str | None = None
    release_id: int | None = None
    day: dt.date | None = None  # a constraint: the target (else start); an overlap: its start
    other_release_id: int | None = None


@dataclass(frozen=True, slots=True)
class ComponentEdge:
    """A dependency between components by name, for the graph."""

    component: str
    depends_on: str
    constraint: str


@dataclass(frozen=True, slots=True)
class _Release:
    id: int
    name: str
    version: str
    status: str
    start: dt.date | None
    target: dt.date | None
    actual: dt.date | None
    position: int

    @property
    def shipped(self) -> bool:
        return self.status == "shipped" or self.actual is not None

    @property
    def in_flight(self) -> bool:
        return self.status not in FINISHED and self.actual is None

    @property
    def day(self) -> dt.date | None:
        """The day it shipped or is due."""
        return self.actual or self.target


def _order(release: _Release) -> tuple[Any, ...]:
    # A release without a version comes after those with one; one without a target by its
    # start, which it cannot ship before.
    number = version_order(release.version) if release.version.strip() else (2,)
    return (number, release.day or release.start or dt.date.max, release.position)


@dataclass(slots=True)
class _Baselines:
    """Every release and baseline row of a plan, read once."""

    releases: dict[int, _Release]
    versions: dict[int, dict[str, str]]  # release id -> component -> version
    risks: dict[tuple[int, str], str | None]
    origins: dict[str, str]
    ordered: list[_Release] = field(init=False)  # one after the other (module docstring)

    def __post_init__(self) -> None:
        self.ordered = sorted(self.releases.values(), key=_order)

    def previous(self, release: _Release, component: str) -> str | None:
        """The component's version in the nearest release before `release` that ships it."""
        before = self.ordered[: self.ordered.index(release)]
        for earlier in reversed(before):
            if earlier.status == "cancelled":
                continue
            if component in self.versions.get(earlier.id, {}):
                return self.versions[earlier.id][component]
        return None

    def live(self, component: str, day: dt.date) -> tuple[str, _Release] | None:
        """The version in production on `day`: the newest release shipped before it carries."""
        shipped = [
            r for r in self.releases.values() if r.shipped and r.day is not None and r.day <= day
        ]
        for release in sorted(shipped, key=lambda r: (r.day, r.position), reverse=True):
            if component in self.versions.get(release.id, {}):
                return self.versions[release.id][component], release
        return None


@contextmanager
def _reading(session_or_plan: Session | Plan) -> Iterator[Session]:
    if isinstance(session_or_plan, Session):
        yield session_or_plan
    else:
        with session_or_plan.store.read() as session:
            yield session


def _baselines(session: Session) -> _Baselines:
    releases = {
        row.id: _Release(
            row.id,
            row.name,
            row.version,
            row.status,
            row.start_date,
            row.target_date,
            row.actual_date,
            row.position,
        )
        for row in session.execute(
            select(
                Release.id,
                Release.name,
                Release.version,
                Release.status,
                Release.start_date,
                Release.target_date,
                Release.actual_date,
                Release.position,
            )
        )
    }
    versions: dict[int, dict[str, str]] = {}
    risks: dict[tuple[int, str], str | None] = {}
    for release_id, name, version, risk in session.execute(
        select(
            ComponentVersion.release_id,
            Component.name,
            ComponentVersion.version,
            ComponentVersion.risk,
        ).join(Component, ComponentVersion.component_id == Component.id)
    ):
        versions.setdefault(release_id, {})[name] = version
        risks[release_id, name] = risk
    origins = {n: o for n, o in session.execute(select(Component.name, Component.origin))}
    return _Baselines(releases, versions, risks, origins)


def _change(before: str | None, after: str | None) -> Change:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    old, new = version_order(before), version_order(after)
    if new > old:
        return "upgraded"
    if new < old:
        return "downgraded"
    return "unchanged"


def compare_baselines(
    session_or_plan: Session | Plan, release_a_id: int, release_b_id: int
) -> list[BaselineDelta]:
    """Each component either release ships, by name: its version in A, in B, and the change."""
    with _reading(session_or_plan) as session:
        found: dict[int, dict[str, str]] = {release_a_id: {}, release_b_id: {}}
        for release_id, name, version in session.execute(
            select(ComponentVersion.release_id, Component.name, ComponentVersion.version)
            .join(Component, ComponentVersion.component_id == Component.id)
            .where(ComponentVersion.release_id.in_((release_a_id, release_b_id)))
        ):
            found[release_id][name] = version
    a, b = found[release_a_id], found[release_b_id]
    return [
        BaselineDelta(name, a.get(name), b.get(name), _change(a.get(name), b.get(name)))
        for name in sorted(a.keys() | b.keys())
    ]


def release_components(plan: Plan, release_id: int) -> list[ReleaseComponent]:
    """The components a release touches (its baseline and its work items'), by name."""
    with plan.store.read() as session:
        baselines = _baselines(session)
        items: dict[str, int] = {
            name: count
            for name, count in session.execute(
                select(Component.name, func.count(WorkItem.id))
                .join(WorkItem, WorkItem.component_id == Component.id)
                .where(WorkItem.release_id == release_id)
                .group_by(Component.name)
            )
        }
    release = baselines.releases[release_id]
    shipped = baselines.versions.get(release_id, {})
    return [
        ReleaseComponent(
            name,
            baselines.origins[name],
            shipped.get(name),
            baselines.previous(release, name),
            baselines.risks.get((release_id, name)),
            items.get(name, 0),
        )
        for name in sorted(shipped.keys() | items.keys())
    ]


def previous_version(plan: Plan, release_id: int, component_id: int) -> str | None:
    """The component's version in the nearest release before this one that ships it (None:
    no earlier release ships it), whether or not this release touches it."""
    with plan.store.read() as session:
        baselines = _baselines(session)
        name = session.get_one(Component, component_id).name
    return baselines.previous(baselines.releases[release_id], name)


def dependency_edges(plan: Plan) -> list[ComponentEdge]:
    """Every dependency between components, by name."""
    with plan.store.read() as session:
        return _edges(session)


def _edges(session: Session) -> list[ComponentEdge]:
    needed = aliased(Component)
    rows = session.execute(
        select(Component.name, needed.name, ComponentDependency.version_constraint)
        .join(ComponentDependency, ComponentDependency.component_id == Component.id)
        .join(needed, ComponentDependency.depends_on_id == needed.id)
        .order_by(Component.name, needed.name)
    ).tuples()
    return [ComponentEdge(a, b, constraint) for a, b, constraint in rows]


def find_conflicts(plan: Plan, today: dt.date) -> list[ComponentConflict]:
    """Baselines that break a dependency's constraint, then releases in flight that change the
    same component in overlapping windows. Shipped and cancelled releases are history and are
    left alone; a release without a target is checked against production as of `today`."""
    return store_conflicts(plan.store, today)


def store_conflicts(store: PlanStore, today: dt.date) -> list[ComponentConflict]:
    """`find_conflicts` from the store alone (its own session): on any thread."""
    with store.read() as session:
        baselines = _baselines(session)
        edges = _edges(session)
    return _constraint_conflicts(baselines, edges, today) + _overlaps(baselines, today)


def _constraint_conflicts(
    baselines: _Baselines, edges: list[ComponentEdge], today: dt.date
) -> list[ComponentConflict]:
    found = []
    for release in baselines.ordered:
        if not release.in_flight:
            continue
        shipped = baselines.versions.get(release.id, {})
        about = release.target or release.start
        for edge in edges:
            if edge.component not in shipped or not edge.constraint.strip():
                continue
            ships = f"{release.name} ships {edge.component} {shipped[edge.component]}"
            try:
                constraint = parse_constraint(edge.constraint)
            except ValueError as exc:
                message = f"{ships}, whose dependency on {edge.depends_on} cannot be read: {exc}."
                found.append(
                    ComponentConflict(
                        "constraint",
                        release.name,
                        edge.component,
                        message,
                        release_id=release.id,
                        day=about,
                    )
                )
                continue
            if edge.depends_on in shipped:
                version = shipped[edge.depends_on]
                where = f"it ships {edge.depends_on} {version}"
            else:
                day = release.target or today
                live = baselines.live(edge.depends_on, day)
                if live is None:
                    continue
                version, source = live
                where = (
                    f"production runs {edge.depends_on} {version} (from {source.name}) on "
                    f"{day.isoformat()}"
                )
            try:
                allowed = constraint.allows(parse_version(version))
            except ValueError:
                allowed = False
            if not allowed:
                found.append(
                    ComponentConflict(
                        "constraint",
                        release.name,
                        edge.component,
                        f"{ships}, which needs {edge.depends_on} {constraint.text}, but {where}.",
                        release_id=release.id,
                        day=about,
                    )
                )
    return found


def _overlaps(baselines: _Baselines, today: dt.date) -> list[ComponentConflict]:
    flying = [r for r in baselines.ordered if r.in_flight and r.start is not None]
    changes: dict[int, dict[str, tuple[str | None, str]]] = {}
    for release in flying:
        changes[release.id] = {
            name: (baselines.previous(release, name), version)
            for name, version in sorted(baselines.versions.get(release.id, {}).items())
            if version != baselines.previous(release, name)
        }
    found = []
    for n, first in enumerate(flying):
        for second in flying[n + 1 :]:
            assert first.start is not None and second.start is not None
            first_end, second_end = first.target or today, second.target or today
            if first.start > second_end or second.start > first_end:
                continue
            for name in sorted(changes[first.id].keys() & changes[second.id].keys()):
                (a_from, a_to), (b_from, b_to) = changes[first.id][name], changes[second.id][name]
                found.append(
                    ComponentConflict(
                        "overlap",
                        first.name,
                        name,
                        f"{first.name} ({first.start.isoformat()} to {first_end.isoformat()}) "
                        f"and {second.name} ({second.start.isoformat()} to "
                        f"{second_end.isoformat()}) both change {name} "
                        f"({a_from or 'new'} -> {a_to}, {b_from or 'new'} -> {b_to}) in "
                        "overlapping windows.",
                        second.name,
                        release_id=first.id,
                        day=max(first.start, second.start),  # where the windows begin to overlap
                        other_release_id=second.id,
                    )
                )
    return found
