"""Career questions: the tags moderators keep, the tags a question carries, helpful votes.

A question is a response (kind `question`) and its answers are the replies made to it; what a
question has beyond a comment (its title, accepted answer, duplicate mark) lives on the
response row. Full-text search over questions is built here too, in each database's own way
(`search_ddl`), since `create_all` and the migration must make the same structures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Column, ForeignKey, String, Table, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.user import User

# The tags a new site starts with (the migration inserts the same list).
DEFAULT_QUESTION_TAGS = ("career change", "certification", "education", "interviews",
                         "first job", "product vs project")


class QuestionTag(db.Model):
    """One tag of the list moderators keep; a question carries up to three."""

    __tablename__ = "question_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


question_tag_links = Table(
    "question_tag_links",
    db.metadata,
    Column("response_id", ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("question_tags.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class HelpfulVote(db.Model):
    """A member's "helpful" mark on an answer: one per member and answer."""

    __tablename__ = "helpful_votes"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


# --- full-text search over questions -----------------------------------------------------------
# SQLite: an FTS5 table of the questions' title and text, kept by triggers (unicode61 folds
# accents: "carriere" finds "carrière"). PostgreSQL: a GIN index over the same words, accents
# folded by `unaccent` (a trusted extension: the database's owner may create it) through an
# immutable wrapper, which an index expression needs. The migration runs the same statements.
SEARCH_TABLE = "question_search"
SEARCH_INDEX = "ix_responses_question_search"
PG_DOCUMENT = ("to_tsvector('simple', parley_unaccent(coalesce(responses.title, '') || ' ' || "
               "coalesce(responses.body_source, '')))")

SQLITE_SEARCH_DDL = (
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER question_search_insert AFTER INSERT ON responses
        WHEN new.kind = 'question' BEGIN
          INSERT INTO {SEARCH_TABLE}(rowid, title, body)
          VALUES (new.id, new.title, new.body_source);
        END""",
    f"""CREATE TRIGGER question_search_update AFTER UPDATE OF kind, title, body_source
        ON responses BEGIN
          DELETE FROM {SEARCH_TABLE} WHERE rowid = old.id;
          INSERT INTO {SEARCH_TABLE}(rowid, title, body)
          SELECT new.id, new.title, new.body_source WHERE new.kind = 'question';
        END""",
    f"""CREATE TRIGGER question_search_delete AFTER DELETE ON responses BEGIN
          DELETE FROM {SEARCH_TABLE} WHERE rowid = old.id;
        END""",
)
PG_SEARCH_DDL = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION parley_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    f"CREATE INDEX {SEARCH_INDEX} ON responses USING gin ({PG_DOCUMENT}) "
    "WHERE kind = 'question'",
)


def _install_search(target, connection, **_kw) -> None:
    statements = SQLITE_SEARCH_DDL if connection.dialect.name == "sqlite" else \
        PG_SEARCH_DDL if connection.dialect.name == "postgresql" else ()
    for statement in statements:
        connection.execute(DDL(statement))


def is_search_object(name: str | None) -> bool:
    """Tell whether a table or index is part of the search structures, which are not in the
    models' metadata (so that autogenerate leaves them alone)."""
    return bool(name) and (name.startswith(SEARCH_TABLE) or name == SEARCH_INDEX)


def listen_for_schema(responses_table: Table) -> None:
    """Build the search structures whenever `create_all` creates the responses table."""
    if not event.contains(responses_table, "after_create", _install_search):
        event.listen(responses_table, "after_create", _install_search)
