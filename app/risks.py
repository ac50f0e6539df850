"""Risks and their mitigations as declared record types, and a release's risk register.

A release's register holds the risks filed on the release and those of its changes; the
matrix view counts them per cell (likelihood x impact) and filters the list by a cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app import risk_matrix
from app.fields import Field, FieldKind, FieldSet, choices
from app.records import Record, RecordService, RecordType, title_from
from app.unit_of_work import UnitOfWork
from models import ChangeRequest, Risk, RiskMitigation
from models.risks import MITIGATION_STATUSES, RISK_STATUSES

_SCALE = "1 (rare or minor) to 5 (almost certain or severe)"


def _risk_rules(values: Mapping[str, Any]) -> list[str]:
    problems = []
    if values.get("release_id") is not None and values.get("change_request_id") is not None:
        problems.append("a risk belongs to a release or to a change, not to both")
    if (values.get("residual_likelihood") is None) != (values.get("residual_impact") is None):
        problems.append("residual risk needs both likelihood and impact (or neither)")
    return problems


RISK_FIELDS = FieldSet(
    "risks",
    "risk",
    (
        Field("key", "Key", required=True, max_length=40),
        Field("title", "Title", required=True, max_length=300),
        Field(
            "release_id",
            "Release",
            FieldKind.REFERENCE,
            reference="releases",
            none_label="—",
            tip="A release's risk; leave empty for a change's or a plan-wide risk",
        ),
        Field(
            "change_request_id",
            "Change",
            FieldKind.REFERENCE,
            reference="change_requests",
            none_label="—",
            tip="A change's risk: the change's approvals follow its level",
        ),
        Field(
            "likelihood",
            "Likelihood",
            FieldKind.INT,
            required=True,
            minimum=1,
            maximum=5,
            tip=_SCALE,
        ),
        Field("impact", "Impact", FieldKind.INT, required=True, minimum=1, maximum=5, tip=_SCALE),
        Field(
            "residual_likelihood",
            "Residual likelihood",
            FieldKind.INT,
            minimum=1,
            maximum=5,
            tip="After the mitigations",
        ),
        Field(
            "residual_impact",
            "Residual impact",
            FieldKind.INT,
            minimum=1,
            maximum=5,
            tip="After the mitigations",
        ),
        Field("owner", "Owner", max_length=120),
        Field("status", "Status", FieldKind.CHOICE, required=True, choices=choices(RISK_STATUSES)),
        Field(
            "mitigation",
            "Strategy",
            FieldKind.MULTILINE,
            tip="How the risk is handled, in a sentence",
        ),
    ),
)

RISKS = RecordType(
    fields=RISK_FIELDS,
    model=Risk,
    order_by=("key",),
    title=title_from("key"),
    rules=_risk_rules,
    defaults={"status": "open", "mitigation": "", "owner": "", "likelihood": 3, "impact": 3},
)

MITIGATION_FIELDS = FieldSet(
    "risk_mitigations",
    "mitigation",
    (
        Field("risk_id", "Risk", FieldKind.REFERENCE, reference="risks", required=True),
        Field("action", "Action", required=True, max_length=300),
        Field("owner", "Owner", max_length=120),
        Field("due_date", "Due", FieldKind.DATE),
        Field(
            "status",
            "Status",
            FieldKind.CHOICE,
            required=True,
            choices=choices(MITIGATION_STATUSES),
        ),
    ),
)

MITIGATIONS = RecordType(
    fields=MITIGATION_FIELDS,
    model=RiskMitigation,
    order_by=("due_date", "action"),
    title=title_from("action"),
    defaults={"status": "open", "owner": ""},
)


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One risk on a release's register, scored."""

    id: int
    key: str
    title: str
    change_key: str  # "" for the release's own risks
    likelihood: int
    impact: int
    residual: tuple[int, int] | None
    owner: str
    status: str

    @property
    def score(self) -> int:
        return risk_matrix.score(self.likelihood, self.impact)

    @property
    def level(self) -> str:
        return risk_matrix.level(self.likelihood, self.impact)

    @property
    def residual_level(self) -> str | None:
        return risk_matrix.level(*self.residual) if self.residual else None


class RiskService(RecordService):
    """Risks as records, and the register of a release."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow, RISKS)

    def next_key(self) -> str:
        numbers = [
            int(r.key[5:]) for r in self.rows() if r.key.startswith("RISK-") and r.key[5:].isdigit()
        ]
        return f"RISK-{max(numbers, default=0) + 1}"

    def create(
        self, values: Mapping[str, Any], reason: str = "", record_id: int | None = None
    ) -> int:
        given = dict(values)
        given.setdefault("key", self.next_key())
        return super().create(given, reason, record_id)

    def register(self, release_id: int) -> list[RegisterRow]:
        """The release's risks and its changes' risks, highest score first."""
        with self._uow.store.read() as session:
            changes: dict[int, str] = {
                change_id: key
                for change_id, key in session.execute(
                    select(ChangeRequest.id, ChangeRequest.key).where(
                        ChangeRequest.release_id == release_id
                    )
                )
            }
            risks = session.scalars(
                select(Risk).where(
                    (Risk.release_id == release_id) | Risk.change_request_id.in_(changes)
                )
            ).all()
            rows = [
                RegisterRow(
                    r.id,
                    r.key,
                    r.title,
                    changes.get(r.change_request_id, "") if r.change_request_id else "",
                    r.likelihood,
                    r.impact,
                    (r.residual_likelihood, r.residual_impact)
                    if r.residual_likelihood is not None and r.residual_impact is not None
                    else None,
                    r.owner,
                    r.status,
                )
                for r in risks
            ]
        return sorted(rows, key=lambda r: (-r.score, r.key))

    def matrix(self, release_id: int) -> dict[risk_matrix.Cell, int]:
        """Risks per cell of the release's register (likelihood, impact)."""
        return risk_matrix.cell_counts((r.likelihood, r.impact) for r in self.register(release_id))

    def for_change(self, change_id: int) -> list[Record]:
        return [r for r in self.rows() if r.change_request_id == change_id]


class MitigationService(RecordService):
    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow, MITIGATIONS)

    def of_risk(self, risk_id: int) -> list[Record]:
        return [m for m in self.rows() if m.risk_id == risk_id]
