"""Engine settings that differ by database: SQLite gets WAL mode and foreign keys."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db

# How long a write waits for SQLite's lock before it is refused ("busy, try again"): long
# enough for an import's batch or a burst of comments, short of gunicorn's 30 s timeout.
BUSY_TIMEOUT_MS = 20_000


def _sqlite_pragmas(busy_timeout_ms: int):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return on_connect


def is_busy_error(error: BaseException) -> bool:
    """Tell whether a database error means "locked by another writer, try again"."""
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "database is busy" in text


def _sqlite_take_over_transactions(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event below issue BEGIN, instead of the sqlite3 module.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection) -> None:
    """Begin IMMEDIATE for requests that change things, DEFERRED otherwise.

    In WAL mode a deferred transaction that read first and then writes fails at once with
    SQLITE_BUSY_SNAPSHOT if another writer committed meanwhile, whatever the busy timeout.
    Taking the write lock up front makes concurrent writers wait their turn instead.
    """
    writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def configure_engine_events(app: Flask) -> None:
    """Turn on SQLite's foreign keys, WAL journal and write-aware transactions."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)
            event.listen(engine, "connect", _sqlite_pragmas(timeout))
            event.listen(engine, "connect", _sqlite_take_over_transactions)
            event.listen(engine, "begin", _sqlite_begin)


def render_migration_item(type_, obj, autogen_context):
    """Write Parley's own column types into migrations as plain SQLAlchemy types.

    Migrations must not import the app: UTCDateTime is stored as DateTime(timezone=True).
    """
    from app.models.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_migration_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the full-text search structures to their own DDL (`models/question.py`):
    SQLite's FTS5 table and its shadow tables, PostgreSQL's expression index."""
    from app.models.question import is_search_object

    return not is_search_object(name)


# What readers see: a change to any of these invalidates cached pages.
def _reader_visible_classes():
    from app.models import (
        Article,
        QuestionTag,
        Response,
        SiteSetting,
        Tag,
        Translation,
        User,
    )

    return (Article, QuestionTag, Response, SiteSetting, Tag, Translation, User)


def bump_content_version(session, _flush_context) -> None:
    """Count a change to reader-visible rows in the same transaction that makes it."""
    from app.models import SiteState

    watched = _reader_visible_classes()
    changed = (*session.new, *session.dirty, *session.deleted)
    if not any(isinstance(obj, watched) for obj in changed):
        return
    connection = session.connection()
    table = SiteState.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(id=1, content_version=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.id], set_={"content_version": table.c.content_version + 1})
    connection.execute(statement)


def configure_session_events() -> None:
    """Install the content-version counter on every session of the app."""
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_flush", bump_content_version):
        event.listen(Session, "after_flush", bump_content_version)
