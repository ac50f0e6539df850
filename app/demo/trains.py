"""The demo's release train and its scope exception after a feature freeze.

A patch train for the in-flight release, a Tuesday every six weeks, over the next quarter
(clear of the year-end freeze, the in-flight release's go-live and the next release's
hardening, so the train shows no collision); and in the in-flight release, whose feature
freeze the change advisory board brought forward ahead of the year-end change freeze, one
piece of work grown after the freeze as a scope exception under an approved change request.
Written in the demo's one transaction, after the rest, as the scope lock writes them: the
release is stamped first, so the trail reads the growth as a scope change since the freeze.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.checklist_templates import GO_NO_GO
from app.demo.recipe import KEY_PREFIX, TEAM, at_time
from app.schedule_inputs import (
    read_holidays,
    read_items,
    read_links,
    read_release_bounds,
    read_work_week,
)
from app.schedule_runs import ScheduleJob, compute
from app.scheduling.calendar import WorkCalendar
from app.scope_lock import Permit, mark, record
from app.trains import Cadence, Milestone, ReleaseTemplate, planned_release, release_days
from app.trains import write_releases as write_train_releases
from models import Approval, ChangeRequest, Release, Risk, Train, WorkItem

TRAIN = "Atlas"
PATCH_TEMPLATE = ReleaseTemplate(
    start_date=-8,
    feature_freeze=-5,
    code_freeze=-3,
    milestones=(Milestone("Go/no-go", -1),),
    checklists=(GO_NO_GO.key,),
)
PATCHES = Cadence.weekly(6)
TUESDAY = 1
QUARTER = 3  # patch releases over the next three months
EXCEPTION_KEY = "CHG-2066"
FREEZE_BEFORE = 6  # working days before today the in-flight release froze its scope
GROWN_ITEM = "Admin roles and permissions"  # with a week of slack at the demo's today
GROWN_BY = 2  # working days the exception adds


def write_trains_and_scope(session: Session, calendar: WorkCalendar, today: dt.date) -> None:
    """Add the patch train and the scope exception to the demo written in `session`."""
    session.flush()
    in_flight = session.scalars(select(Release).where(Release.status == "in_progress")).one()
    _patch_train(session, calendar, today, in_flight)
    _scope_exception(session, calendar, today, in_flight)
    _store_schedule(session)


def _store_schedule(session: Session) -> None:
    """Store the dates the scheduler computes for what was added or grown here, as the rest
    of the demo is stored: opening the demo then writes nothing."""
    session.flush()
    conn = session.connection().connection.driver_connection
    assert isinstance(conn, sqlite3.Connection)  # the store's own driver
    items, stored = read_items(conn)
    job = ScheduleJob(
        items,
        list(read_links(conn).values()),
        read_release_bounds(conn),
        read_holidays(conn),
        read_work_week(conn),
    )
    table = compute(job, None).table
    assert table is not None  # the demo has no loops
    for item_id, held in stored.items():
        dates = table.dates(item_id)
        if dates is not None and (dates.start, dates.finish) != held:
            item = session.get_one(WorkItem, item_id)
            item.scheduled_start, item.scheduled_finish = dates.start, dates.finish


def _patch_train(
    session: Session, calendar: WorkCalendar, today: dt.date, in_flight: Release
) -> None:
    # The Tuesday of next week: time for the first patch's freeze, which is after today.
    first = today + dt.timedelta(days=(TUESDAY - today.weekday()) % 7 + 7)
    train = Train(
        name=TRAIN,
        cadence=PATCHES.kind,
        every_weeks=PATCHES.every_weeks,
        anchor=first,
        template=PATCH_TEMPLATE.to_json(),
    )
    session.add(train)
    session.flush()
    base = in_flight.version.removesuffix(".0")
    planned = [
        planned_release(TRAIN, f"{base}.{n}", day, PATCH_TEMPLATE, calendar)
        for n, day in enumerate(release_days(PATCHES, first, QUARTER, calendar), 1)
    ]
    made = write_train_releases(
        session, train.id, True, planned, KEY_PREFIX, [(GO_NO_GO, GO_NO_GO.name)]
    )
    for release in session.scalars(select(Release).where(Release.id.in_(made.release_ids))):
        release.owner = TEAM["rm"]
        release.description = f"Fixes for {in_flight.name} customers."


def _scope_exception(
    session: Session, calendar: WorkCalendar, today: dt.date, in_flight: Release
) -> None:
    freeze = calendar.add_working_days(today, -FREEZE_BEFORE)
    if in_flight.start_date is None or freeze <= in_flight.start_date:
        return  # started too recently to have frozen its scope
    in_flight.feature_freeze = freeze
    change = ChangeRequest(
        release_id=in_flight.id,
        key=EXCEPTION_KEY,
        category="normal",
        title="Read-only auditor role for the SSO pilot customers",
        description=(
            "Two pilot customers will not sign without a read-only auditor role for the audit "
            "log; accepted into the release after its feature freeze, within the slack of the "
            "roles work."
        ),
        status="approved",
        requested_by=TEAM["pm"],
    )
    session.add(change)
    session.flush()
    # Low risk, so a normal change needs the release manager's decision only.
    session.add_all(
        [
            Risk(
                change_request_id=change.id,
                key=f"{EXCEPTION_KEY}-R1",
                title="The auditor role leaks write access",
                likelihood=2,
                impact=2,
                owner=TEAM["tl"],
                mitigation="Role tests in the SSO suite; security review of the permission set.",
            ),
            Approval(
                change_request_id=change.id,
                approver=TEAM["rm"],
                role="Release manager",
                decision="approved",
                meaning="Approved as a scope exception after feature freeze",
                comment="Fits in the roles work's slack; the target holds.",
                decided_at=at_time(calendar.add_working_days(today, -1), 10),
            ),
        ]
    )
    permit = Permit(in_flight.id, today, change.id)
    mark(session, permit)
    item = session.scalars(
        select(WorkItem).where(WorkItem.release_id == in_flight.id, WorkItem.name == GROWN_ITEM)
    ).one()
    record(session, permit, item.key, "grown", item.duration, item.duration + GROWN_BY)
    item.duration += GROWN_BY
    session.flush()
