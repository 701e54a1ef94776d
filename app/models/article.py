"""Articles, their tags and their translations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    DDL,
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Index,
    Select,
    String,
    Table,
    Text,
    event,
    false,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

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
    # Open regardless of age: the site's "close after N days" passes this article by.
    keep_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
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


# What readers may see is a query (no job flips a scheduled article's status): every package
# that lists or finds articles for readers (the blog's pages, the comment feeds, posting a
# comment) starts from these, so they sit with the model, below all of them.
def visible_articles(now: datetime | None = None) -> Select:
    """Select the articles readers can see now, newest first, with what lists show."""
    now = now or utcnow()
    return (
        select(Article)
        .where(
            Article.status.in_((ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)),
            Article.published_at <= now,
        )
        .options(selectinload(Article.author), selectinload(Article.tags))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def article_by_path(path: str) -> Article | None:
    """Find the live article whose permalink is this path."""
    query = visible_articles().where(Article.path == path).options(
        selectinload(Article.translations)
    )
    return db.session.scalars(query).first()


# --- full-text search over articles ----------------------------------------------------------
# The same structures as the questions' (models/question.py), over the articles' title and
# source text: an FTS5 table kept by triggers on SQLite, a GIN index over the accent-folded
# document on PostgreSQL (the extension and function are made here too, since `create_all`
# makes this table before the responses). The migration p12a_search runs the same statements.
SEARCH_TABLE = "article_search"
SEARCH_INDEX = "ix_articles_search"
PG_DOCUMENT = ("to_tsvector('simple', parley_unaccent(coalesce(articles.title, '') || ' ' || "
               "coalesce(articles.body_source, '')))")
SQLITE_SEARCH_DDL = (
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
          INSERT INTO {SEARCH_TABLE}(rowid, title, body)
          VALUES (new.id, new.title, new.body_source);
        END""",
    f"""CREATE TRIGGER article_search_update AFTER UPDATE OF title, body_source
        ON articles BEGIN
          DELETE FROM {SEARCH_TABLE} WHERE rowid = old.id;
          INSERT INTO {SEARCH_TABLE}(rowid, title, body)
          VALUES (new.id, new.title, new.body_source);
        END""",
    f"""CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
          DELETE FROM {SEARCH_TABLE} WHERE rowid = old.id;
        END""",
)
PG_SEARCH_DDL = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION parley_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    f"CREATE INDEX {SEARCH_INDEX} ON articles USING gin ({PG_DOCUMENT})",
)


def _install_search(target, connection, **_kw) -> None:
    statements = SQLITE_SEARCH_DDL if connection.dialect.name == "sqlite" else \
        PG_SEARCH_DDL if connection.dialect.name == "postgresql" else ()
    for statement in statements:
        connection.execute(DDL(statement))


def is_search_object(name: str | None) -> bool:
    """Tell whether a table or index is part of the articles' search structures."""
    return bool(name) and (name.startswith(SEARCH_TABLE) or name == SEARCH_INDEX)


event.listen(Article.__table__, "after_create", _install_search)
