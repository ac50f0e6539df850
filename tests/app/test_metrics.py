"""Delivery measures against figures worked out by hand, from facts and from a real plan file,
and `gantry metrics` as a table and as JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.cli import run
from app.errors import ValidationError
from app.metrics import ApprovedChange, DeploymentFact, Period, measure, metrics, months_of
from app.plan import Plan
from app.spreadsheet.export import export_workbook
from models import Approval, ChangeRequest, Deployment, Environment, Release
from tests.app.plan_factory import make_plan

TODAY = dt.date(2026, 3, 31)
PROD, PROD_EU = 1, 2


def at(day: int, hour: int = 19, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


def deploy(
    release: int, day: int, outcome: str = "succeeded", env: int = PROD, hour: int = 19, **kw: bool
) -> DeploymentFact:
    return DeploymentFact(release, env, at(day, hour), outcome, kw.get("rolled_back", False))


# March 2026 (31 days): release 1 fails on the 2nd, is restored on the 3rd (+25 h), succeeds
# again on the 10th; release 2 is rolled back on the 16th and restored on the 18th (+48 h) on
# the same environment; a success on the EU environment on the 17th does not restore it. One
# deployment is still planned (not an outcome yet).
MARCH = [
    deploy(1, 2, "failed"),
    deploy(1, 3, hour=20),
    deploy(1, 10),
    deploy(2, 16, "rolled_back"),
    deploy(2, 17, env=PROD_EU),
    deploy(2, 18),
    deploy(2, 30, "planned"),
]
CHANGES = [
    # Release 1's first success is 2026-03-03 20:00: 2.5 days and 0.5 days of lead time.
    ApprovedChange(1, "CR-1", dt.datetime(2026, 3, 1, 8, 0)),
    ApprovedChange(1, "CR-2", dt.datetime(2026, 3, 3, 8, 0)),
    # Release 2's first success is 2026-03-17 19:00 (EU): 4 days.
    ApprovedChange(2, "CR-3", dt.datetime(2026, 3, 13, 19, 0)),
    # Release 3 never reached production: no lead time.
    ApprovedChange(3, "CR-4", dt.datetime(2026, 3, 20, 9, 0)),
]
WHOLE_MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_plan_wide_measures_match_the_hand_computed_figures() -> None:
    m = measure(MARCH, CHANGES, WHOLE_MARCH)
    weeks = 31 / 7
    assert (m.deployments, m.succeeded, m.failed, m.rolled_back) == (6, 4, 2, 1)
    assert m.deployment_frequency == pytest.approx(4 / weeks)
    assert m.change_failure_rate == pytest.approx(2 / 6)
    # Restores: 25 h and 48 h; the median of two is their mean.
    assert m.time_to_restore_hours == pytest.approx(36.5)
    assert m.restores == 2
    # Lead times 2.5, 0.5 and 4 days: the median is 2.5.
    assert m.lead_time_days == pytest.approx(2.5)
    assert m.lead_times == 3
    assert m.rollback_frequency == pytest.approx(1 / weeks)


def test_a_release_is_measured_on_its_own_deployments_and_changes() -> None:
    m = measure(MARCH, CHANGES, WHOLE_MARCH, frozenset({2}))
    assert (m.deployments, m.succeeded, m.failed) == (3, 2, 1)
    assert m.change_failure_rate == pytest.approx(1 / 3)
    assert m.time_to_restore_hours == pytest.approx(48.0)
    assert m.lead_time_days == pytest.approx(4.0)


def test_a_lead_time_runs_to_the_first_success_after_the_approval() -> None:
    facts = [deploy(1, 2), deploy(1, 9)]
    hotfix = ApprovedChange(1, "CR-9", dt.datetime(2026, 3, 5, 19, 0))  # after 2 Mar's GA
    after_the_fact = ApprovedChange(1, "CR-10", dt.datetime(2026, 3, 10, 9, 0))
    m = measure(facts, [hotfix, after_the_fact], WHOLE_MARCH)
    assert m.lead_times == 1 and m.lead_time_days == pytest.approx(4.0)


def test_a_failure_is_restored_by_the_next_success_of_any_release_on_its_environment() -> None:
    facts = [deploy(1, 2, "failed"), deploy(2, 4, hour=7)]
    m = measure(facts, [], WHOLE_MARCH, frozenset({1}))
    assert m.time_to_restore_hours == pytest.approx(36.0)
    assert m.succeeded == 0


def test_a_deployment_marked_rolled_back_counts_as_failed_whatever_its_outcome() -> None:
    m = measure([deploy(1, 2, rolled_back=True), deploy(1, 5)], [], WHOLE_MARCH)
    assert (m.succeeded, m.failed, m.rolled_back) == (1, 1, 1)
    assert m.time_to_restore_hours == pytest.approx(72.0)


def test_an_unrestored_failure_and_an_empty_period_give_no_figure_rather_than_zero() -> None:
    m = measure([deploy(1, 30, "failed")], [], WHOLE_MARCH)
    assert m.time_to_restore_hours is None and m.restores == 0
    assert m.change_failure_rate == 1.0
    empty = measure([], [], WHOLE_MARCH)
    assert empty.change_failure_rate is None and empty.lead_time_days is None
    assert empty.deployment_frequency == 0.0


def test_the_period_decides_what_counts() -> None:
    first_week = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 7))
    m = measure(MARCH, CHANGES, first_week)
    assert (m.deployments, m.succeeded, m.failed) == (2, 1, 1)
    assert m.deployment_frequency == pytest.approx(1.0)
    # Release 2's first success falls outside the week: only release 1's lead times count.
    assert m.lead_times == 2 and m.lead_time_days == pytest.approx(1.5)


def test_the_period_before_has_the_same_length() -> None:
    before = WHOLE_MARCH.before()
    assert (before.first, before.last) == (dt.date(2026, 1, 29), dt.date(2026, 2, 28))


def test_months_are_cut_to_the_period_across_a_year_end() -> None:
    months = months_of(Period(dt.date(2026, 12, 15), dt.date(2027, 2, 3)))
    assert [(p.first, p.last) for p in months] == [
        (dt.date(2026, 12, 15), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 1, 31)),
        (dt.date(2027, 2, 1), dt.date(2027, 2, 3)),
    ]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="ends .2026-03-01. before it starts"):
        Period(dt.date(2026, 3, 2), dt.date(2026, 3, 1))


# -- from a plan file ------------------------------------------------------------------------------


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """make_plan's R1 with production and staging deployments and one approved change."""
    path = tmp_path / "m.gantry"
    with make_plan(path) as store, store.transaction(reason="metrics data") as session:
        release = session.scalars(select(Release)).one()
        prod = Environment(name="production", tier="production", position=1)
        staging = Environment(name="staging", tier="staging", position=0)
        session.add_all([prod, staging])
        session.flush()

        def add(env: Environment, start: dt.datetime, outcome: str, back: bool = False) -> None:
            session.add(
                Deployment(
                    release_id=release.id,
                    environment_id=env.id,
                    window_start=start,
                    window_end=start + dt.timedelta(hours=2),
                    outcome=outcome,
                    rolled_back=back,
                )
            )

        add(staging, dt.datetime(2026, 1, 12, 18), "failed")  # not production: ignored
        add(prod, dt.datetime(2026, 1, 14, 19), "failed", back=True)
        add(prod, dt.datetime(2026, 1, 15, 7), "succeeded")  # restored after 12 h
        add(prod, dt.datetime(2026, 2, 3, 19), "succeeded")
        add(prod, dt.datetime(2026, 4, 1, 19), "planned")
        change = ChangeRequest(
            release_id=release.id, key="CR-1", title="Ship R1", status="implemented"
        )
        session.add(change)
        session.flush()
        session.add_all(
            [
                Approval(
                    change_request_id=change.id,
                    approver="Ann",
                    role="CAB",
                    decision="approved",
                    decided_at=dt.datetime(2026, 1, 10, 7),
                ),
                Approval(
                    change_request_id=change.id,
                    approver="Bo",
                    role="Service owner",
                    decision="approved",
                    decided_at=dt.datetime(2026, 1, 13, 7),
                ),
            ]
        )
    return path


