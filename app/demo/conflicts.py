"""The conflict the demo keeps on purpose, so that `gantry check` and the train have one to
show: a change submitted for the middle of the year-end change freeze."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.demo.recipe import TEAM, DemoPlan, at_time
from models import ChangeEnvironment, ChangeRequest, Environment, Release


def write_freeze_change(
    session: Session, plan: DemoPlan, in_flight: Release, environments: dict[str, Environment]
) -> None:
    """A certificate rotation planned two working days before Christmas, inside the freeze
    that every year-end has from 18 December to 3 January."""
    today = plan.today
    year = today.year if today <= dt.date(today.year, 12, 23) else today.year + 1
    day = plan.calendar.add_working_days(dt.date(year, 12, 23), 0)
    change = ChangeRequest(
        release_id=in_flight.id,
        key="CHG-2068",
        category="normal",
        title="Rotate TLS certificates on the production load balancers",
        status="submitted",
        requested_by=TEAM["sre"],
        description="The current certificates expire on 15 January; the vendor's renewal "
        "arrived late. Planned before anyone looked at the freeze calendar.",
        window_start=at_time(day, 21),
        window_end=at_time(day, 22),
    )
    session.add(change)
    session.flush()
    session.add(
        ChangeEnvironment(change_request_id=change.id, environment_id=environments["prod"].id)
    )
