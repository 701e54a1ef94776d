"""The audit log of moderation: who did what to which response, kept after deletion."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.user import User


class ModerationAction(enum.StrEnum):
    """What an audit row records (stored as these strings: the column is plain text)."""

    SUBMIT = "submit"
    APPROVE = "approve"
    UNAPPROVE = "unapprove"
    SPAM = "spam"
    NOT_SPAM = "not_spam"
    TRASH = "trash"
    RESTORE = "restore"
    DELETE = "delete"
    PURGE = "purge"
    EDIT = "edit"
    UPDATE = "update"  # a linkback's source changed
    ADDRESS_PROVEN = "address proven"
    ACCEPT_ANSWER = "accept answer"
    TAKE_BACK_ACCEPTED_ANSWER = "take back accepted answer"
    TURN_INTO_QUESTION = "turn into question"
    TURN_INTO_COMMENT = "turn into comment"
    EDIT_QUESTION = "edit question"
    REOPEN = "reopen"
    # Stored with the original's number after it: "close as duplicate of #12".
    CLOSE_AS_DUPLICATE = "close as duplicate"


class ModerationVia(enum.StrEnum):
    """Where an action came from."""

    QUEUE = "queue"
    EMAIL = "email"  # a moderator's mail link, or an author proving their address
    RULE = "rule"  # the moderation rules deciding a new response
    AUTHOR = "author"  # the response's own author (edit, trash)
    ASKER = "asker"  # a question's asker
    SOURCE = "source"  # a linkback's source page
    SCHEDULE = "schedule"  # the periodic purge


class ModerationEvent(db.Model):
    __tablename__ = "moderation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The response's id stays readable after the response is deleted for good.
    response_ref: Mapped[int] = mapped_column(index=True)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))  # a ModerationAction, maybe with a detail
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    via: Mapped[str] = mapped_column(String(20), default=ModerationVia.QUEUE.value)  # ModerationVia
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
