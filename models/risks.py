"""Risks to a release or a change, scored by likelihood and impact, and their mitigations."""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

RISK_STATUSES = ("open", "mitigating", "accepted", "closed")
MITIGATION_STATUSES = ("open", "done")


class Risk(Base):
    __tablename__ = "risks"
    __table_args__ = (
        one_of("status", RISK_STATUSES),
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_range"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
        CheckConstraint(
            "residual_likelihood IS NULL OR residual_likelihood BETWEEN 1 AND 5",
            name="residual_likelihood_range",
        ),
        CheckConstraint(
            "residual_impact IS NULL OR residual_impact BETWEEN 1 AND 5",
            name="residual_impact_range",
        ),
        # A risk is a release's, a change's, or the whole plan's; a change's release is its own.
        CheckConstraint("release_id IS NULL OR change_request_id IS NULL", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"), index=True)
    change_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_requests.id"), index=True
    )
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    likelihood: Mapped[int] = mapped_column(default=3)
    impact: Mapped[int] = mapped_column(default=3)
    # After the mitigations (empty: not assessed yet).
    residual_likelihood: Mapped[int | None]
    residual_impact: Mapped[int | None]
    mitigation: Mapped[str] = mapped_column(Text, default="")  # the strategy, in a sentence
    owner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")


class RiskMitigation(Base):
    """One action that lowers a risk, with who does it and by when."""

    __tablename__ = "risk_mitigations"
    __table_args__ = (one_of("status", MITIGATION_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risks.id"), index=True)
    action: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
