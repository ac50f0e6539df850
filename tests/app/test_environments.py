"""Environments and deployments as records: the kept columns, the rules, the promotion rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.environments import production_problem
from app.errors import ValidationError
from app.fields import Field, FieldKind
from app.plan import Plan
from app.promotion import promotion_problems
from models import Deployment
from tests.app.plan_factory import make_plan, plan_for


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, minute)


def environments(plan: Plan) -> dict[str, int]:
    service = plan.environments
    return {
        name: service.create({"name": name, "tier": tier, "position": n})
        for n, (name, tier) in enumerate(
            (("dev", "development"), ("staging", "staging"), ("prod", "production"))
        )
    }


def deploy(plan: Plan, env: int, day: int, outcome: str = "planned", **more: object) -> int:
    return plan.deployments.create(
        {
            "release_id": 1,
            "environment_id": env,
            "window_start": at(day, 19),
            "window_end": at(day, 21),
            "outcome": outcome,
            **more,
        }
    )


def test_a_datetime_field_reads_typed_text_and_keeps_minutes() -> None:
    field = Field("start", "Planned start", FieldKind.DATETIME, required=True)
    assert field.coerce("2027-01-04 19:00") == dt.datetime(2027, 1, 4, 19, 0)
    assert field.coerce("4 Jan 2027 7.30") == dt.datetime(2027, 1, 4, 7, 30)
    assert field.coerce(dt.datetime(2027, 1, 4, 19, 0, 42)) == dt.datetime(2027, 1, 4, 19, 0)
    with pytest.raises(ValidationError, match="planned start: '2027-01-04' is not a date and time"):
        field.coerce("2027-01-04")
    with pytest.raises(ValidationError, match="is not a time of day"):
        field.coerce("2027-01-04 24:10")
    with pytest.raises(ValidationError, match="must be a date and time"):
        field.coerce(dt.date(2027, 1, 4))
    with pytest.raises(ValidationError, match="must be a date and time"):
        field.coerce(dt.datetime(2027, 1, 4, 19, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="cannot be empty"):
        field.coerce("  ")


def test_the_actual_times_keep_the_duration_and_the_outcome_keeps_the_rollback_flag(
    plan: Plan,
) -> None:
    envs = environments(plan)
    service = plan.deployments
    deployment = deploy(plan, envs["prod"], 12)
    service.update(deployment, "actual_start", "2026-01-12 19:10")
    assert service.row(deployment).duration_minutes is None
    service.update(deployment, "actual_end", at(12, 20, 25))
    assert service.row(deployment).duration_minutes == 75
    service.update(deployment, "outcome", "rolled_back")
    stored = plan.store
    with stored.read() as session:
        row = session.get_one(Deployment, deployment)
        assert (row.rolled_back, row.duration_minutes) == (True, 75)
    old = service.update(deployment, "outcome", "succeeded")
    assert old == "rolled_back"
    with stored.read() as session:
        assert not session.get_one(Deployment, deployment).rolled_back
    assert plan.verify_audit().ok


def test_times_that_run_backwards_are_refused(plan: Plan) -> None:
    envs = environments(plan)
    with pytest.raises(ValidationError, match="its planned window ends \\(2026-01-12 18:00\\)"):
        deploy(plan, envs["dev"], 12, window_end=at(12, 18))
    deployment = deploy(plan, envs["dev"], 12, actual_start=at(12, 19))
    with pytest.raises(ValidationError, match="2026-01-12 19:00: it actually ends"):
        plan.deployments.update(deployment, "actual_end", at(12, 18, 59))
    with pytest.raises(ValidationError, match="release cannot be empty"):
        plan.deployments.create({"environment_id": envs["dev"], "window_start": at(1, 1)})


def test_one_environment_marked_production_is_a_flag_with_its_reason(plan: Plan) -> None:
    service = plan.environments
    assert "No environment is marked production" in (production_problem(service.rows()) or "")
    envs = environments(plan)
    assert production_problem(service.rows()) is None
    service.update(envs["staging"], "tier", "production")
    assert production_problem(service.rows()) == (
        "2 environments are marked production (staging, prod): keep the tier Production on "
        "one of them."
    )
    service.update(envs["staging"], "owner", "Platform team")
    assert service.row(envs["staging"]).owner == "Platform team"


def problems(plan: Plan, deployment: int, gate: str = "staging") -> list[str]:
    service = plan.deployments
    known = {e.id: e for e in plan.environments.rows()}
    return promotion_problems(service.row(deployment), service.rows(), known, gate, "R1")


def test_production_before_a_staging_success_is_a_warning_with_its_reason(plan: Plan) -> None:
    envs = environments(plan)
    prod = deploy(plan, envs["prod"], 14)
    assert problems(plan, prod) == [
        "R1 goes to prod on 2026-01-14 19:00 but it has no staging deployment before it: the "
        "plan asks for a success in staging first (Plan Settings › Deployments)."
    ]
    staging = deploy(plan, envs["staging"], 12, "failed")
    assert (
        "its last staging deployment before it (2026-01-12 19:00) failed" in problems(plan, prod)[0]
    )
    # A staging deployment after production does not count; one planned before it does.
    later = deploy(plan, envs["staging"], 15, "succeeded")
    assert problems(plan, prod)
    plan.deployments.update(later, "window_start", at(13, 19))
    plan.deployments.update(later, "window_end", at(13, 20))
    assert problems(plan, prod) == []
    plan.deployments.update(later, "outcome", "rolled_back")
    assert "rolled back" in problems(plan, prod)[0]
    plan.deployments.update(later, "outcome", "planned")
    assert problems(plan, prod) == []
    # Only production is gated; the gate is the plan's choice, "none" turns the rule off.
    assert problems(plan, staging) == []
    plan.deployments.update(later, "outcome", "failed")
    assert problems(plan, prod, gate="none") == []
    assert "no development deployment" in problems(plan, prod, gate="development")[0]


def test_the_gate_is_a_plan_setting_defaulting_to_staging(plan: Plan) -> None:
    assert plan.state.settings.promotion_gate == "staging"
    plan.settings.update(0, "promotion_gate", "test")
    assert plan.state.settings.promotion_gate == "test"
    with pytest.raises(ValidationError, match="before production must be one of"):
        plan.settings.update(0, "promotion_gate", "qa")
