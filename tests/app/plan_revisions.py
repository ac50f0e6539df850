"""Plan files at every schema revision, written the way that revision's Gantry wrote them."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine

from app import audit, schema
from app.store import APPLICATION_ID

AT = "2026-01-05T09:00:00.000000+00:00"
ACTOR = "ann"

# Rows as Gantry writes them: (table, values, the column the audit trail files them under).
# Columns that a revision does not have yet are left out when writing at that revision.
ROWS: list[tuple[str, dict[str, Any], str | None]] = [
    (
        "releases",
        {
            "id": 1,
            "name": "R1",
            "version": "1.0",
            "status": "planned",
            "owner": "ann",
            "description": "",
            "position": 0,
            "start_date": "2026-01-05",
            "feature_freeze": None,
            "code_freeze": None,
            "target_date": "2026-01-30",
            "actual_date": None,
        },
        None,
    ),
    *(
        (
            "work_items",
            {
                "id": item_id,
                "release_id": 1,
                "parent_id": parent,
                "kind": kind,
                "key": key,
                "name": name,
                "duration": duration,
                "not_before": None,
                "owner": "",
                "component_id": None,
                "status": "not_started",
                "percent_complete": 0,
                "baseline_start": None,
                "baseline_finish": None,
                "actual_start": None,
                "actual_finish": None,
                "position": position,
                "notes": "",
            },
            "id",
        )
        for item_id, parent, kind, key, name, duration, position in (
            (1, None, "phase", "P", "Build", 0, 0),
            (2, 1, "task", "A", "Design", 3, 0),
            (3, 1, "task", "B", "Build it", 2, 1),
            (4, None, "milestone", "M", "GA", 0, 1),
        )
    ),
    *(
        (
            "dependencies",
            {"id": link_id, "predecessor_id": pred, "successor_id": succ, "type": "FS", "lag": 0},
            "successor_id",
        )
        for link_id, pred, succ in ((1, 2, 3), (2, 3, 4))
    ),
]


def revisions() -> list[str]:
    """Every revision the product knows, oldest first."""
    return [rev.revision for rev in reversed(list(schema.script_directory().walk_revisions()))]


def empty_plan_at(path: Path, revision: str) -> None:
    """A Gantry plan file whose schema is at `revision`, with no rows."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        command.upgrade(schema.alembic_config(conn), revision)
    engine.dispose()


def plan_at(
    path: Path, revision: str, rows: list[tuple[str, dict[str, Any], str | None]] = ROWS
) -> None:
    """A plan at `revision` holding release R1 (P: A -> B, then M) and the audit events that
    Gantry at that revision wrote for them, so `gantry audit verify` passes on it.

    `rows` replaces ROWS, say with values only an older revision has columns for."""
    empty_plan_at(path, revision)
    conn = sqlite3.connect(path)
    try:
        event_columns = _columns(conn, "audit_events")
        # The chain goes on from what the revisions wrote (0008's default approval rules).
        last = conn.execute("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()
        head = last[0] if last else audit.GENESIS
        for table, values, subject_field in rows:
            present = _columns(conn, table)
            row = {k: v for k, v in values.items() if k in present}
            names = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))
            # Events carry a subject only from the revision that has the column.
            subject = (
                row[subject_field] if subject_field and "subject_id" in event_columns else None
            )
            after = audit.dump(row)
            digest = audit.event_hash(
                head, AT, ACTOR, "create", table, row["id"], None, after, "", subject
            )
            event = {
                "at": AT,
                "actor": ACTOR,
                "action": "create",
                "entity": table,
                "entity_id": row["id"],
                "before": None,
                "after": after,
                "reason": "",
                "prev_hash": head,
                "hash": digest,
            }
            if "subject_id" in event_columns:
                event["subject_id"] = subject
            conn.execute(
                f"INSERT INTO audit_events ({', '.join(event)}) "
                f"VALUES ({', '.join('?' for _ in event)})",
                list(event.values()),
            )
            head = digest
        conn.commit()
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
