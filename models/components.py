"""Components, the version of each that a release ships, and how components depend on each other."""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

# Where a component comes from: third-party ones (vendor, open source) carry a supplier,
# a licence and a support end, and their updates in a release a risk.
COMPONENT_ORIGINS = ("built_here", "vendor", "open_source")
UPDATE_RISKS = ("low", "medium", "high", "critical")


class Component(Base):
    __tablename__ = "components"
    __table_args__ = (one_of("origin", COMPONENT_ORIGINS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    owner: Mapped[str] = mapped_column(String(120), default="")
    repository: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20), default="built_here")
    supplier: Mapped[str] = mapped_column(String(120), default="")
    licence: Mapped[str] = mapped_column(String(120), default="")
    support_end: Mapped[dt.date | None] = mapped_column(Date)


class ComponentVersion(Base):
    """The configuration baseline: which version of a component a release ships."""

    __tablename__ = "component_versions"
    __table_args__ = (UniqueConstraint("component_id", "release_id"), one_of("risk", UPDATE_RISKS))

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    # The risk of taking this version of a third-party component (None: not assessed).
    risk: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")


class ComponentDependency(Base):
    __tablename__ = "component_dependencies"
    __table_args__ = (
        UniqueConstraint("component_id", "depends_on_id"),
        CheckConstraint("component_id != depends_on_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    # Which versions of depends_on will do, e.g. ">= 2.3, < 3" (app.components reads it);
    # empty: any version.
    version_constraint: Mapped[str] = mapped_column(String(80), default="")
