"""Components, the version of each that a release ships, and how components depend on each other."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Component(Base):
    __tablename__ = "components"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    owner: Mapped[str] = mapped_column(String(120), default="")
    repository: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class ComponentVersion(Base):
    """The configuration baseline: which version of a component a release ships."""

    __tablename__ = "component_versions"
    __table_args__ = (UniqueConstraint("component_id", "release_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))


class ComponentDependency(Base):
    __tablename__ = "component_dependencies"
    __table_args__ = (
        UniqueConstraint("component_id", "depends_on_id"),
        CheckConstraint("component_id != depends_on_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    min_version: Mapped[str] = mapped_column(String(40), default="")