def test_a_plan_is_measured_from_its_production_deployments(plan_path: Path) -> None:
    plan = Plan.open(plan_path, read_only=True)
    try:
        report = metrics(plan, TODAY)
    finally:
        plan.close()
    # From the first production deployment (14 Jan) to today (31 Mar): 77 days.
    assert (report.period.first, report.period.last) == (dt.date(2026, 1, 14), TODAY)
    m = report.plan
    assert (m.deployments, m.succeeded, m.failed, m.rolled_back) == (3, 2, 1, 1)
    assert m.deployment_frequency == pytest.approx(2 / (77 / 7))
    assert m.change_failure_rate == pytest.approx(1 / 3)
    assert m.time_to_restore_hours == pytest.approx(12.0)
    # Approved when the last approval came (13 Jan 07:00); first success 15 Jan 07:00.
    assert m.lead_time_days == pytest.approx(2.0)
    assert [month.month for month in report.months] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert report.months[1].measures.succeeded == 1
    # The 77 days before: 29 Oct 2025 to 13 Jan 2026, with no production deployment.
    assert report.previous.deployments == 0 and report.previous.deployment_frequency == 0.0
    (release,) = report.releases
    assert release.name == "R1" and release.baseline is None and release.schedule_variance is None


def test_schedule_variance_is_against_the_newest_baseline_in_working_days(
    plan_path: Path,
) -> None:
    plan = Plan.open(plan_path)
    try:
        release_id = plan.releases.find("R1").id
        plan.baselines.create(release_id, "Plan of record", created_at=dt.datetime(2026, 1, 2))
        before = metrics(plan, TODAY).releases[0]
        assert (before.baseline, before.schedule_variance) == ("Plan of record", 0)
        # Design grows by three days: everything after it, the release's finish too, moves
        # three working days (across the weekend and the holiday).
        plan.work_items.update(plan.work_items.find("A").id, "duration", 6)
        after = metrics(plan, TODAY).releases[0]
        assert after.schedule_variance == 3
    finally:
        plan.close()


