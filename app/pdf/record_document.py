"""The release record an auditor asks for: summary, schedule against the baseline, change
requests and approvals, checklists with evidence, deployments, and the release's audit events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app import risk_matrix
from app.checklists import DECISION_LABELS, KIND_LABELS
from app.pdf import common, trail
from app.pdf.model import Block, Column, Document, Facts, Heading, Section, Table, Text
from app.plan import Plan
from app.plan_data import ReleaseRow
from models import Approval, ChangeRequest, Deployment, Environment, Risk


def record_document(
    plan: Plan, release: str, generated_at: dt.datetime, paper: str = "a4"
) -> Document:
    """The release record of `release` (a name or version)."""
    found = plan.releases.find(release)
    with plan.store.read() as session:
        events = trail.events_under(session, {"releases": [found.id]})
    history = trail.revisions(events)
    sections = [
        _summary(found),
        _schedule(plan, found),
        _changes(plan, found),
        _checklists(plan, found),
        _deployments(plan, found),
        _audit(events),
    ]
    return Document(
        common.cover(plan, found, "Release record", "RR", len(history), generated_at),
        sections,
        common.signers(plan, found),
        paper,
    )


def _summary(release: ReleaseRow) -> Section:
    late = f"late by {release.late_by} working days" if release.late_by else "on time"
    return Section(
        "Release summary",
        [
            Facts(
                (
                    ("Release", release.name),
                    ("Version", release.version or "—"),
                    ("Status", release.status.replace("_", " ")),
                    ("Owner", release.owner or "—"),
                    ("Start", common.day(release.start_date)),
                    ("Feature freeze", common.day(release.feature_freeze)),
                    ("Code freeze", common.day(release.code_freeze)),
                    ("Target", common.day(release.target_date)),
                    ("Scheduled finish", f"{common.day(release.finish)} ({late})"),
                    ("Actual release date", common.day(release.actual_date)),
                    ("Work items", str(release.item_count)),
                    ("Description", release.description or "—"),
                )
            )
        ],
    )


def _schedule(plan: Plan, release: ReleaseRow) -> Section:
    baselines = plan.baselines.rows(release.id)
    baseline = baselines[-1] if baselines else None
    blocks: list[Block] = [
        Text(
            f"Against baseline “{baseline.name}”, set "
            f"{common.moment(baseline.created_at, utc=True)}; variance is the working days "
            "the finish moved (positive: later)."
            if baseline
            else "The release has no baseline: no variance to show."
        )
    ]
    rows = []
    for item in plan.work_items.rows(release.id):
        held = plan.baselines.item_dates(baseline.id, item.id) if baseline else None
        variance = plan.baselines.variance(baseline.id, item.id) if baseline else None
        rows.append(
            (
                item.key,
                "  " * item.depth + item.name,
                item.owner,
                common.day(item.start),
                common.day(item.finish),
                common.day(held.finish) if held else "—",
                "—" if variance is None else f"{variance:+d}",
                f"{item.percent_complete}%",
            )
        )
    blocks.append(
        Table(
            (
                Column("Key", 0.08),
                Column("Work item", 0.29, wrap=True),
                Column("Owner", 0.13, wrap=True),
                Column("Start", 0.11),
                Column("Finish", 0.11),
                Column("Baseline", 0.11),
                Column("Var.", 0.07),
                Column("Done", 0.1),
            ),
            rows,
            empty="No work items.",
        )
    )
    return Section("Schedule and baseline variance", blocks)


def _changes(plan: Plan, release: ReleaseRow) -> Section:
    with plan.store.read() as session:
        changes = list(
            session.execute(
                select(
                    ChangeRequest.id,
                    ChangeRequest.key,
                    ChangeRequest.title,
                    ChangeRequest.category,
                    ChangeRequest.status,
                    ChangeRequest.requested_by,
                    ChangeRequest.window_start,
                    ChangeRequest.window_end,
                )
                .where(ChangeRequest.release_id == release.id)
                .order_by(ChangeRequest.id)
            )
        )
        assessed: dict[int, list[tuple[int, int]]] = {}
        for change_id, likelihood, impact in session.execute(
            select(Risk.change_request_id, Risk.likelihood, Risk.impact).where(
                Risk.change_request_id.in_([c.id for c in changes])
            )
        ):
            assessed.setdefault(change_id, []).append((likelihood, impact))
        approvals = list(
            session.execute(
                select(
                    Approval.change_request_id,
                    Approval.approver,
                    Approval.role,
                    Approval.decision,
                    Approval.meaning,
                    Approval.decided_at,
                    Approval.comment,
                )
                .where(Approval.change_request_id.in_([c.id for c in changes]))
                .order_by(Approval.id)
            )
        )
    keys = {c.id: c.key for c in changes}
    return Section(
        "Change requests and approvals",
        [
            Table(
                (
                    Column("Change", 0.11),
                    Column("Title", 0.33, wrap=True),
                    Column("Category", 0.11),
                    Column("Status", 0.12),
                    Column("Risk", 0.08),
                    Column("Window", 0.25, wrap=True),
                ),
                [
                    (
                        c.key,
                        f"{c.title}\nrequested by {c.requested_by}" if c.requested_by else c.title,
                        c.category,
                        c.status,
                        risk_matrix.highest(
                            risk_matrix.level(li, im) for li, im in assessed.get(c.id, ())
                        )
                        or "not assessed",
                        f"{common.moment(c.window_start)} to {common.moment(c.window_end)}"
                        if c.window_start
                        else "—",
                    )
                    for c in changes
                ],
                empty="The release has no change requests.",
            ),
            Heading("Approvals"),
            Table(
                (
                    Column("Change", 0.11),
                    Column("Approver", 0.22, wrap=True),
                    Column("Decision", 0.11),
                    Column("Meaning", 0.26, wrap=True),
                    Column("When", 0.15, wrap=True),
                    Column("Comment", 0.15, wrap=True),
                ),
                [
                    (
                        keys[a.change_request_id],
                        f"{a.approver}\n{a.role}" if a.role else a.approver,
                        a.decision,
                        a.meaning,
                        common.moment(a.decided_at, utc=True),
                        a.comment,
                    )
                    for a in approvals
                ],
                empty="No approvals recorded.",
            ),
        ],
    )


def _checklists(plan: Plan, release: ReleaseRow) -> Section:
    service = plan.checklists
    blocks: list[Block] = []
    checklists = service.checklists(release.id)
    if not checklists:
        blocks.append(Text("The release has no checklists."))
    for checklist in checklists:
        progress = service.progress(checklist.id)
        kind = KIND_LABELS.get(checklist.kind, checklist.kind.replace("_", " ").capitalize())
        blocks.append(Heading(f"{checklist.name} ({kind}): {progress.percent}% done"))
        blocks.append(common.checklist_table(service.checklist_items(checklist.id)))
        for decision in service.decisions(checklist.id):
            blocks.append(
                Text(
                    f"Decision: {DECISION_LABELS.get(decision.decision, decision.decision)} by "
                    f"{decision.person} ({decision.role}), "
                    f"{common.moment(decision.decided_at, utc=True)}: {decision.reason}"
                )
            )
    return Section("Checklists and evidence", blocks)


def _deployments(plan: Plan, release: ReleaseRow) -> Section:
    with plan.store.read() as session:
        rows = list(
            session.execute(
                select(
                    Environment.name,
                    Deployment.window_start,
                    Deployment.window_end,
                    Deployment.outcome,
                    Deployment.duration_minutes,
                    Deployment.rolled_back,
                    Deployment.deployed_by,
                    Deployment.notes,
                )
                .join(Environment, Environment.id == Deployment.environment_id)
                .where(Deployment.release_id == release.id)
                .order_by(Deployment.window_start, Deployment.id)
            )
        )
    return Section(
        "Deployments and outcomes",
        [
            Table(
                (
                    Column("Environment", 0.14, wrap=True),
                    Column("Window", 0.22, wrap=True),
                    Column("Outcome", 0.13, wrap=True),
                    Column("Minutes", 0.09),
                    Column("By", 0.14, wrap=True),
                    Column("Notes", 0.28, wrap=True),
                ),
                [
                    (
                        name,
                        f"{common.moment(start)} to\n{common.moment(end)}",
                        outcome.replace("_", " ") + (" (rolled back)" if rolled_back else ""),
                        "—" if minutes is None else str(minutes),
                        by,
                        notes,
                    )
                    for name, start, end, outcome, minutes, rolled_back, by, notes in rows
                ],
                empty="No deployments recorded.",
            )
        ],
    )


def _audit(events: list[trail.TrailEvent]) -> Section:
    return Section(
        "Audit events of the release",
        [
            Text(
                f"{len(events)} events from the plan's hash-chained audit trail about this "
                "release and what belongs to it, oldest first."
            ),
            Table(
                (
                    Column("When (UTC)", 0.14, wrap=True),
                    Column("By", 0.1, wrap=True),
                    Column("Action", 0.08),
                    Column("Record", 0.2, wrap=True),
                    Column("Changes", 0.33, wrap=True),
                    Column("Reason", 0.15, wrap=True),
                ),
                [
                    (
                        f"{e.at:%Y-%m-%d %H:%M:%S}",
                        e.actor,
                        e.action,
                        e.label,
                        e.changes(),
                        e.reason,
                    )
                    for e in events
                ],
                empty="No events.",
            ),
        ],
    )
