"""`gantry impact`: a what-if's report as a table, CSV (the contract's columns) or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import TextIO

from app.impact import IMPACT_COLUMNS, ImpactReport, MovedItem, MovedRelease

_HEADERS = ("Release", "Key", "Name", "Kind", "Start", "Finish", "New start", "New finish", "Δ")
_WIDEST = 48  # longer cells are cut with an ellipsis in the table


def write_report(report: ImpactReport, out: TextIO, form: str) -> None:
    if form == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(IMPACT_COLUMNS)
        writer.writerows(_cells(item) for item in report.items)
    elif form == "json":
        change = report.change
        json.dump(
            {
                "item": change.key,
                "change": {
                    "field": change.field,
                    "old": _value(change.old),
                    "new": _value(change.new),
                    "text": change.text,
                },
                "summary": report.summary(),
                "items": [dict(zip(IMPACT_COLUMNS, _json(i), strict=True)) for i in report.items],
                "releases": [_release(r) for r in report.releases],
            },
            out,
            indent=2,
            ensure_ascii=False,
        )
        out.write("\n")
    else:
        _write_table(report, out)


def _cells(item: MovedItem) -> list[str]:
    return [str(v) for v in _json(item)]


def _json(item: MovedItem) -> tuple[str | int, ...]:
    return (
        item.release,
        item.key,
        item.name,
        item.kind,
        item.start.isoformat(),
        item.finish.isoformat(),
        item.new_start.isoformat(),
        item.new_finish.isoformat(),
        item.finish_delta,
    )


def _value(value: int | dt.date | None) -> int | str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def _release(r: MovedRelease) -> dict[str, int | str | bool | None]:
    return {
        "name": r.name,
        "version": r.version,
        "target": _value(r.target),
        "finish": _value(r.finish),
        "new_finish": _value(r.new_finish),
        "finish_delta": r.finish_delta,
        "late_by": r.late_by,
        "new_late_by": r.new_late_by,
        "misses_target": r.misses_target,
    }


def _write_table(report: ImpactReport, out: TextIO) -> None:
    print(report.summary(), file=out)
    if not report.items:
        return
    cells = [_cells(item) for item in report.items]
    for line in cells:
        line[8] = f"{int(line[8]):+d}"
    widths = [
        max([len(h)] + [min(len(c[n]), _WIDEST) for c in cells]) for n, h in enumerate(_HEADERS)
    ]
    print(file=out)
    print("  ".join(h.ljust(w) for h, w in zip(_HEADERS, widths, strict=True)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for line in cells:
        shown = [c if len(c) <= _WIDEST else c[: _WIDEST - 1] + "…" for c in line]
        print("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip(), file=out)
    if report.releases:
        print(file=out)
    for r in report.releases:
        print(f"{r.name}: {release_line(r)}", file=out)


def release_line(r: MovedRelease) -> str:
    """How a release's finish and target fare, e.g. "finishes 2026-01-16 (was 2026-01-14,
    +2 working days), target 2026-01-15: LATE by 1 working day (was on time)"."""
    finish = r.new_finish.isoformat() if r.new_finish else "-"
    was = r.finish.isoformat() if r.finish else "-"
    text = f"finishes {finish} (was {was}, {r.finish_delta:+d} working days)"
    if r.target is None:
        return text + ", no target"
    text += f", target {r.target.isoformat()}: "
    text += f"LATE by {_days(r.new_late_by)}" if r.new_late_by else "on time"
    return text + (f" (was late by {_days(r.late_by)})" if r.late_by else " (was on time)")


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"
