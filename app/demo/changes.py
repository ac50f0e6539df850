"""The demo plan's change control: approvers, change requests in every state with their
decisions, and risks on the releases' registers with mitigations.

Every demo approver's PIN is DEMO_PIN, so whoever tries the demo can sign a decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.approver_pins import new_salt, pin_hash
from app.demo.recipe import CAB_CHAIR, SECURITY_OFFICER, TEAM, DemoPlan, at_time
from models import (
    Approval,
    Approver,
    ChangeComponent,
    ChangeEnvironment,
    ChangeRequest,
    Component,
    Environment,
    Release,
    Risk,
    RiskMitigation,
    Runbook,
)

DEMO_PIN = "2468"
APPROVERS = (
    (TEAM["rm"], "Release manager"),
    (CAB_CHAIR, "CAB member"),
    (SECURITY_OFFICER, "CAB member"),
    (TEAM["tl"], "CAB member; Service owner"),
    (TEAM["pm"], "Service owner"),
)
# (approver, role, decision, meaning, comment): a decision as the demo records it.
Decision = tuple[str, str, str, str, str]


def write_change_control(
    session: Session,
    plan: DemoPlan,
    releases: Sequence[Release],
    environments: dict[str, Environment],
) -> None:
    signed = at_time(plan.today, 0)  # PINs were set before anything in the demo was signed
    salt = new_salt()
    session.add_all(
        Approver(
            name=name,
            roles=roles,
            pin_salt=salt,
            pin_hash=pin_hash(DEMO_PIN, salt),
            pin_set_at=signed - dt.timedelta(days=120),
        )
        for name, roles in APPROVERS
    )
    _write_changes(session, plan, releases, environments)
    _write_release_risks(session, plan, releases)


def _write_changes(
    session: Session,
    plan: DemoPlan,
    releases: Sequence[Release],
    environments: dict[str, Environment],
) -> None:
    calendar, today = plan.calendar, plan.today
    components = {c.name: c.id for c in session.scalars(select(Component))}
    runbooks = {b.release_id: b.id for b in session.scalars(select(Runbook))}
    prod, staging = environments["prod"].id, environments["staging"].id
    shipped_gng = plan.forecast(0, "gng").finish
    hotfix = plan.deploy_day(calendar.add_working_days(plan.forecast(0, "ga").finish, 6), "prod")
    after_hotfix = min(calendar.add_working_days(hotfix, 1), calendar.add_working_days(today, -1))
    recent = calendar.add_working_days(today, -1)

    def window(release: int) -> tuple[dt.datetime, dt.datetime]:
        day = plan.prod_day(release)
        return at_time(day, 19), at_time(day, 22)

    # key, release, category, status, title, requester, (likelihood, impact), environments,
    # components, window, description, decisions with their times
    specs: list[
        tuple[
            str,
            int,
            str,
            str,
            str,
            str,
            tuple[int, int],
            tuple[int, ...],
            tuple[str, ...],
            tuple[dt.datetime, dt.datetime] | None,
            str,
            list[tuple[Decision, dt.datetime]],
        ]
    ] = [
        (
            "CHG-2041",
            0,
            "normal",
            "closed",
            "Deploy Atlas 3.4 to production",
            TEAM["sre"],
            (3, 3),
            (prod,),
            ("billing-service", "data-pipeline", "web-app"),
            window(0),
            "Usage-based billing; 3 database migrations.",
            [
                (
                    (
                        TEAM["rm"],
                        "Release manager",
                        "approved",
                        "Reviewed and approved for implementation",
                        "",
                    ),
                    at_time(shipped_gng, 11),
                ),
                (
                    (
                        CAB_CHAIR,
                        "CAB member",
                        "approved",
                        "Reviewed and approved for implementation",
                        "Reviewed in the CAB meeting.",
                    ),
                    at_time(shipped_gng, 16),
                ),
            ],
        ),
        (
            "CHG-2047",
            0,
            "emergency",
            "closed",
            "Hotfix 3.4.1: rounding of usage charges",
            TEAM["be1"],
            (2, 2),
            (prod,),
            ("billing-service",),
            (at_time(hotfix, 19), at_time(hotfix, 20)),
            "Usage charges were rounded per event instead of per invoice line. Deployed the "
            "same evening; the CAB approved it the next morning.",
            [
                (
                    (
                        TEAM["rm"],
                        "Release manager",
                        "approved",
                        "Approved after the fact (emergency change)",
                        "Customer-facing defect; no time for a CAB.",
                    ),
                    at_time(after_hotfix, 9, 15),
                ),
                (
                    (
                        CAB_CHAIR,
                        "CAB member",
                        "approved",
                        "Approved after the fact (emergency change)",
                        "Reviewed the next morning; add a regression test.",
                    ),
                    at_time(after_hotfix, 9, 40),
                ),
            ],
        ),
        (
            "CHG-2049",
            0,
            "normal",
            "rejected",
            "Switch invoice PDFs to the new renderer",
            TEAM["be1"],
            (4, 4),
            (prod,),
            ("billing-service",),
            None,
            "Replace the invoice PDF renderer for every customer at once.",
            [
                (
                    (
                        SECURITY_OFFICER,
                        "CAB member",
                        "rejected",
                        "Reviewed",
                        "No tested rollback for invoices already stored; resubmit with a "
                        "rollback rehearsal and a pilot group.",
                    ),
                    at_time(shipped_gng, 15),
                ),
            ],
        ),
        (
            "CHG-2063",
            1,
            "normal",
            "submitted",
            "Deploy Atlas 3.5 to production",
            TEAM["sre"],
            (4, 4),
            (staging, prod),
            ("identity-service", "api-gateway", "web-app", "data-pipeline"),
            window(1),
            "Single sign-on and audit logs; the sign-in path changes for every user.",
            [
                (
                    (
                        TEAM["rm"],
                        "Release manager",
                        "approved",
                        "Reviewed and approved for implementation",
                        "",
                    ),
                    at_time(recent, 10, 15),
                ),
                (
                    (
                        TEAM["tl"],
                        "Service owner",
                        "approved_with_conditions",
                        "Technical review complete",
                        "SSO stays off by default until the pilot customers sign off.",
                    ),
                    at_time(recent, 11, 30),
                ),
                (
                    (
                        CAB_CHAIR,
                        "CAB member",
                        "approved",
                        "Reviewed and approved for implementation",
                        "Reviewed in the CAB meeting.",
                    ),
                    at_time(recent, 16),
                ),
            ],
        ),
        (
            "CHG-2064",
            1,
            "standard",
            "approved",
            "Enable SAML for three pilot customers",
            TEAM["pm"],
            (2, 2),
            (prod,),
            ("identity-service",),
            None,
            "A standard change: a configuration flag per customer, pre-approved.",
            [],
        ),
        (
            "CHG-2065",
            1,
            "normal",
            "draft",
            "Rotate the identity provider signing certificates",
            TEAM["be2"],
            (3, 2),
            (prod,),
            ("identity-service",),
            None,
            "",
            [],
        ),
        (
            "CHG-2070",
            2,
            "normal",
            "draft",
            "Provision database replicas in eu-west",
            TEAM["sre"],
            (3, 3),
            (prod,),
            ("platform-infra",),
            None,
            "",
            [],
        ),
        (
            "CHG-2071",
            2,
            "normal",
            "cancelled",
            "Retire the v1 sync endpoint",
            TEAM["fe"],
            (2, 3),
            (prod,),
            ("api-gateway", "mobile-app"),
            None,
            "Cancelled: older mobile apps still call it; planned again after the offline release.",
            [],
        ),
    ]
    for (
        key,
        release,
        category,
        status,
        title,
        requester,
        (likelihood, impact),
        envs,
        touched,
        planned,
        description,
        decisions,
    ) in specs:
        change = ChangeRequest(
            release_id=releases[release].id,
            key=key,
            category=category,
            status=status,
            title=title,
            requested_by=requester,
            description=description,
            window_start=planned[0] if planned else None,
            window_end=planned[1] if planned else None,
            rollback_runbook_id=runbooks.get(releases[release].id) if planned else None,
        )
        session.add(change)
        session.flush()
        session.add_all(
            ChangeEnvironment(change_request_id=change.id, environment_id=e) for e in envs
        )
        session.add_all(
            ChangeComponent(change_request_id=change.id, component_id=components[name])
            for name in touched
        )
        session.add(
            Risk(
                change_request_id=change.id,
                key=f"{key}-R1",
                title=f"{title} fails or has to be rolled back",
                likelihood=likelihood,
                impact=impact,
                owner=requester,
                status="closed" if status in ("closed", "cancelled", "rejected") else "open",
            )
        )
        implemented_at = planned[1] if planned else None
        session.add_all(
            Approval(
                change_request_id=change.id,
                approver=who,
                role=role,
                decision=decision,
                meaning=meaning,
                comment=comment,
                decided_at=at,
                after_the_fact=implemented_at is not None and at > implemented_at,
            )
            for (who, role, decision, meaning, comment), at in decisions
        )


def _write_release_risks(session: Session, plan: DemoPlan, releases: Sequence[Release]) -> None:
    today = plan.today
    # release index (None: the whole plan), title, likelihood, impact, residual, strategy,
    # owner, status, mitigations as (action, owner, due in days from today, done)
    risks: tuple[
        tuple[
            int | None,
            str,
            int,
            int,
            tuple[int, int] | None,
            str,
            str,
            str,
            tuple[tuple[str, str, int, bool], ...],
        ],
        ...,
    ] = (
        (
            0,
            "Usage backfill slower than estimated on production data",
            3,
            3,
            (1, 3),
            "Backfill in monthly batches outside business hours.",
            "be2",
            "closed",
            (("Batch the backfill by month", "be2", -80, True),),
        ),
        (
            1,
            "Customer identity providers behave differently from our test tenants",
            4,
            4,
            (2, 4),
            "Pilot with three customers behind a feature flag before general availability.",
            "be2",
            "mitigating",
            (
                ("Pilot SSO with three customers", "pm", 5, False),
                ("Test against Okta, Entra ID and Keycloak tenants", "qa", -3, True),
            ),
        ),
        (
            1,
            "Audit log volume exceeds the storage estimate",
            3,
            3,
            (2, 2),
            "Tiered retention: 90 days hot, then object storage.",
            "be1",
            "open",
            (("Configure tiered retention", "sre", 8, False),),
        ),
        (
            1,
            "Tech lead on leave for a week during hardening",
            2,
            4,
            None,
            "Security review handed to the backend engineers with a written checklist.",
            "tl",
            "accepted",
            (),
        ),
        (
            1,
            "Release-blocking defects in SAML sign-in delay Go/No-Go",
            3,
            5,
            (2, 5),
            "Daily defect triage; fallback is to ship SSO disabled by default.",
            "qa",
            "open",
            (
                ("Daily triage of sign-in defects", "qa", 10, False),
                ("Ship with SSO off by default if needed", "rm", 12, False),
            ),
        ),
        (
            1,
            "Data migration of audit events overruns the change window",
            2,
            5,
            (1, 5),
            "Rehearse on a production-size copy; the runbook's rollback restores the backup.",
            "sre",
            "mitigating",
            (("Dress rehearsal on staging", "sre", 0, False),),
        ),
        (
            2,
            "Replication lag to eu-west exceeds the 5 s SLA",
            3,
            5,
            None,
            "Load test with production-size data before committing the GA date.",
            "sre",
            "open",
            (("Load test replicas with production-size data", "sre", 30, False),),
        ),
        (
            2,
            "Offline sync conflicts lose user edits",
            2,
            5,
            None,
            "Conflict resolution keeps both versions until the user picks one.",
            "fe",
            "open",
            (),
        ),
        (
            None,
            "One SRE approves and runs every production change",
            3,
            3,
            (2, 3),
            "Train a second engineer on the runbooks; pair on the next two releases.",
            "rm",
            "mitigating",
            (("Pair on the next two production runbooks", "sre", 20, False),),
        ),
    )
    for n, (i, title, likelihood, impact, residual, strategy, owner, status, actions) in enumerate(
        risks, 1
    ):
        risk = Risk(
            release_id=releases[i].id if i is not None else None,
            key=f"RISK-{n}",
            title=title,
            likelihood=likelihood,
            impact=impact,
            residual_likelihood=residual[0] if residual else None,
            residual_impact=residual[1] if residual else None,
            mitigation=strategy,
            owner=TEAM[owner],
            status=status,
        )
        session.add(risk)
        session.flush()
        session.add_all(
            RiskMitigation(
                risk_id=risk.id,
                action=action,
                owner=TEAM[who],
                due_date=today + dt.timedelta(days=due),
                status="done" if done else "open",
            )
            for action, who, due, done in actions
        )
