"""Whether two plan files hold the same plan: releases, items, links, calendar, change requests
and components (with their baselines and dependencies), by identity.

Database ids differ between a plan and its copy through a workbook, so everything is compared
by what identifies it (a release's name, an item's key) and read with plain sqlite3, apart
from Gantry's own reading code. The export/import round trip uses it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

Snapshot = dict[str, dict[Any, tuple[Any, ...]]]

_QUERIES = {
    "releases": (
        "SELECT name, version, status, owner, start_date, feature_freeze, code_freeze, "
        "target_date, actual_date, description, "
        "(SELECT count(*) FROM releases o WHERE o.position < r.position "
        " OR (o.position = r.position AND o.id < r.id)) "
        "FROM releases r"
    ),
    # An item's place is its parent and its rank among its siblings (positions need not match).
    "work_items": (
        "SELECT w.key, r.name, p.key, w.kind, w.name, w.duration, w.not_before, w.owner, "
        "w.status, w.percent_complete, w.actual_start, w.actual_finish, w.notes, "
        "(SELECT name FROM components WHERE id = w.component_id), "
        "(SELECT count(*) FROM work_items s WHERE s.release_id = w.release_id "
        " AND s.parent_id IS w.parent_id "
        " AND (s.position < w.position OR (s.position = w.position AND s.id < w.id))) "
        "FROM work_items w JOIN releases r ON r.id = w.release_id "
        "LEFT JOIN work_items p ON p.id = w.parent_id"
    ),
    "dependencies": (
        "SELECT a.key, b.key, d.type, d.lag FROM dependencies d "
        "JOIN work_items a ON a.id = d.predecessor_id JOIN work_items b ON b.id = d.successor_id"
    ),
    "calendar_entries": (
        # Times are part of an entry's identity: a window at other hours is another window.
        "SELECT c.kind, c.name, c.start_date, c.end_date, e.name, c.start_time, c.end_time, "
        "coalesce(c.recurrence, 'none'), c.weekdays, c.month_week, coalesce(c.time_zone, '') "
        "FROM calendar_entries c "
        "LEFT JOIN environments e ON e.id = c.environment_id"
    ),
    "change_requests": (
        "SELECT c.key, r.name, c.title, c.description, c.category, c.status, c.requested_by, "
        "c.window_start, c.window_end, "
        "(SELECT group_concat(name, '; ') FROM (SELECT e.name FROM change_environments ce "
        " JOIN environments e ON e.id = ce.environment_id WHERE ce.change_request_id = c.id "
        " ORDER BY e.name)) "
        "FROM change_requests c JOIN releases r ON r.id = c.release_id"
    ),
    "components": (
        "SELECT name, origin, owner, supplier, licence, support_end, repository, description "
        "FROM components"
    ),
    "component_versions": (
        "SELECT c.name, r.name, v.version, v.risk, v.notes FROM component_versions v "
        "JOIN components c ON c.id = v.component_id JOIN releases r ON r.id = v.release_id"
    ),
    "component_dependencies": (
        "SELECT a.name, b.name, d.version_constraint FROM component_dependencies d "
        "JOIN components a ON a.id = d.component_id JOIN components b ON b.id = d.depends_on_id"
    ),
}
# How many leading columns identify a row of each table.
_IDENTITY = {
    "releases": 1,
    "work_items": 1,
    "dependencies": 2,
    "calendar_entries": 7,
    "change_requests": 1,
    "components": 1,
    "component_versions": 2,
    "component_dependencies": 2,
}


def plan_snapshot(path: Path) -> Snapshot:
    """The plan's releases, items, links, calendar and components, keyed by identity
    (read-only open)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        snapshot: Snapshot = {}
        for table, sql in _QUERIES.items():
            width = _IDENTITY[table]
            rows: dict[Any, tuple[Any, ...]] = {}
            for row in conn.execute(sql):
                identity = row[0] if width == 1 else tuple(row[:width])
                rows[identity] = tuple(row[width:])
            snapshot[table] = rows
        return snapshot
    finally:
        conn.close()


def plan_differences(a: Path, b: Path, limit: int = 20) -> list[str]:
    """What differs between two plans, one line each (at most `limit`); empty when the same."""
    first, second = plan_snapshot(a), plan_snapshot(b)
    found: list[str] = []
    for table in _QUERIES:
        left, right = first[table], second[table]
        for identity in sorted(left.keys() | right.keys(), key=repr):
            if identity not in right:
                found.append(f"{table} {identity!r}: only in {a.name}")
            elif identity not in left:
                found.append(f"{table} {identity!r}: only in {b.name}")
            elif left[identity] != right[identity]:
                found.append(f"{table} {identity!r}: {left[identity]!r} != {right[identity]!r}")
    return found[:limit]


def assert_same_plan(a: Path, b: Path) -> None:
    differences = plan_differences(a, b)
    assert not differences, "The plans differ:\n" + "\n".join(differences)
