"""Site-wide state: settings, the outbox, subscriptions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.article import Article
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.response import Response


class SiteSetting(db.Model):
    """One setting as JSON text."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OutboxMessage(db.Model):
    """A mail message kept locally when no SMTP server is configured."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Subscription(db.Model):
    """An email address following the discussion of one article, or the answers to one
    question (its asker's opt-in); double opt-in either way."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("article_id", "email"),
                      UniqueConstraint("question_id", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # One of the two is set: an article's discussion, or a question's answers.
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article | None] = relationship()
    question: Mapped[Response | None] = relationship()


class CacheScope(db.Model):
    """One part of what readers see ("site", "article:12", …) and a counter bumped in every
    transaction that changes it. A cached page names the scopes it shows and is served only
    while their versions are those it was rendered at (app/core/freshness.py)."""

    __tablename__ = "cache_scopes"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportState(enum.StrEnum):
    """Where an import job is: waiting for the queue, importing, or ended one way or the other."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# Stored as the plain strings the column always held (VARCHAR(20), no database enum type).
IMPORT_STATE_ENUM = Enum(ImportState, name="import_state", native_enum=False, length=20,
                         create_constraint=False, validate_strings=True,
                         values_callable=lambda e: [m.value for m in e])


class ImportJob(db.Model):
    """A WXR file uploaded from the browser and imported by the task queue."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(500))
    state: Mapped[ImportState] = mapped_column(IMPORT_STATE_ENUM, default=ImportState.QUEUED)
    bytes_total: Mapped[int] = mapped_column(default=0)
    bytes_done: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # WordPress login -> Parley user id, chosen on the Import page before the import runs
    # (JSON); None while the choice is still to be made.
    author_map: Mapped[str | None] = mapped_column(Text)
    # When the running import last committed a batch: a job silent for long has lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
