"""Plans with long runbooks for the PDF tests and bench, written through the runbook service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.plan import Plan
from models.runbooks import STEP_SECTIONS
from tests.app.plan_factory import make_plan, plan_for

T0 = dt.datetime(2026, 1, 16, 19, 0)
OWNERS = ("Zoë Ångström", "Łukasz Wiśniewski", "山田太郎", "SRE on call")
LONG = (
    "Check the replication lag on every replica of the ledger cluster and wait until it is "
    "below one second before going on; if it is not, page the database owner. "
)


def make_runbook_plan(path: Path, steps: int, giant: bool = False) -> Plan:
    """Plan R1 (release "R1") with one runbook of `steps` steps spread over the sections,
    long instructions and owners whose names need Latin, Polish and CJK glyphs; with `giant`,
    one step whose text is longer than a page."""
    plan = plan_for(make_plan(path))
    runbooks = plan.runbooks
    book = runbooks.create_runbook("Ledger cut-over 夜間", 1, planned_start=T0)
    for n in range(steps):
        section = STEP_SECTIONS[min(len(STEP_SECTIONS) - 1, n * len(STEP_SECTIONS) // steps)]
        values = {
            "title": f"Step {n + 1}: migrate shard {n % 17} for 山田太郎's team",
            "section": section,
            "owner_role": OWNERS[n % len(OWNERS)],
            "duration_minutes": 1 + n % 9,
            "instructions": f"ledgerctl migrate --shard {n % 17} --batch-size 5000 "
            "--verify-checksums --log /var/log/ledger/cutover.log\n" + LONG * (1 + n % 3),
            "verification": f"Row counts match on shard {n % 17}. " * (1 + n % 4),
        }
        if giant and n == steps // 3:
            values["instructions"] = LONG * 120
        runbooks.add_step(book, values)
    return plan
