"""The demo's configuration baselines: third-party components, each release's versions, and
the dependency constraints between components.

3.5 and 3.6 are in flight together. 3.6 was planned to change what 3.5 leaves alone, so the
two can be built side by side; the API gateway's 3.0 is the exception, which `gantry check`
shows as the one overlap, and the web app 3.6 carries still needs a gateway before 3.0, the
one broken constraint. Patches ship only what they fix: 3.5.1 the OpenSSL security update
(high risk), 3.5.2 the mobile app, 3.5.3 the web app.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.recipe import TEAM
from models import Component, ComponentDependency, ComponentVersion, Release

# name, origin, owner, supplier, licence, days from today to its support end, description
THIRD_PARTY: tuple[tuple[str, str, str, str, str, int | None, str], ...] = (
    (
        "postgres",
        "open_source",
        "sre",
        "PostgreSQL Global Development Group",
        "PostgreSQL",
        None,
        "The relational database behind billing, identity and the audit log.",
    ),
    (
        "openssl",
        "open_source",
        "sre",
        "OpenSSL Project",
        "Apache-2.0",
        None,
        "TLS for the gateway and every service-to-service call.",
    ),
    (
        "hsm-sdk",
        "vendor",
        "be1",
        "Vaultline Systems",
        "Commercial",
        240,
        "Client library for the payment HSMs that sign invoices and hold card keys.",
    ),
)

# component, depends on, the versions that will do
DEPENDENCIES: tuple[tuple[str, str, str], ...] = (
    ("web-app", "api-gateway", ">= 2.14, < 3"),
    ("mobile-app", "api-gateway", ">= 2.14"),
    ("api-gateway", "identity-service", ">= 4.2"),
    ("api-gateway", "billing-service", ">= 3.7"),
    ("api-gateway", "openssl", ">= 3.0.13, < 4"),
    ("billing-service", "identity-service", ">= 4.2"),
    ("billing-service", "data-pipeline", ">= 1.9"),
    ("billing-service", "postgres", ">= 16, < 17"),
    ("billing-service", "hsm-sdk", ">= 7.2, < 8"),
    ("identity-service", "postgres", ">= 15"),
    ("notification-service", "identity-service", ">= 4.0"),
    ("data-pipeline", "platform-infra", ">= 2025.1"),
    ("data-pipeline", "postgres", ">= 15.4"),
)

# Release version -> component -> version, or (version, update risk, notes) for an update
# of a third-party component.
Shipped = str | tuple[str, str, str]
_BASE: dict[str, Shipped] = {
    "api-gateway": "2.12.0",
    "web-app": "5.6.0",
    "mobile-app": "3.2.0",
    "billing-service": "3.5.2",
    "identity-service": "4.0.1",
    "notification-service": "1.10.0",
    "data-pipeline": "1.7.0",
    "platform-infra": "2024.4",
    "postgres": "15.4",
    "openssl": "3.0.11",
    "hsm-sdk": "7.1.0",
}
_CHANGES: tuple[tuple[str, dict[str, Shipped]], ...] = (
    (
        "3.2",
        {
            "web-app": "5.7.0",
            "identity-service": "4.1.0",
            "billing-service": "3.6.0",
            "postgres": ("15.6", "low", "Minor release: bug and security fixes only."),
        },
    ),
    (
        "3.3",
        {
            "api-gateway": "2.13.0",
            "web-app": "5.8.0",
            "mobile-app": "3.3.0",
            "data-pipeline": "1.8.0",
            "platform-infra": "2025.1",
            "postgres": ("16.2", "high", "Major upgrade; dump and restore rehearsed on staging."),
            "openssl": ("3.0.13", "medium", "Security fixes (OpenSSL advisories of January)."),
            "hsm-sdk": ("7.2.0", "medium", "New signing API; the old one is deprecated."),
        },
    ),
    (
        "3.4",
        {
            "api-gateway": "2.14.0",
            "web-app": "5.8.2",
            "mobile-app": "3.4.0",
            "billing-service": "3.7.1",
            "identity-service": "4.2.0",
            "notification-service": "1.12.0",
            "data-pipeline": "1.9.0",
        },
    ),
    (
        "3.5",
        {
            "api-gateway": "2.15.0",
            "web-app": "5.9.0",
            "mobile-app": "3.5.0",
            "identity-service": "4.3.0",
        },
    ),
)

PATCHES: dict[str, dict[str, Shipped]] = {
    "3.5.1": {
        "openssl": (
            "3.0.15",
            "high",
            "Security update: fixes a TLS handshake flaw rated high; needs a full regression.",
        )
    },
    "3.5.2": {"mobile-app": "3.5.1"},
    "3.5.3": {"web-app": "5.9.1"},
}
_NEXT: dict[str, Shipped] = {
    "openssl": "3.0.15",
    "mobile-app": "3.5.1",
    "web-app": "5.9.1",
    "api-gateway": "3.0.0",
    "billing-service": "3.8.0",
    "notification-service": "1.13.0",
    "data-pipeline": "1.10.0",
    "platform-infra": "2025.3",
    "postgres": ("16.4", "medium", "Minor release; the extensions are rebuilt against it."),
    "hsm-sdk": ("7.3.0", "medium", "Vendor release with the new key ceremony tooling."),
}


def _carried(shipped: dict[str, Shipped]) -> dict[str, Shipped]:
    """The versions a release keeps from the one before, without that one's update notes."""
    return {name: what if isinstance(what, str) else what[0] for name, what in shipped.items()}


def _baselines() -> dict[str, dict[str, Shipped]]:
    found = {"3.1": _BASE}
    last = _BASE
    for version, changed in _CHANGES:
        last = found[version] = {**_carried(last), **changed}
    found.update(PATCHES)
    found["3.6"] = {**_carried(last), **_NEXT}
    return found


BASELINES = _baselines()


def write_components(session: Session, today: dt.date) -> None:
    """Add the third-party components, the dependencies and every release's baseline."""
    session.add_all(
        Component(
            name=name,
            origin=origin,
            owner=TEAM[owner],
            supplier=supplier,
            licence=licence,
            support_end=None if days is None else today + dt.timedelta(days=days),
            description=text,
        )
        for name, origin, owner, supplier, licence, days, text in THIRD_PARTY
    )
    session.flush()
    components = {c.name: c.id for c in session.scalars(select(Component))}
    session.add_all(
        ComponentDependency(
            component_id=components[a], depends_on_id=components[b], version_constraint=versions
        )
        for a, b, versions in DEPENDENCIES
    )
    releases = {r.name: r.id for r in session.scalars(select(Release))}
    for release, shipped in BASELINES.items():
        for name, what in shipped.items():
            version, risk, notes = (what, None, "") if isinstance(what, str) else what
            session.add(
                ComponentVersion(
                    component_id=components[name],
                    release_id=releases[f"Atlas {release}"],
                    version=version,
                    risk=risk,
                    notes=notes,
                )
            )
