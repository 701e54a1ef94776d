"""Responses to an article: comments, replies, questions and linkbacks in one table."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.article import Article
from app.models.types import UTCDateTime, utcnow
from app.models.user import User


class ResponseKind(enum.StrEnum):
    COMMENT = "comment"
    QUESTION = "question"
    PINGBACK = "pingback"
    TRACKBACK = "trackback"
    WEBMENTION = "webmention"


class ResponseStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"
    TRASH = "trash"


def _enum(cls, name, **options):
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                validate_strings=True, **options)


class Response(db.Model):
    """One response to an article, whatever its kind; threads through parent and path."""

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_article_status_path", "article_id", "status", "path"),
        Index("ix_responses_status_created_at", "status", "created_at"),
        Index("ix_responses_article_wp_comment_id", "article_id", "wp_comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[ResponseKind] = mapped_column(_enum(ResponseKind, "response_kind"),
                                               default=ResponseKind.COMMENT)
    status: Mapped[ResponseStatus] = mapped_column(_enum(ResponseStatus, "response_status"),
                                                   default=ResponseStatus.PENDING)
    # Materialised path: zero-padded ids of the ancestors and itself, so that ordering
    # by path returns a whole thread in display order in one query.
    path: Mapped[str] = mapped_column(String(1000), default="")
    depth: Mapped[int] = mapped_column(default=0)
    # The id of the top-level response of this thread (its own id when top-level):
    # threads are paginated and ordered by it.
    thread_id: Mapped[int | None] = mapped_column(index=True)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    author_email: Mapped[str] = mapped_column(String(254), default="")
    author_url: Mapped[str] = mapped_column(String(500), default="")
    author_ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    moderation_reason: Mapped[str] = mapped_column(String(300), default="")
    # Where "restore" and "not spam" return it to; and when its status last changed.
    previous_status: Mapped[ResponseStatus | None] = mapped_column(
        _enum(ResponseStatus, "response_status"))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # WordPress's comment id, for imports (unique within an article).
    wp_comment_id: Mapped[int | None] = mapped_column()
    # Linkbacks: the linking page's title and site name, shown as the author.
    source_url: Mapped[str] = mapped_column(String(500), default="")
    source_title: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article] = relationship()
    user: Mapped[User | None] = relationship()
    parent: Mapped[Response | None] = relationship(remote_side=[id])

    PATH_WIDTH = 10

    def place_under(self, parent: Response | None) -> None:
        """Set path, depth and thread from the parent; the response must have an id already."""
        segment = f"{self.id:0{self.PATH_WIDTH}d}"
        self.parent = parent
        self.parent_id = parent.id if parent else None
        self.path = f"{parent.path}.{segment}" if parent else segment
        self.depth = parent.depth + 1 if parent else 0
        self.thread_id = parent.thread_id if parent else self.id

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the ancestors, root first, read from the materialised path."""
        return [int(part) for part in self.path.split(".")[:-1]]

    @property
    def is_linkback(self) -> bool:
        return self.kind in (ResponseKind.PINGBACK, ResponseKind.TRACKBACK,
                             ResponseKind.WEBMENTION)
