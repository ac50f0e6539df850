"""The runbook of a release as a printed document: overview, steps by section with boxes to
tick, the rollback plan, the go/no-go checklist and its decision, the revision history."""

from __future__ import annotations

import datetime as dt

from app.checklists import DECISION_LABELS
from app.errors import ValidationError
from app.pdf import common, trail
from app.pdf.model import Column, Document, Facts, Heading, Rich, Section, Table, Text
from app.plan import Plan
from app.runbook_timeline import Timeline
from app.runbooks import SECTION_LABELS, TABLES, RunbookRow, StepRow
from models.runbooks import STEP_SECTIONS

STEP_COLUMNS = (
    Column("", 0.05),
    Column("No.", 0.06),
    Column("Step, instructions and expected result", 0.55, wrap=True),
    Column("Owner", 0.14, wrap=True),
    Column("Planned", 0.20, wrap=True),
)
_RUNBOOK_TABLES = TABLES[:3]  # runbooks, their steps and the waits between them


def runbook_document(
    plan: Plan, release: str, generated_at: dt.datetime, paper: str = "a4"
) -> Document:
    """The runbook document of `release` (a name or version): every runbook of it."""
    found = plan.releases.find(release)
    books = plan.runbooks.runbooks(found.id)
    if not books:
        raise ValidationError(f"Release {found.name} has no runbook to print")
    with plan.store.read() as session:
        history = trail.revisions(
            trail.events_under(session, {"runbooks": [b.id for b in books]}, _RUNBOOK_TABLES)
        )
    sections = [_overview(plan, books)]
    for book in books:
        sections += _steps(plan, book, len(books) > 1)
        sections.append(_rollback(plan, book, len(books) > 1))
    sections.append(_go_no_go(plan, found.id))
    sections.append(_history(history))
    return Document(
        common.cover(
            plan,
            found,
            "Runbook",
            "RB",
            len(history),
            generated_at,
            [("Runbooks", ", ".join(b.name for b in books))],
        ),
        sections,
        common.signers(plan, found),
        paper,
    )


def _overview(plan: Plan, books: list[RunbookRow]) -> Section:
    blocks: list[Heading | Facts | Text | Table] = []
    for book in books:
        service = plan.runbooks
        timeline = service.timeline(book.id)
        runs = service.runs(book.id)
        problems = service.problems(book.id)
        blocks.append(Heading(book.name))
        blocks.append(
            Facts(
                (
                    ("Environment", service.environment_name(book.environment_id) or "—"),
                    ("T0 (planned start)", common.moment(book.planned_start)),
                    ("Planned duration", _minutes(timeline.total)),
                    ("Steps", str(len(service.steps(book.id)))),
                    ("Change window", service.window_fit(book.id).message),
                    ("Problems", "; ".join(problems) or "None"),
                    ("Runs", ", ".join(f"{r.label} ({r.status})" for r in runs) or "None yet"),
                )
            )
        )
    return Section("Overview", blocks)


def _steps(plan: Plan, book: RunbookRow, named: bool) -> list[Section]:
    steps = plan.runbooks.steps(book.id)
    timeline = plan.runbooks.timeline(book.id)
    by_id = {s.id: s for s in steps}
    sections = []
    for section in STEP_SECTIONS:
        if section == "rollback":
            continue
        rows = [_step_row(s, book, timeline, by_id) for s in steps if s.section == section]
        if not rows:
            continue
        title = f"Steps: {SECTION_LABELS[section]}"
        sections.append(
            Section(
                f"{book.name}: {title}" if named else title,
                [Table(STEP_COLUMNS, rows, checkbox=True)],
            )
        )
    return sections


def _step_row(
    step: StepRow, book: RunbookRow, timeline: Timeline, by_id: dict[int, StepRow]
) -> tuple[str | Rich, ...]:
    parts = [("title", step.title)]
    if step.point_of_no_return:
        parts.append(("bold", "POINT OF NO RETURN: after this step, fix forward only."))
    if step.instructions:
        parts += [("label", "Instructions"), ("mono", step.instructions)]
    if step.verification:
        parts += [("label", "Expected result"), ("text", step.verification)]
    back = by_id.get(step.rollback_step_id) if step.rollback_step_id else None
    if step.rollback or back:
        parts.append(("label", "Rollback"))
        if back:
            parts.append(("text", f"Rolled back by step {back.label}"))
        if step.rollback:
            parts.append(("text", step.rollback))
    return (
        "☐",
        str(step.position + 1),
        Rich(tuple(parts)),
        step.owner_role,
        _planned(step, book, timeline),
    )


