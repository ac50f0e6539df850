"""A Gantry process for the lock race test: opens the plan when all racers are ready."""

from __future__ import annotations

import os
from multiprocessing.synchronize import Barrier
from queue import Queue

from app.store import PlanStore

# What one racer saw: (round, its pid, opened read-only, the holder's pid if read-only).
Outcome = tuple[int, int, bool, int | None]


def race(plan: str, rounds: int, barrier: Barrier, outcomes: Queue[Outcome]) -> None:
    """Each round: start together, open, report, wait until every racer has reported, close.

    Keeping the plan open until everyone has reported means the writer still holds the lock
    while the slowest racer opens, so only a real race can make a second writer.
    """
    for number in range(rounds):
        barrier.wait()  # the parent wrote a stale lock: go
        store = PlanStore.open(plan)
        holder = store.locked_by.pid if store.locked_by else None
        outcomes.put((number, os.getpid(), store.read_only, holder))
        barrier.wait()  # everyone has opened
        store.close()
        barrier.wait()  # everyone has closed: the parent checks the lock file is gone
