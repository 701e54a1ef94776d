"""Linkbacks in flight: webmentions received and waiting for verification, and the
pingbacks, trackbacks and webmentions an article sends to the pages it links to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.article import Article
from app.models.types import UTCDateTime, utcnow


class WebmentionRequest(db.Model):
    """One webmention received: checked at once, verified on the task queue.

    Its status page (`/webmention/status/<token>`) tells the sender how it went: pending,
    accepted (a response exists or was updated), removed (the source is gone or no longer
    links) or rejected, with the reason."""

    __tablename__ = "webmention_requests"
    __table_args__ = (Index("ix_webmention_requests_source_target", "source", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(500))
    target: Mapped[str] = mapped_column(String(500))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str] = mapped_column(String(300), default="")
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"))
    client_ip: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article | None] = relationship()


class OutgoingLinkback(db.Model):
    """What an article sent (or tried to send) to one page it links to or one trackback URL
    its author listed: the protocol found, the receiver's answer, retries."""

    __tablename__ = "outgoing_linkbacks"
    __table_args__ = (UniqueConstraint("article_id", "target_url", "via"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)
    target_url: Mapped[str] = mapped_column(String(500))
    # "link": a link in the article's text; "trackback": a trackback URL the author listed.
    via: Mapped[str] = mapped_column(String(20), default="link")
    # What discovery found: webmention, pingback, trackback, or "" (nothing, or not yet).
    protocol: Mapped[str] = mapped_column(String(20), default="")
    endpoint: Mapped[str] = mapped_column(String(500), default="")
    # queued, sent, refused (the receiver said no), failed (retried later), gave_up,
    # no_endpoint (the page takes no linkbacks).
    state: Mapped[str] = mapped_column(String(20), default="queued")
    detail: Mapped[str] = mapped_column(Text, default="")
    answer_status: Mapped[int | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A fingerprint of the text around the link when it was last sent: a change re-sends.
    context_hash: Mapped[str] = mapped_column(String(64), default="")
    # False once the link has left the article (a webmention is sent once more for it).
    in_article: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    article: Mapped[Article] = relationship()
