"""Articles, their tags and their translations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Column, Enum, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.user import User


class ArticleStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


class BodyFormat(enum.StrEnum):
    """What an article's body_source is written in."""

    MARKDOWN = "markdown"  # articles written here
    HTML = "html"  # imported ones (WordPress's HTML)


article_tags = Table(
    "article_tags",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    import_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)


class Article(db.Model):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_status_published_at", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    # The permalink path ("/2007/05/14/slug/"), fixed once the article has been public.
    path: Mapped[str | None] = mapped_column(String(400), unique=True)
    body_source: Mapped[str] = mapped_column(Text, default="")
    # Stored as the plain strings "markdown" and "html" (a VARCHAR, no database enum type).
    body_format: Mapped[BodyFormat] = mapped_column(
        Enum(BodyFormat, native_enum=False, create_constraint=False, length=10,
             values_callable=lambda e: [m.value for m in e], validate_strings=True),
        default=BodyFormat.MARKDOWN)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # What the author typed as an excerpt (may be empty) and what lists show.
    excerpt: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ArticleStatus] = mapped_column(
        Enum(ArticleStatus, name="article_status", values_callable=lambda e: [m.value for m in e],
             validate_strings=True),
        default=ArticleStatus.DRAFT,
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # When the author put it in the Trash (a draft then, 404 to readers); purged 30 days on.
    trashed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reprint_note: Mapped[str] = mapped_column(String(300), default="")
    reprint_url: Mapped[str] = mapped_column(String(500), default="")
    comments_open: Mapped[bool] = mapped_column(Boolean, default=True)
    pings_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # TrackBack URLs the author asked to ping, one per line (links in the text are found).
    trackback_urls: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Where an imported post came from: WordPress's post id and GUID (imports match on them).
    wp_post_id: Mapped[int | None] = mapped_column(index=True)
    wp_guid: Mapped[str | None] = mapped_column(String(500), index=True)
    # The import that created this article (a failed import removes what it created).
    import_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)

    author: Mapped[User] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by=Tag.name)
    translations: Mapped[list[Translation]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Translation.language"
    )

    def is_live(self, now: datetime) -> bool:
        """Tell whether readers can see the article at this moment."""
        return (
            self.status in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= now
        )

    def permalink_fixed(self, now: datetime) -> bool:
        """Tell whether the permalink can no longer change (the article has been public)."""
        return self.path is not None and self.published_at is not None and self.published_at <= now

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.slug!r} {self.status.value}>"


class Translation(db.Model):
    __tablename__ = "translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(40))
    # The BCP 47 language tag (hreflang), for example "pt-BR"; `language` is its shown name.
    code: Mapped[str] = mapped_column(String(35), default="", server_default="")
    url: Mapped[str] = mapped_column(String(500))

    article: Mapped[Article] = relationship(back_populates="translations")
