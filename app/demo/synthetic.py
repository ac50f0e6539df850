"""Synthetic plans of any size, with realistic structure, for benchmarks."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.plan import require_empty
from app.demo.recipe import HOLIDAY_COUNTRY, Progress, holiday_dates
from app.errors import ValidationError
from app.store import PlanStore
from app.work_calendar import years_text
from models import (
    CalendarEntry,
    Component,
    Dependency,
    PlanSetting,
    Release,
    WorkItem,
)

# -- synthetic plans -------------------------------------------------------------------------

_SYN_VERBS = (
    "Design",
    "Implement",
    "Review",
    "Test",
    "Migrate",
    "Refactor",
    "Document",
    "Automate",
    "Harden",
    "Integrate",
    "Profile",
    "Upgrade",
    "Instrument",
    "Deploy",
)
_SYN_SUBJECTS = (
    "checkout flow",
    "search index",
    "payment retries",
    "user onboarding",
    "rate limiter",
    "audit export",
    "session store",
    "billing reports",
    "feature flags",
    "notification queue",
    "access policies",
    "data retention job",
    "tenant isolation",
    "image pipeline",
    "recommendations",
    "mobile sync",
    "admin console",
    "webhooks",
    "cache layer",
    "SSO login",
    "price catalogue",
    "usage metering",
    "order history",
    "invoice PDFs",
    "report builder",
)
_SYN_PHASES = (
    "Discovery",
    "Design",
    "Build",
    "Integration",
    "Hardening",
    "Rollout",
    "Migration",
    "Pilot",
)
_SYN_MILESTONES = (
    "Design sign-off",
    "Feature complete",
    "Integration done",
    "Beta",
    "Release candidate",
    "Launch readiness",
)
_SYN_COMPONENTS = (
    "api",
    "web",
    "mobile",
    "billing",
    "identity",
    "search",
    "data",
    "infra",
    "notifications",
    "reporting",
    "payments",
    "platform",
)
_SYN_FIRST, _SYN_LAST = (
    (
        "Alex",
        "Bea",
        "Chidi",
        "Dana",
        "Elif",
        "Farid",
        "Grete",
        "Hiro",
        "Ines",
        "Jonas",
        "Kemi",
        "Lars",
        "Mei",
        "Nadia",
        "Omar",
        "Paula",
        "Quinn",
        "Ravi",
        "Sana",
        "Theo",
    ),
    ("Kowalski", "Nguyen", "Haddad", "Moreau", "Schmidt", "Tanaka", "Silva", "Ivanova"),
)
SYNTHETIC_START = dt.date(2025, 1, 6)  # fixed, so a seed always gives the same plan
SYNTHETIC_CHUNK = 5_000
_ITEMS_PER_RELEASE = 3_500


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` sizes within ±40% of the mean that add up exactly."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    return sizes


def build_synthetic(
    store: PlanStore, size: int, seed: int = 7, progress: Progress | None = None
) -> None:
    """Fill an empty plan with `size` work items of realistic shape, for benchmarks."""
    if size < 1:
        raise ValidationError("A synthetic plan needs at least one work item.")
    rng = random.Random(seed)
    release_count = max(1, round(size / _ITEMS_PER_RELEASE))
    sizes = _split(size, release_count, rng)
    people = [f"{first} {last}" for first in _SYN_FIRST for last in _SYN_LAST][::4]

    with store.transaction(reason=f"Synthetic plan of {size:,} work items") as session:
        require_empty(session)
        years = range(SYNTHETIC_START.year, SYNTHETIC_START.year + release_count // 4 + 3)
        session.add_all(
            [
                PlanSetting(key="name", value=f"Synthetic plan ({size:,} items, seed {seed})"),
                PlanSetting(key="holiday_country", value=HOLIDAY_COUNTRY),
                PlanSetting(key="holiday_years", value=years_text(years)),
            ]
        )
        session.add_all(
            CalendarEntry(kind="holiday", name=name, start_date=day, end_date=day)
            for day, name in holiday_dates(years)
        )
        components = [Component(name=name, owner=rng.choice(people)) for name in _SYN_COMPONENTS]
        releases = [
            Release(
                name=f"Synthetic {r + 1}",
                version=f"{r + 1}.0",
                position=r,
                status="in_progress" if r == 0 else "planned",
                start_date=SYNTHETIC_START + dt.timedelta(weeks=13 * r),
                owner=rng.choice(people),
            )
            for r in range(release_count)
        ]
        session.add_all([*components, *releases])
        session.flush()
        component_ids = [c.id for c in components]
        writer = _SyntheticWriter(session, rng, size, people, component_ids, progress)
        for r, release in enumerate(releases):
            writer.release(release.id, sizes[r])
        writer.flush()


class _SyntheticWriter:
    """Generates items and links release by release and writes them in chunks."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        total: int,
        people: list[str],
        component_ids: list[int],
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.rng = rng
        self.next_id = (session.scalar(select(func.max(WorkItem.id))) or 0) + 1
        self.next_link_id = (session.scalar(select(func.max(Dependency.id))) or 0) + 1
        self.total = total
        self.written = 0
        self.people = people
        self.component_ids = component_ids
        self.progress = progress
        self.pending: list[WorkItem | Dependency] = []
        self.pending_items = 0
        self.previous: list[list[int]] = []  # the previous release's streams
        self.until_milestone = rng.randint(20, 30)

    def release(self, release_id: int, count: int) -> None:
        rng = self.rng
        remaining = count
        phases = 0
        # Parallel workstreams of ~70 items keep a release's critical path at a few months;
        # links mostly stay inside a stream, and a link from another stream or the previous
        # release comes from an item no further along its stream, so paths do not snowball.
        streams: list[list[int]] = [[] for _ in range(max(1, count // 70))]
        position = 0
        while remaining > 0:
            if remaining <= 41:
                kids = remaining - 1
            else:
                kids = rng.randint(10, 40)
                if remaining - 1 - kids < 11:  # never leave a stub phase at the end
                    kids = remaining - 12
            stream = streams[phases % len(streams)]
            phase_id = self._item(
                release_id,
                None,
                "phase",
                f"{_SYN_PHASES[phases % len(_SYN_PHASES)]} {phases + 1}",
                0,
                position,
            )
            position += 1
            phases += 1
            for _ in range(kids):
                self.until_milestone -= 1
                if self.until_milestone <= 0:
                    self.until_milestone = rng.randint(20, 30)
                    kind, duration = "milestone", 0
                    name = f"{rng.choice(_SYN_MILESTONES)} {phases}"
                else:
                    kind, duration = "task", rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 8, 10))
                    name = f"{rng.choice(_SYN_VERBS)} {rng.choice(_SYN_SUBJECTS)}"
                item_id = self._item(release_id, phase_id, kind, name, duration, position)
                position += 1
                self._links(item_id, stream, streams)
                stream.append(item_id)
            remaining -= kids + 1
            if self.pending_items >= SYNTHETIC_CHUNK:
                self.flush()
        self.previous = streams

    def _item(
        self,
        release_id: int,
        parent_id: int | None,
        kind: str,
        name: str,
        duration: int,
        position: int,
    ) -> int:
        item_id = self.next_id
        self.next_id += 1
        rng = self.rng
        # Ids are given rather than returned by the database: links refer to items without a
        # flush, and the inserts run as plain executemany batches.
        self.pending.append(
            WorkItem(
                id=item_id,
                release_id=release_id,
                parent_id=parent_id,
                kind=kind,
                key=f"SYN-{item_id}",
                name=name,
                duration=duration,
                position=position,
                owner=rng.choice(self.people) if kind == "task" else "",
                component_id=rng.choice(self.component_ids) if kind == "task" else None,
            )
        )
        self.pending_items += 1
        return item_id

    def _links(self, item_id: int, stream: list[int], streams: list[list[int]]) -> None:
        rng = self.rng
        stage = len(stream)
        # 1, 2 or 3 predecessors: about 2.1 per linked item, so ~2 per item with phases.
        wanted = rng.choices((1, 2, 3), weights=(25, 40, 35))[0]
        chosen: set[int] = set()
        for _ in range(4 * wanted):
            if len(chosen) == wanted:
                break
            roll = rng.random()
            if roll < 0.03 and self.previous:
                pool = rng.choice(self.previous)
            elif roll < 0.15 or stage < 2:
                pool = rng.choice(streams)
            else:
                pool = stream
            # Only items at an earlier stage of their stream, recent ones likelier.
            top = min(len(pool), stage) - 1
            if top < 0:
                continue
            chosen.add(pool[max(0, top - int(rng.expovariate(0.3)))])
        for pred in sorted(chosen):
            roll = rng.random()
            if roll < 0.8:
                kind, lag = "FS", rng.choice((0, 0, 0, 0, 0, 0, 1, 2, 3, -1, -2))
            elif roll < 0.9:
                kind, lag = "SS", rng.choice((0, 1, 2, 3))
            else:
                kind, lag = "FF", rng.choice((0, 0, 1, 2, -1))
            self.pending.append(
                Dependency(
                    id=self.next_link_id,
                    predecessor_id=pred,
                    successor_id=item_id,
                    type=kind,
                    lag=lag,
                )
            )
            self.next_link_id += 1

    def flush(self) -> None:
        if not self.pending:
            return
        # Items go in before the links that point at them: add_all keeps the order per table.
        self.session.add_all(self.pending)
        self.session.flush()
        self.written += self.pending_items
        self.pending = []
        self.pending_items = 0
        # Forget the written objects so memory stays flat at 100,000 items.
        self.session.expunge_all()
        if self.progress:
            self.progress(self.written, self.total)
