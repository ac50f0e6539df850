"""`gantry runbook`: a release's runbooks, their planned timeline and one run's actuals."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import TextIO

from app.errors import ValidationError
from app.plan import Plan
from app.runbooks import SECTION_LABELS, RunRow

STEP_COLUMNS = (
    "runbook",
    "position",
    "section",
    "title",
    "owner_role",
    "planned_start",
    "planned_finish",
    "duration",
    "critical",
    "point_of_no_return",
)
RUN_COLUMNS = ("run", "started_at", "finished_at", "actual_minutes", "outcome", "reason", "by")

Cell = str | int | bool | None


@dataclass(frozen=True, slots=True)
class RunbookReport:
    release: str
    runbooks: list[dict[str, Cell]]
    runs: list[RunRow]
    rows: list[dict[str, Cell]]
    with_run: bool


def runbook_report(plan: Plan, release: str, run_number: int | None) -> RunbookReport:
    """Every runbook of `release` (a name or version), step by step; with `run_number`, that
    run's actuals beside the plan (refused when no runbook of the release has that run)."""
    found = plan.releases.find(release)
    books = plan.runbooks
    summaries: list[dict[str, Cell]] = []
    runs: list[RunRow] = []
    rows: list[dict[str, Cell]] = []
    for book in books.runbooks(found.id):
        timeline = books.timeline(book.id)
        run = next((r for r in books.runs(book.id) if r.number == run_number), None)
        executions = books.executions(run.id) if run else {}
        if run:
            runs.append(run)
        fit = books.window_fit(book.id)
        summaries.append(
            {
                "name": book.name,
                "t0": book.planned_start.isoformat(sep=" ", timespec="minutes")
                if book.planned_start
                else None,
                "total_minutes": timeline.total,
                "change_window": fit.message,
                "problems": "; ".join(books.problems(book.id)),
                "runs": ", ".join(r.label + f" ({r.status})" for r in books.runs(book.id)),
            }
        )
        for step in books.steps(book.id):
            times = timeline.steps.get(step.id)
            row: dict[str, Cell] = {
                "runbook": book.name,
                "position": step.position + 1,
                "section": SECTION_LABELS[step.section],
                "title": step.title,
                "owner_role": step.owner_role,
                "planned_start": times.start if times else None,
                "planned_finish": times.finish if times else None,
                "duration": step.duration_minutes,
                "critical": times.critical if times else False,
                "point_of_no_return": step.point_of_no_return,
            }
            if run_number is not None:
                done = executions.get(step.id)
                row |= {
                    "run": run.number if run else None,
                    "started_at": _when(done.started_at) if done else None,
                    "finished_at": _when(done.finished_at) if done else None,
                    "actual_minutes": done.minutes if done else None,
                    "outcome": done.outcome if done else ("pending" if run else None),
                    "reason": done.reason if done else "",
                    "by": done.executed_by if done else "",
                }
            rows.append(row)
    if not summaries:
        raise ValidationError(f"Release {found.name} has no runbook")
    if run_number is not None and not runs:
        raise ValidationError(f"No runbook of release {found.name} has a run {run_number}")
    return RunbookReport(found.name, summaries, runs, rows, run_number is not None)


def _when(value: object) -> str | None:
    return None if value is None else f"{value:%Y-%m-%d %H:%M}"


def _columns(report: RunbookReport) -> tuple[str, ...]:
    return STEP_COLUMNS + RUN_COLUMNS if report.with_run else STEP_COLUMNS


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_report(report: RunbookReport, out: TextIO, form: str) -> None:
    columns = _columns(report)
    if form == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(row.get(c)) for c in columns] for row in report.rows)
    elif form == "json":
        json.dump(
            {
                "release": report.release,
                "runbooks": report.runbooks,
                "runs": [
                    {
                        "number": r.number,
                        "kind": r.kind,
                        "status": r.status,
                        "started_at": _when(r.started_at),
                        "ended_at": _when(r.ended_at),
                        "started_by": r.started_by,
                    }
                    for r in report.runs
                ],
                "steps": report.rows,
            },
            out,
            indent=2,
            ensure_ascii=False,
        )
        out.write("\n")
    else:
        _write_table(report, out)


def _write_table(report: RunbookReport, out: TextIO) -> None:
    headers = ["#", "Section", "Step", "Owner", "T0+", "Min", "Crit"]
    if report.with_run:
        headers += ["Started", "Finished", "Actual", "Outcome"]
    for book in report.runbooks:
        print(
            f"{book['name']}  T0 {book['t0'] or 'not set'}, {book['total_minutes']} minutes",
            file=out,
        )
        print(f"  {book['change_window']}", file=out)
        if book["problems"]:
            print(f"  Problem: {book['problems']}", file=out)
        if book["runs"]:
            print(f"  Runs: {book['runs']}", file=out)
        cells = []
        for row in report.rows:
            if row["runbook"] != book["name"]:
                continue
            line = [
                _text(row["position"]),
                _text(row["section"]),
                _text(row["title"])[:48] + (" [PONR]" if row["point_of_no_return"] else ""),
                _text(row["owner_role"]),
                _text(row["planned_start"]),
                _text(row["duration"]),
                "*" if row["critical"] else "",
            ]
            if report.with_run:
                line += [
                    _text(row["started_at"])[11:],
                    _text(row["finished_at"])[11:],
                    _text(row["actual_minutes"]),
                    _text(row["outcome"]) + (f": {row['reason']}" if row["reason"] else ""),
                ]
            cells.append(line)
        widths = [max([len(h)] + [len(c[n]) for c in cells]) for n, h in enumerate(headers)]
        print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), file=out)
        print("  ".join("-" * w for w in widths), file=out)
        for line in cells:
            print(
                "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip(), file=out
            )