def test_gantry_metrics_json_and_table(plan_path: Path) -> None:
    out = io.StringIO()
    code = run(
        [
            "metrics",
            str(plan_path),
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--format",
            "json",
        ],
        out,
    )
    assert code == 0
    data = json.loads(out.getvalue())
    assert data["period"] == {"from": "2026-01-01", "to": "2026-01-31", "weeks": 4.4286}
    assert data["plan"]["deployments"] == 2
    assert data["plan"]["change_failure_rate"] == 0.5
    assert data["plan"]["time_to_restore_hours"] == 12.0
    assert data["releases"][0]["name"] == "R1"
    assert [m["month"] for m in data["months"]] == ["2026-01"]

    table = io.StringIO()
    assert run(["metrics", str(plan_path), "--release", "R1", "--to", "2026-03-31"], table) == 0
    text = table.getvalue()
    assert "Production deployments from 2026-01-14 to 2026-03-31 (11.0 weeks)" in text
    assert "33 %" in text and "12.0 h" in text and "no baseline" in text


def test_gantry_metrics_refuses_an_unknown_release_and_a_backwards_period(
    plan_path: Path,
) -> None:
    err = io.StringIO()
    assert run(["metrics", str(plan_path), "--release", "R9"], io.StringIO(), err) == 1
    assert "No release named 'R9'" in err.getvalue()
    err = io.StringIO()
    args = ["metrics", str(plan_path), "--from", "2026-02-01", "--to", "2026-01-01"]
    assert run(args, io.StringIO(), err) == 1
    assert "before it starts" in err.getvalue()


def test_the_workbook_has_the_measures_as_numbers(plan_path: Path, tmp_path: Path) -> None:
    book = tmp_path / "m.xlsx"
    plan = Plan.open(plan_path, read_only=True)
    try:
        export_workbook(plan, book, None, TODAY)
    finally:
        plan.close()
    sheet = openpyxl.load_workbook(book)["Metrics"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Scope", "Release or month", "From", "To", "Production deployments")
    period, release, *months = rows[1:]
    assert period[:8] == (
        "Period",
        "R1",
        dt.datetime(2026, 1, 14),
        dt.datetime(2026, 3, 31),
        3,
        2,
        1,
        1,
    )
    assert period[8] == pytest.approx(2 / 11) and period[10] == pytest.approx(1 / 3)
    assert period[11] == pytest.approx(12.0) and period[9] == pytest.approx(2.0)
    assert release[:2] == ("Release", "R1") and release[13:] == (None, None)
    assert [m[1] for m in months] == ["2026-01", "2026-02", "2026-03"]
    assert months[0][2:4] == (dt.datetime(2026, 1, 14), dt.datetime(2026, 1, 31))
    assert sheet.cell(2, 11).number_format == "0%" and sheet.cell(2, 9).number_format == "0.00"
