"""Damaged copies of the demo plan: bytes changed at random past the header, or cut short."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from pathlib import Path

from app import audit
from app.demo import build_demo
from app.store import PlanStore

SEED = 20261102
HEADER = 100  # SQLite's file header: damage there is refused before SQLite reads a page
AT, ACTOR = "2026-11-02T09:00:00.000000+00:00", "demo"


def write_demo(path: Path) -> bytes:
    """The demo plan, the same bytes on every run, so a seed damages the same rows each time.

    The demo is dated by a fixed day; what the clock and the user name put in the file (the
    audit events' time and actor, hence their hashes and the hash index, and the creation
    time) is set to fixed values, the audit chain re-hashed, and VACUUM lays the pages out.
    """
    with PlanStore.open(path, create=True) as store:
        build_demo(store, today=dt.date(2026, 11, 2))
    conn = sqlite3.connect(path)
    try:
        events = conn.execute(
            "SELECT id, action, entity, entity_id, before, after, reason, subject_id "
            "FROM audit_events ORDER BY id"
        ).fetchall()
        head = audit.GENESIS
        for event_id, action, entity, entity_id, before, after, reason, subject in events:
            if entity == "plan_settings" and json.loads(after or "{}").get("key") == "created":
                after = audit.dump({**json.loads(after), "value": AT})
            digest = audit.event_hash(
                head, AT, ACTOR, action, entity, entity_id, before, after, reason, subject
            )
            conn.execute(
                "UPDATE audit_events SET at = ?, actor = ?, after = ?, prev_hash = ?, hash = ? "
                "WHERE id = ?",
                (AT, ACTOR, after, head, digest, event_id),
            )
            head = digest
        conn.execute("UPDATE plan_settings SET value = ? WHERE key = 'created'", (AT,))
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    return path.read_bytes()


def damage(data: bytes, rng: random.Random, n: int) -> tuple[str, bytes]:
    """Copy n: every eighth is cut short; the others have 1, 4 or 32 bytes changed."""
    if n % 8 == 7:
        cut = rng.randrange(HEADER, len(data))
        return f"cut at {cut}", data[:cut]
    damaged = bytearray(data)
    flips = rng.choice((1, 4, 32))
    offsets = sorted(rng.randrange(HEADER, len(data)) for _ in range(flips))
    for offset in offsets:
        damaged[offset] ^= rng.randrange(1, 256)  # never 0: every flip changes the byte
    return f"{flips} byte(s) changed, first at {offsets[0]}", bytes(damaged)


def damaged_copies(data: bytes, count: int, seed: int = SEED) -> list[tuple[str, bytes]]:
    """`count` damaged copies of `data`: (what was done, the bytes)."""
    rng = random.Random(seed)
    return [damage(data, rng, n) for n in range(count)]