def _planned(step: StepRow, book: RunbookRow, timeline: Timeline) -> str:
    times = timeline.steps.get(step.id)
    duration = _minutes(step.duration_minutes)
    if times is None:  # a rollback step: it runs only when the change fails
        return f"on failure\n{duration}"
    offset = f"T0+{times.start // 60:02d}:{times.start % 60:02d}"
    if book.planned_start is None:
        return f"{offset}\n{duration}"
    start = book.planned_start + dt.timedelta(minutes=times.start)
    return f"{start:%a %d %b %H:%M}\n{offset}, {duration}"


def _minutes(total: int) -> str:
    hours, minutes = divmod(total, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _rollback(plan: Plan, book: RunbookRow, named: bool) -> Section:
    service = plan.runbooks
    steps = service.steps(book.id)
    by_id = {s.id: s for s in steps}
    timeline = service.timeline(book.id)
    ordered = service.rollback_plan(book.id)
    ordered += [s for s in steps if s.section == "rollback" and s not in ordered]
    title = f"{book.name}: Rollback plan" if named else "Rollback plan"
    return Section(
        title,
        [
            Text(
                "Run these steps, latest first, when the change fails: each undoes a forward "
                "step; begin with the one that undoes the last step completed."
            ),
            Table(
                STEP_COLUMNS,
                [_step_row(s, book, timeline, by_id) for s in ordered],
                checkbox=True,
                empty="This runbook has no rollback steps.",
            ),
        ],
    )


def _go_no_go(plan: Plan, release_id: int) -> Section:
    checklists = plan.checklists.go_no_go(release_id)
    blocks: list[Heading | Facts | Text | Table] = []
    if not checklists:
        blocks.append(Text("The release has no go/no-go checklist."))
    for status in checklists:
        latest = status.latest
        decision = (
            f"{DECISION_LABELS.get(latest.decision, latest.decision)} by {latest.person} "
            f"({latest.role}), {common.moment(latest.decided_at, utc=True)}"
            if latest
            else "Not decided yet"
        )
        blocks.append(Heading(status.checklist.name))
        blocks.append(
            Facts(
                (
                    ("Decision", decision),
                    ("Deciders", ", ".join(status.deciders) or "—"),
                    ("Waiting for", ", ".join(status.waiting_for) or "Nobody"),
                    ("Required items open", str(len(status.required_open))),
                )
            )
        )
        blocks.append(common.checklist_table(plan.checklists.checklist_items(status.checklist.id)))
        if status.decisions:
            blocks.append(Heading("Decisions"))
            blocks.append(
                Table(
                    (
                        Column("When", 0.2),
                        Column("Decision", 0.15, wrap=True),
                        Column("By", 0.25, wrap=True),
                        Column("Reason", 0.4, wrap=True),
                    ),
                    [
                        (
                            common.moment(d.decided_at, utc=True),
                            DECISION_LABELS.get(d.decision, d.decision),
                            f"{d.person} ({d.role})",
                            d.reason,
                        )
                        for d in status.decisions
                    ],
                )
            )
    return Section("Go/No-Go", blocks)


def _history(history: list[trail.Revision]) -> Section:
    return Section(
        "Revision history",
        [
            Text(
                "Each revision is one edit of the runbook as recorded in the plan's audit "
                "trail (its events are hash-chained: gantry audit verify checks them)."
            ),
            Table(
                (
                    Column("Rev.", 0.07),
                    Column("When (UTC)", 0.18),
                    Column("By", 0.15, wrap=True),
                    Column("What", 0.30, wrap=True),
                    Column("Changes", 0.30, wrap=True),
                ),
                [
                    (str(r.number), f"{r.at:%Y-%m-%d %H:%M}", r.actor, r.reason, r.summary())
                    for r in history
                ],
                empty="No recorded edits.",
            ),
        ],
    )
