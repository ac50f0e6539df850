"""A computed schedule as columns of numbers: cheap to send between processes and to keep.

A dict of 100,000 ItemDates objects costs a tenth of a second to build, to unpickle, or for
the garbage collector to walk. Here the dates are arrays of day ordinals; an ItemDates is
made only for the rows a view asks for.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.scheduling import ItemDates, ReleaseOutcome, ScheduleResult


@dataclass(slots=True)
class ScheduleTable:
    ids: array[int]
    first: array[int]  # start, as date ordinals
    last: array[int]  # finish
    late_first: array[int]
    late_last: array[int]
    total: array[int]  # slack in working days
    free: array[int]
    critical: bytes
    releases: dict[int, ReleaseOutcome]
    critical_path: array[int]  # item ids in the order of the days they show on
    _index: dict[int, int] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, result: ScheduleResult) -> ScheduleTable:
        items = result.items
        return cls(
            array("q", items.keys()),
            array("i", (d.start.toordinal() for d in items.values())),
            array("i", (d.finish.toordinal() for d in items.values())),
            array("i", (d.late_start.toordinal() for d in items.values())),
            array("i", (d.late_finish.toordinal() for d in items.values())),
            array("i", (d.total_slack for d in items.values())),
            array("i", (d.free_slack for d in items.values())),
            bytes(d.critical for d in items.values()),
            dict(result.releases),
            array("q", result.critical_path),
        )

    @property
    def index(self) -> dict[int, int]:
        if self._index is None:
            self._index = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._index

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.index

    def dates(self, item_id: int) -> ItemDates | None:
        n = self.index.get(item_id)
        if n is None:
            return None
        day = dt.date.fromordinal
        return ItemDates(
            day(self.first[n]),
            day(self.last[n]),
            day(self.late_first[n]),
            day(self.late_last[n]),
            self.total[n],
            self.free[n],
            bool(self.critical[n]),
        )

    def is_critical(self, item_id: int) -> bool:
        n = self.index.get(item_id)
        return n is not None and bool(self.critical[n])

    def moved_since(self, previous: ScheduleTable | None) -> frozenset[int] | None:
        """Items whose dates, slack or criticality differ from `previous` (None: all)."""
        if previous is None:
            return None
        before = previous.index
        columns = (self.first, self.last, self.late_first, self.late_last, self.total, self.free)
        old = (
            previous.first,
            previous.last,
            previous.late_first,
            previous.late_last,
            previous.total,
            previous.free,
        )
        moved = []
        for n, item_id in enumerate(self.ids):
            p = before.get(item_id)
            if (
                p is None
                or self.critical[n] != previous.critical[p]
                or any(new[n] != was[p] for new, was in zip(columns, old, strict=True))
            ):
                moved.append(item_id)
        return frozenset(moved)

    def dumps(self) -> tuple[Any, ...]:
        """Picklable parts: arrays and bytes copy as blocks of memory."""
        return (
            self.ids,
            self.first,
            self.last,
            self.late_first,
            self.late_last,
            self.total,
            self.free,
            self.critical,
            self.releases,
            self.critical_path,
        )

    @classmethod
    def loads(cls, parts: Iterable[Any]) -> ScheduleTable:
        return cls(*parts)
