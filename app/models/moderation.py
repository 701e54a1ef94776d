"""The audit log of moderation: who did what to which response, kept after deletion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.user import User


class ModerationEvent(db.Model):
    __tablename__ = "moderation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The response's id stays readable after the response is deleted for good.
    response_ref: Mapped[int] = mapped_column(index=True)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    via: Mapped[str] = mapped_column(String(20), default="queue")  # queue, email, rule, author
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
