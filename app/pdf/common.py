"""What both documents share: the cover's facts and the signers a release asks for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from app.checklists import STATUS_LABELS, ChecklistItemRow, split_roles
from app.pdf import trail
from app.pdf.model import Column, Cover, Signer, Table
from app.plan import Plan
from app.plan_data import ReleaseRow
from models import Approval, ChangeRequest

AUTHOR_ROLE = "Release manager"
CHECK_COLUMNS = (
    Column("", 0.05),
    Column("Item", 0.37, wrap=True),
    Column("Owner", 0.14, wrap=True),
    Column("Req.", 0.07),
    Column("Status", 0.09),
    Column("Evidence and check", 0.28, wrap=True),
)


def cover(
    plan: Plan,
    release: ReleaseRow,
    title: str,
    prefix: str,
    revision: int,
    generated_at: dt.datetime,
    facts: Sequence[tuple[str, str]] = (),
) -> Cover:
    """The cover of a document about `release`; its id is stable across revisions
    (prefix and release), the revision counts the edits the document reflects."""
    with plan.store.read() as session:
        head = trail.head(session)
    name = plan.settings.values().values.get("name") or plan.path.stem
    return Cover(
        title=title,
        plan=name,
        release=release.name,
        version=release.version,
        document_id=f"{prefix}-{release.version or release.id}",
        revision=revision,
        generated_at=generated_at.astimezone(dt.UTC),
        audit_head=head,
        facts=tuple(facts),
    )


def signers(plan: Plan, release: ReleaseRow) -> tuple[Signer, ...]:
    """Who signs a document about `release`, in signing order.

    The release manager authors it; the go/no-go deciders (other than the author) review
    it; the roles that approve the release's change requests approve it. A release with no
    deciders or approvers still gets a reviewer and an approver block, so a document is
    never signed by its author alone.
    """
    deciders: list[str] = []
    for status in plan.checklists.go_no_go(release.id):
        deciders += split_roles(status.checklist.deciders)
    query = (
        select(Approval.role)
        .join(ChangeRequest, ChangeRequest.id == Approval.change_request_id)
        .where(ChangeRequest.release_id == release.id, Approval.role != "")
        .order_by(Approval.id)
    )
    with plan.store.read() as session:
        approvers = list(session.scalars(query))
    blocks = [Signer(AUTHOR_ROLE, "authored")]
    seen = {AUTHOR_ROLE.casefold()}
    for roles, meaning, fallback in (
        (deciders, "reviewed", "Reviewer"),
        (approvers, "approved", "Approver"),
    ):
        added = False
        for role in roles:
            if role.casefold() not in seen:
                seen.add(role.casefold())
                blocks.append(Signer(role, meaning))
                added = True
        if not added:
            blocks.append(Signer(fallback, meaning))
    return tuple(blocks)


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def moment(value: dt.datetime | None, utc: bool = False) -> str:
    """A stored time as text; `utc` for the times Gantry records in UTC (audit events,
    checklist answers, decisions), which then say so. Plan times (T0, deployment windows)
    are the site's local time and print as they are."""
    if value is None:
        return "—"
    if not utc:
        return f"{value:%Y-%m-%d %H:%M}"
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return f"{value:%Y-%m-%d %H:%M} UTC"


def checklist_table(items: Sequence[ChecklistItemRow]) -> Table:
    """A checklist's items: done ones ticked, each with its evidence and who checked it when."""
    rows = []
    for item in items:
        evidence = f"{item.evidence_kind}: {item.evidence}" if item.evidence else ""
        if item.checked_by or item.checked_at:
            checked = f"checked by {item.checked_by or '—'}, {moment(item.checked_at, utc=True)}"
            evidence = f"{evidence}\n{checked}" if evidence else checked
        rows.append(
            (
                "☑" if item.status == "done" else "☐",
                item.text,
                item.owner or item.owner_role,
                "yes" if item.required else "no",
                STATUS_LABELS.get(item.status, item.status),
                evidence,
            )
        )
    return Table(CHECK_COLUMNS, rows, checkbox=True, empty="No items.")
