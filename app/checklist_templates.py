"""The checklist templates Gantry ships: go/no-go, readiness, security review, post-release.

Plain declarations: a new plan offers them in "New from template…", and the demo plan keeps
them as its templates. Due offsets count working days from a release date (negative: before).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ItemSpec:
    text: str
    owner_role: str
    required: bool = True
    due_offset: int | None = None
    due_milestone: str | None = None


@dataclass(frozen=True, slots=True)
class SectionSpec:
    name: str
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    key: str  # how the built-in template is named in code and tests
    kind: str
    name: str
    sections: tuple[SectionSpec, ...]
    deciders: tuple[str, ...] = ()


def _i(text: str, role: str, due: tuple[int, str] | None = None, required: bool = True) -> ItemSpec:
    offset, milestone = due if due is not None else (None, None)
    return ItemSpec(text, role, required, offset, milestone)


GO_NO_GO = TemplateSpec(
    "go_no_go",
    "go_no_go",
    "Go/No-Go",
    (
        SectionSpec(
            "Quality",
            (
                _i(
                    "All release-blocking defects are closed or formally waived",
                    "QA lead",
                    (-1, "target_date"),
                ),
                _i(
                    "Regression and performance test results are signed off",
                    "QA lead",
                    (-2, "target_date"),
                ),
                _i(
                    "Database migrations reviewed and timed against production-size data",
                    "Tech lead",
                    (-3, "target_date"),
                ),
            ),
        ),
        SectionSpec(
            "Security",
            (
                _i(
                    "Security review passed with no open high or critical findings",
                    "Tech lead",
                    (-2, "code_freeze"),
                ),
            ),
        ),
        SectionSpec(
            "Operations",
            (
                _i(
                    "Production runbook reviewed and dry-run in staging",
                    "SRE",
                    (-2, "target_date"),
                ),
                _i(
                    "Rollback tested in staging within the change window",
                    "SRE",
                    (-2, "target_date"),
                ),
                _i(
                    "Dashboards and alerts cover the new features",
                    "SRE",
                    (-1, "target_date"),
                    required=False,
                ),
            ),
        ),
        SectionSpec(
            "Change and communication",
            (
                _i(
                    "Change request approved by the change advisory board",
                    "Release manager",
                    (-3, "target_date"),
                ),
                _i(
                    "Release notes and customer communications approved",
                    "Product manager",
                    (-2, "target_date"),
                ),
                _i(
                    "Support briefed and the hypercare rota staffed",
                    "Product manager",
                    (-1, "target_date"),
                    required=False,
                ),
            ),
        ),
    ),
    deciders=("Release manager", "Product manager", "Tech lead"),
)

READINESS = TemplateSpec(
    "readiness",
    "readiness",
    "Operational readiness",
    (
        SectionSpec(
            "Capacity and resilience",
            (
                _i("On-call schedule covers the release week", "SRE", (-5, "target_date")),
                _i(
                    "Capacity headroom of 30% confirmed for the new services",
                    "SRE",
                    (0, "code_freeze"),
                ),
                _i("Backups verified by a test restore this month", "SRE", (0, "code_freeze")),
            ),
        ),
        SectionSpec(
            "Product and support",
            (
                _i(
                    "Feature flags default to off for the new features",
                    "Tech lead",
                    (0, "feature_freeze"),
                ),
                _i(
                    "Support knowledge-base articles published",
                    "Product manager",
                    (-2, "target_date"),
                    required=False,
                ),
                _i(
                    "Customer success has the pilot customer list",
                    "Product manager",
                    (-5, "target_date"),
                    required=False,
                ),
                _i(
                    "Third-party identity providers' test tenants are available",
                    "Tech lead",
                    (0, "feature_freeze"),
                ),
                _i(
                    "Status page incident template prepared",
                    "Release manager",
                    (-1, "target_date"),
                    required=False,
                ),
            ),
        ),
    ),
)

SECURITY_REVIEW = TemplateSpec(
    "security_review",
    "security_review",
    "Security review",
    (
        SectionSpec(
            "Design",
            (
                _i("Threat model updated for the new features", "Tech lead", (0, "feature_freeze")),
                _i(
                    "Data classification of new fields recorded", "Tech lead", (0, "feature_freeze")
                ),
            ),
        ),
        SectionSpec(
            "Testing",
            (
                _i(
                    "Dependency scan shows no known critical vulnerabilities",
                    "SRE",
                    (-1, "code_freeze"),
                ),
                _i("Penetration test findings triaged", "Tech lead", (3, "code_freeze")),
                _i(
                    "Secrets rotated where the release changes them",
                    "SRE",
                    (-2, "target_date"),
                    False,
                ),
            ),
        ),
    ),
)

POST_RELEASE = TemplateSpec(
    "post_release",
    "post_release",
    "Post-release review",
    (
        SectionSpec(
            "Health",
            (
                _i("Error rates back to baseline within 48 hours", "SRE", (2, "target_date")),
                _i("No customer-reported regressions left open", "QA lead", (5, "target_date")),
            ),
        ),
        SectionSpec(
            "Learning",
            (
                _i(
                    "Failed staging dry run reviewed; migration guideline updated",
                    "Tech lead",
                    (8, "target_date"),
                    required=False,
                ),
                _i(
                    "Release metrics recorded (lead time, change failure rate)",
                    "Release manager",
                    (8, "target_date"),
                ),
            ),
        ),
    ),
)

TEMPLATES: tuple[TemplateSpec, ...] = (GO_NO_GO, READINESS, SECURITY_REVIEW, POST_RELEASE)
