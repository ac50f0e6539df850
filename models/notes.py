"""Release notes, grouped by category and optionally tied to the work item they describe."""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

NOTE_CATEGORIES = ("feature", "improvement", "fix", "security", "breaking", "known_issue")
# Internal entries (a known issue support must know about, say) never reach customers.
NOTE_AUDIENCES = ("external", "internal")


class ReleaseNote(Base):
    __tablename__ = "release_notes"
    __table_args__ = (one_of("category", NOTE_CATEGORIES), one_of("audience", NOTE_AUDIENCES))

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_items.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[str] = mapped_column(String(20), default="feature")
    audience: Mapped[str] = mapped_column(String(10), default="external")
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
