"""The demo plan's operational records: checklists, runbooks, release notes, communications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.checklist_templates import GO_NO_GO, POST_RELEASE, READINESS, TEMPLATES, TemplateSpec
from app.checklists import write_template
from app.demo.recipe import TEAM, THEMES, DemoPlan, at_time
from models import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Communication,
    Environment,
    GoNoGoDecision,
    Release,
    ReleaseNote,
    Runbook,
    RunbookRun,
    RunbookStep,
    RunbookStepLink,
    RunStepExecution,
    WorkItem,
)

ROLE_PEOPLE = {
    "QA lead": TEAM["qa"],
    "Tech lead": TEAM["tl"],
    "SRE": TEAM["sre"],
    "Release manager": TEAM["rm"],
    "Product manager": TEAM["pm"],
}


# status, when, evidence kind, evidence, comment
_Answer = tuple[str, dt.datetime, str, str, str]


def _instance(
    session: Session,
    spec: TemplateSpec,
    release: Release,
    answers: dict[int, _Answer],
) -> Checklist:
    """A release's checklist from a template; `answers` by the item's place in the template."""
    checklist = write_template(session, spec, release.id, f"{spec.name}: {release.name}")
    items = session.scalars(
        select(ChecklistItem)
        .join(ChecklistSection, ChecklistSection.id == ChecklistItem.section_id)
        .where(ChecklistItem.checklist_id == checklist.id)
        .order_by(ChecklistSection.position, ChecklistItem.position)
    ).all()
    for n, item in enumerate(items):
        if n in answers:
            status, when, kind, evidence, comment = answers[n]
            item.status, item.checked_at, item.comment = status, when, comment
            item.evidence_kind, item.evidence = kind, evidence
            item.checked_by = ROLE_PEOPLE[item.owner_role]
            item.owner = ROLE_PEOPLE[item.owner_role]
    return checklist


def write_checklists(session: Session, plan: DemoPlan, releases: Sequence[Release]) -> None:
    shipped, in_flight = releases[0], releases[1]
    shipped_gng = plan.forecast(0, "gng").finish
    review = at_time(plan.calendar.add_working_days(shipped_gng, 8), 11)
    # The release in flight had its first checks answered over the last few days.
    day = plan.calendar.add_working_days(plan.today, -2)
    for spec in TEMPLATES:
        write_template(session, spec)

    go_count = sum(len(s.items) for s in GO_NO_GO.sections)
    shipped_go = _instance(
        session,
        GO_NO_GO,
        shipped,
        {
            i: ("done", at_time(shipped_gng, 15, 5 * i), "text", "Checked at the go/no-go call", "")
            for i in range(go_count)
        },
    )
    for minute, role in enumerate(GO_NO_GO.deciders):
        session.add(
            GoNoGoDecision(
                release_id=shipped.id,
                checklist_id=shipped_go.id,
                decision="go",
                person=ROLE_PEOPLE[role],
                role=role,
                decided_at=at_time(shipped_gng, 16, 10 + minute),
                reason="Every required item is done; the change window is confirmed.",
            )
        )
    review_count = sum(len(s.items) for s in POST_RELEASE.sections)
    _instance(
        session,
        POST_RELEASE,
        shipped,
        {
            i: ("done", review, "text", "Reviewed at the retrospective", "")
            for i in range(review_count)
        },
    )
    _instance(
        session,
        GO_NO_GO,
        in_flight,
        {
            0: (
                "blocked",
                at_time(day, 9, 30),
                "link",
                "https://tracker.example.com/issues?q=release%3D3.5+priority%3DP1",
                "Two P1 defects open against SAML sign-in; fixes are in review.",
            ),
            2: (
                "done",
                at_time(day, 14, 15),
                "file",
                "/srv/releases/atlas-3.5/migration-timing.xlsx",
                "Batch 1 runs 11 minutes on a production copy.",
            ),
            3: (
                "done",
                at_time(day, 10, 5),
                "link",
                "https://wiki.example.com/security/reviews/atlas-3.5",
                "Penetration test: two low findings, both accepted.",
            ),
            6: (
                "not_applicable",
                at_time(day, 11),
                "text",
                "",
                "No new services; the existing alerts cover the changed endpoints.",
            ),
            8: (
                "done",
                at_time(day, 11, 40),
                "text",
                "Approved by product and legal in the notes review",
                "",
            ),
        },
    )
    _instance(
        session,
        READINESS,
        in_flight,
        {
            0: ("done", at_time(day, 14), "text", "Rota published for the release week", ""),
            1: (
                "done",
                at_time(day, 14, 20),
                "text",
                "Load test at 1.5x peak: 41% headroom.",
                "",
            ),
            2: (
                "done",
                at_time(day, 15),
                "text",
                "Test restore of last month's snapshot took 37 minutes.",
                "",
            ),
            3: (
                "not_applicable",
                at_time(day, 15, 5),
                "text",
                "",
                "SSO is opt-in per organisation.",
            ),
        },
    )


class DemoStep(NamedTuple):
    """One step of the demo runbook; `waits` and `undo` are indexes into RUNBOOK."""

    section: str
    title: str
    role: str
    minutes: int
    instructions: str
    verification: str
    rollback: str
    waits: tuple[int, ...]
    undo: int | None = None
    part: str | None = None
    point_of_no_return: bool = False


RUNBOOK: tuple[DemoStep, ...] = (
    DemoStep(
        "preparation",
        "Confirm change request approval",
        "Release manager",
        5,
        "Open the change request and check every approval is recorded as approved.",
        "All approvals show 'approved' with a name and time.",
        "Stop: do not start without an approved change.",
        (),
    ),
    DemoStep(
        "communication",
        "Announce the maintenance window",
        "Release manager",
        5,
        "Post the start notice on the status page and in #atlas-releases.",
        "Status page shows 'Scheduled maintenance in progress'.",
        "Post a cancellation notice.",
        (0,),
        undo=28,
    ),
    DemoStep(
        "preparation",
        "Freeze merges to the release branch",
        "Tech lead",
        5,
        "Enable branch protection 'release-freeze' on release/x.y.",
        "A test push to the branch is rejected.",
        "Remove the branch protection rule.",
        (0,),
        undo=27,
    ),
    DemoStep(
        "preparation",
        "Scale up the worker pool",
        "SRE",
        10,
        "Set the migration worker pool to 12 replicas to speed up backfills.",
        "`kubectl get deploy migration-worker` shows 12/12 ready.",
        "Scale the worker pool back to 4 replicas.",
        (0,),
    ),
    DemoStep(
        "preparation",
        "Open the release bridge call",
        "Release manager",
        5,
        "Start the bridge and check the SRE, DBA, QA and support leads have joined.",
        "Roll call complete.",
        "",
        (1, 2, 3),
    ),
    DemoStep(
        "data_migration",
        "Pre-check: dry-run the migrations on the replica",
        "DBA",
        10,
        "Run `atlasctl migrate --dry-run --batch 1,2 --target replica`.",
        "The dry run reports no failed statement and no lock wait above 5 s.",
        "",
        (4,),
        part="pre_check",
    ),
    DemoStep(
        "data_migration",
        "Take a database snapshot",
        "SRE",
        15,
        "Run `atlasctl db snapshot --all --tag pre-release` and wait for completion.",
        "Snapshot list shows all 4 databases tagged pre-release, status available.",
        "None needed; snapshots are kept 14 days.",
        (4,),
        part="backup",
    ),
    DemoStep(
        "data_migration",
        "Verify the snapshot restores",
        "DBA",
        10,
        "Restore the snapshot to the scratch instance:\n"
        "atlasctl db restore --tag pre-release --to scratch\n"
        "atlasctl db compare scratch primary --tables top12",
        "Row counts on scratch match the primary for the 12 largest tables.",
        "",
        (6,),
        part="backup_verify",
    ),
    DemoStep(
        "deploy",
        "Enable maintenance mode for admin APIs",
        "SRE",
        2,
        "Run `atlasctl maintenance on --scope admin`.",
        "Admin API returns 503 with the maintenance message; public API still serves.",
        "Run `atlasctl maintenance off --scope admin`.",
        (5, 7),
    ),
    DemoStep(
        "data_migration",
        "Apply database migrations (batch 1)",
        "DBA",
        15,
        "Run `atlasctl migrate --batch 1` against the primary.",
        "Migration log ends with 'batch 1 complete'; no lock waits above 5 s.",
        "Run `atlasctl migrate --down --batch 1`.",
        (8,),
        undo=26,
        part="migrate",
    ),
    DemoStep(
        "data_migration",
        "Apply database migrations (batch 2)",
        "DBA",
        15,
        "Run `atlasctl migrate --batch 2`; watch replication lag on the dashboard.",
        "Replica lag below 2 s after the batch.",
        "Run `atlasctl migrate --down --batch 2`.",
        (9,),
        undo=26,
        part="migrate",
    ),
    DemoStep(
        "data_migration",
        "Post-check: schema version and row counts",
        "DBA",
        5,
        "Run `atlasctl db check --expect-schema current`.",
        "Schema version is the release's; row counts within 0.1% of the pre-check.",
        "",
        (10,),
        part="post_check",
    ),
    DemoStep(
        "deploy",
        "Deploy identity-service",
        "SRE",
        8,
        "Promote the release image with `atlasctl deploy identity-service --canary 10`.",
        "Canary error rate at or below baseline for 5 minutes.",
        "Run `atlasctl rollback identity-service`.",
        (11,),
        undo=25,
    ),
    DemoStep(
        "deploy",
        "Deploy data-pipeline",
        "SRE",
        8,
        "Run `atlasctl deploy data-pipeline`.",
        "Ingestion lag back under 30 s.",
        "Run `atlasctl rollback data-pipeline`.",
        (11,),
        undo=25,
    ),
    DemoStep(
        "deploy",
        "Deploy billing-service",
        "SRE",
        8,
        "Run `atlasctl deploy billing-service`.",
        "Invoice preview for the test organisation renders.",
        "Run `atlasctl rollback billing-service`.",
        (11,),
        undo=25,
    ),
    DemoStep(
        "deploy",
        "Deploy api-gateway",
        "SRE",
        8,
        "Run `atlasctl deploy api-gateway --canary 10`, then promote to 100%.",
        "p95 latency within 10% of last week's.",
        "Run `atlasctl rollback api-gateway`.",
        (12, 13, 14),
        undo=25,
    ),
    DemoStep(
        "deploy",
        "Deploy web-app",
        "SRE",
        5,
        "Run `atlasctl deploy web-app` and purge the CDN cache.",
        "The footer shows the new version.",
        "Run `atlasctl rollback web-app` and purge the CDN cache.",
        (15,),
        undo=25,
    ),
    DemoStep(
        "deploy",
        "Disable maintenance mode",
        "SRE",
        2,
        "Run `atlasctl maintenance off --scope admin`.",
        "Admin API answers 200 on /health.",
        "Re-enable maintenance mode.",
        (16,),
    ),
    DemoStep(
        "verify",
        "Run the production smoke test suite",
        "QA lead",
        15,
        "Start the 'prod-smoke' pipeline and watch it to the end.",
        "All 64 smoke tests pass.",
        "Go to the Rollback section.",
        (17,),
        undo=24,
    ),
    DemoStep(
        "verify",
        "Sign in with SAML on the pilot tenant",
        "QA lead",
        5,
        "Sign in to the pilot tenant through its identity provider.",
        "Sign-in succeeds and an audit log entry 'user.login.saml' appears.",
        "Disable SSO for the pilot tenant.",
        (17,),
        undo=24,
    ),
    DemoStep(
        "verify",
        "Check dashboards and alerts",
        "SRE",
        10,
        "Review the release dashboard: error rates, latency, queue depth.",
        "No alert fired; error rate at or below baseline.",
        "Go to the Rollback section.",
        (17,),
        undo=24,
    ),
    DemoStep(
        "deploy",
        "Publish the mobile app release",
        "Tech lead",
        10,
        "Release the approved builds in App Store Connect and Google Play (phased 10%).",
        "Both stores list the new version as available.",
        "Halt the phased rollout in both stores.",
        (18, 19, 20),
        point_of_no_return=True,
    ),
    DemoStep(
        "verify",
        "Confirm with support",
        "Product manager",
        5,
        "Ask the support lead whether any tickets mention the release.",
        "No release-related tickets.",
        "",
        (21,),
    ),
    DemoStep(
        "communication",
        "Close the maintenance window",
        "Release manager",
        5,
        "Post the completion notice on the status page and close the change request.",
        "Status page shows all systems operational.",
        "",
        (22,),
    ),
    DemoStep(
        "rollback",
        "Decide to roll back",
        "Release manager",
        5,
        "Roll back when verification fails and no fix is possible within 20 minutes.",
        "Decision and reason written in the bridge log.",
        "",
        (),
    ),
    DemoStep(
        "rollback",
        "Roll back the services",
        "SRE",
        15,
        "Run `atlasctl rollback --release current` (reverse order of deployment).",
        "All services report the previous version.",
        "",
        (24,),
    ),
    DemoStep(
        "rollback",
        "Revert the database migrations",
        "DBA",
        20,
        "Run `atlasctl migrate --down --batch 2` then `--batch 1`; restore the snapshot only "
        "if a down migration fails.",
        "Schema version equals the pre-release version.",
        "",
        (25,),
        part="restore",
    ),
    DemoStep(
        "rollback",
        "Lift the merge freeze",
        "Tech lead",
        2,
        "Remove the 'release-freeze' branch protection rule on release/x.y.",
        "A test push to the branch is accepted.",
        "",
        (24,),
    ),
    DemoStep(
        "rollback",
        "Announce the rollback",
        "Release manager",
        5,
        "Update the status page and the change request with the outcome.",
        "Change request records 'rolled back' with the reason.",
        "",
        (26, 27),
    ),
)


def write_runbooks(
    session: Session,
    plan: DemoPlan,
    releases: Sequence[Release],
    environments: dict[str, Environment],
) -> None:
    """Each release's production runbook with its waits and rollback pairs; the shipped
    one rehearsed and run live, the one in flight rehearsed last week and in a dress
    rehearsal since this morning (its data migration done, the deployment under way): its
    live run is due on go-live night."""
    books = [
        Runbook(
            release_id=releases[i].id,
            environment_id=environments["prod"].id,
            name=f"Atlas {THEMES[i].version} production deployment",
            planned_start=at_time(plan.prod_day(i), 19),
        )
        for i in (0, 1)
    ]
    session.add_all(books)
    session.flush()
    for index, book in enumerate(books):
        steps = [
            RunbookStep(
                runbook_id=book.id,
                section=spec.section,
                position=position,
                title=spec.title,
                owner_role=spec.role,
                duration_minutes=spec.minutes,
                instructions=spec.instructions,
                verification=spec.verification,
                rollback=spec.rollback,
                point_of_no_return=spec.point_of_no_return,
                migration_part=spec.part,
            )
            for position, spec in enumerate(RUNBOOK)
        ]
        session.add_all(steps)
        session.flush()
        for step, spec in zip(steps, RUNBOOK, strict=True):
            if spec.undo is not None:
                step.rollback_step_id = steps[spec.undo].id
            session.add_all(
                RunbookStepLink(step_id=step.id, waits_for_id=steps[w].id) for w in spec.waits
            )
        if index == 0:
            _write_run(session, book, steps, 1, "rehearsal", at_time(plan.staging_day(0), 18))
            _write_run(session, book, steps, 2, "live", at_time(plan.prod_day(0), 19))
        else:
            rehearsal = at_time(plan.today - dt.timedelta(days=7), 18)
            _write_run(session, book, steps, 1, "rehearsal", rehearsal)
            _write_run(session, book, steps, 2, "rehearsal", at_time(plan.today, 6), reached=12)


def _write_run(
    session: Session,
    book: Runbook,
    steps: Sequence[RunbookStep],
    number: int,
    kind: str,
    start: dt.datetime,
    reached: int | None = None,
) -> None:
    """A run of the forward steps: each starts when what it waits for has finished and takes
    its planned minutes give or take a few (a rehearsal's migrations run long); with
    `reached`, the run is still going and that step has started but not finished."""
    people = {
        "Release manager": TEAM["rm"],
        "Tech lead": TEAM["tl"],
        "SRE": TEAM["sre"],
        "DBA": TEAM["be1"],
        "QA lead": TEAM["qa"],
        "Product manager": TEAM["pm"],
    }
    run = RunbookRun(
        runbook_id=book.id,
        number=number,
        kind=kind,
        status="running" if reached is not None else "completed",
        started_at=start,
        started_by=TEAM["rm"],
    )
    session.add(run)
    session.flush()
    finished: dict[int, dt.datetime] = {}
    for position, (step, spec) in enumerate(zip(steps, RUNBOOK, strict=True)):
        if spec.section == "rollback" or (reached is not None and position > reached):
            continue
        begin = max([start, *(finished[w] for w in spec.waits)])
        extra = 4 if kind == "rehearsal" and spec.part == "migrate" else position % 3 - 1
        end = begin + dt.timedelta(minutes=max(1, spec.minutes + extra))
        running = position == reached
        session.add(
            RunStepExecution(
                run_id=run.id,
                step_id=step.id,
                started_at=begin,
                finished_at=None if running else end,
                outcome="pending" if running else "done",
                executed_by=people[spec.role],
            )
        )
        finished[position] = end
    if reached is None:
        run.ended_at = max(finished.values())


def write_notes(session: Session, plan: DemoPlan, releases: Sequence[Release]) -> None:
    # release index, category, title, body, item ref or "" (internal-only titles: INTERNAL)
    notes: tuple[tuple[int, str, str, str, str], ...] = (
        (
            0,
            "feature",
            "Usage-based billing",
            "Charge for API calls, storage and seats with tiered prices.",
            "b3",
        ),
        (
            0,
            "feature",
            "Usage dashboard",
            "See this month's usage and projected charges at a glance.",
            "f1",
        ),
        (
            0,
            "improvement",
            "Faster invoices",
            "Invoices for large organisations are generated three times faster.",
            "b4",
        ),
        (
            0,
            "fix",
            "No more duplicated tax lines",
            "Invoices with several tax regions no longer repeat a line.",
            "",
        ),
        (
            0,
            "security",
            "TLS library updated",
            "The API gateway uses the latest patch release of its TLS library.",
            "",
        ),
        (
            0,
            "known_issue",
            "Usage charts can lag",
            "Charts may be up to 15 minutes behind real usage.",
            "",
        ),
        (
            1,
            "feature",
            "Single sign-on with SAML and OIDC",
            "Sign in through Okta, Entra ID or any SAML 2.0 identity provider.",
            "b1",
        ),
        (
            1,
            "feature",
            "Audit log",
            "Search and export who did what, and when, across your organisation.",
            "f2",
        ),
        (
            1,
            "feature",
            "Automatic user provisioning (SCIM)",
            "Create and deactivate users from your identity provider.",
            "b3",
        ),
        (
            1,
            "fix",
            "Exports keep the organisation's time zone",
            "CSV exports no longer convert timestamps to UTC.",
            "",
        ),
        (
            1,
            "breaking",
            "API keys need scopes",
            "API keys created before 2023 without scopes stop working; re-issue them.",
            "",
        ),
        (
            1,
            "security",
            "Session tokens are rotated at sign-in",
            "A session token can no longer be reused after signing in again (CVE-2026-41877).",
            "",
        ),
        (
            1,
            "known_issue",
            "Rate limiter reads the old SSO header for one more release",
            "Support: limits per organisation may count SSO users twice until 3.1; raise the "
            "organisation's limit on request.",
            "",
        ),
        (
            1,
            "known_issue",
            "SCIM deprovisioning for Google Workspace",
            "Not supported yet; deactivate those users by hand.",
            "",
        ),
        (
            2,
            "feature",
            "EU data residency",
            "Keep your organisation's data in the EU region.",
            "b3",
        ),
        (
            2,
            "feature",
            "Offline mode on mobile",
            "Work without a connection; changes sync when you are back online.",
            "f1",
        ),
    )
    positions: dict[tuple[int, str], int] = {}
    for i, category, title, body, ref in notes:
        place = positions.get((i, category), 0)
        session.add(
            ReleaseNote(
                release_id=releases[i].id,
                category=category,
                audience="internal" if title in INTERNAL_NOTES else "external",
                title=title,
                body=body,
                position=place,
                work_item_id=plan.row(i, ref).id if ref else None,
            )
        )
        positions[(i, category)] = place + 1
        if ref:  # the entry was drafted from the item, which is marked for the notes
            session.get_one(WorkItem, plan.row(i, ref).id).notes_category = category
    # Marked in the in-flight release but not drafted yet: "Draft from work items" has work.
    for ref, category in (("b6", "security"), ("f4", "feature")):
        session.get_one(WorkItem, plan.row(1, ref).id).notes_category = category


# Entries support and operations must know about that customers do not read.
INTERNAL_NOTES = frozenset(
    {
        "Usage charts can lag",
        "Rate limiter reads the old SSO header for one more release",
    }
)


def write_communications(session: Session, plan: DemoPlan, releases: Sequence[Release]) -> None:
    """The in-flight release's communication plan: sent, overdue, due this week and later."""
    in_flight = releases[1]
    anchors = {
        "start": plan.starts[1],
        "feature_freeze": plan.planned(1, "ff"),
        "code_freeze": plan.planned(1, "cf"),
        "target": plan.planned(1, "ga"),
    }
    # title, audience, channel, owner, anchor, offset in working days, template, sent when due
    plans: tuple[tuple[str, str, str, str, str, int, str, bool], ...] = (
        (
            "Kick-off announcement",
            "internal",
            "chat",
            "rm",
            "start",
            0,
            "{release} has started: scope, dates (feature freeze {feature_freeze}, GA {target}) "
            "and the release board are in the plan.",
            True,
        ),
        (
            "Beta invitation for pilot customers",
            "customers",
            "email",
            "pm",
            "feature_freeze",
            -5,
            "Dear pilot customer,\n\nthe beta of {release} opens on {feature_freeze}. Reply to "
            "this e-mail to take part.\n\n{sender}, Atlas",
            False,  # it slipped: the plan shows it overdue
        ),
        (
            "Feature freeze reminder",
            "internal",
            "email",
            "rm",
            "feature_freeze",
            -1,
            "Reminder: feature freeze for {release} is tomorrow ({feature_freeze}).",
            False,
        ),
        (
            "Code freeze notice to engineering",
            "internal",
            "chat",
            "rm",
            "code_freeze",
            -3,
            "Code freeze for {release} is on {freeze}; after it only release blockers merge.",
            True,
        ),
        (
            "Customer announcement",
            "customers",
            "email",
            "pm",
            "target",
            -5,
            "Dear customer,\n\n{release} ({version}) reaches you on {target}: single "
            "sign-on, an audit log and user provisioning. Admins can prepare their identity "
            "provider now; the set-up guide is in the help centre.\n\n{sender}, Atlas",
            False,
        ),
        (
            "Support briefing",
            "support",
            "meeting",
            "rm",
            "target",
            -2,
            "Walk-through of {release} for the support team before GA on {target}: SSO "
            "set-up, SCIM errors, the API-key scope change and the known issues.",
            False,
        ),
        (
            "Status page: release window",
            "customers",
            "status_page",
            "sre",
            "target",
            0,
            "Scheduled maintenance: {release} is being rolled out today ({ga}). Sign-in may "
            "ask you to log in again once.",
            False,
        ),
        (
            "Operations hand-over",
            "operations",
            "email",
            "rm",
            "target",
            1,
            "{release} is live since {target}: runbook, rollback steps and the on-call "
            "contacts are in the release record.",
            False,
        ),
    )
    for title, audience, channel, owner, anchor, offset, template, sends in plans:
        due = plan.calendar.add_working_days(anchors[anchor], offset)
        sent = sends and due < plan.today  # marked sent on its day, once that day has passed
        session.add(
            Communication(
                release_id=in_flight.id,
                title=title,
                audience=audience,
                channel=channel,
                owner=TEAM[owner],
                template=template,
                anchor=anchor,
                offset_days=offset,
                day_basis="working",
                done_at=at_time(due, 10, 30) if sent else None,
                done_by=TEAM[owner] if sent else "",
            )
        )
