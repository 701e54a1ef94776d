"""What differs by database: SQLite gets WAL mode and foreign keys; both have ON CONFLICT."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

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


def insert_for(bind: Engine | Connection):
    """The `insert()` of the bind's dialect, which has ON CONFLICT (PostgreSQL's or SQLite's,
    the two databases Parley runs on)."""
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


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
    from app.models import article, question

    return not (question.is_search_object(name) or article.is_search_object(name))


# The attributes of an account that readers see (names on articles, the author box, badges).
_USER_SHOWN = ("name", "slug", "role", "bio", "job_title", "social_handle", "website")


def _response_is_shown(obj, state) -> bool:
    """Tell whether a changed response is or was approved: only then can readers see it."""
    from app.models import ResponseStatus

    if obj.status == ResponseStatus.APPROVED and not state.deleted:
        return True
    if state.pending:
        return False
    history = state.attrs.status.history
    before = history.deleted[0] if history.deleted else obj.status
    return before == ResponseStatus.APPROVED


def changed_scopes(session) -> set[str]:
    """The parts of what readers see that the session's pending changes touch."""
    from sqlalchemy import inspect, select

    from app.core import freshness
    from app.models import (
        Article,
        QuestionTag,
        Response,
        ResponseKind,
        SiteSetting,
        Tag,
        Translation,
        User,
    )

    scopes: set[str] = set()
    threads: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Response):
            state = inspect(obj)
            if obj in session.dirty and not session.is_modified(obj):
                continue
            if not _response_is_shown(obj, state):
                continue  # a held comment: nobody but its author sees it, on a page never cached
            history = state.attrs.article_id.history
            for article_id in (obj.article_id, *history.deleted):
                if article_id is not None:
                    scopes.add(freshness.article(article_id))
            scopes.add(freshness.DISCUSSIONS)
            if obj.kind == ResponseKind.QUESTION:
                scopes |= {freshness.QUESTIONS, freshness.question(obj.id)}
            elif obj.thread_id is not None:
                threads.add(obj.thread_id)
        elif isinstance(obj, Article):
            scopes |= {freshness.article(obj.id), freshness.ARTICLES}
        elif isinstance(obj, Translation):
            scopes.add(freshness.article(obj.article_id))
        elif isinstance(obj, User):
            # A new account shows nowhere yet (its first article or response moves its own
            # scopes); a deleted one leaves names without their badge.
            if obj in session.new:
                continue
            if obj in session.deleted or any(
                    inspect(obj).attrs[name].history.has_changes() for name in _USER_SHOWN):
                scopes.add(freshness.SITE)
        elif isinstance(obj, (SiteSetting, Tag, QuestionTag)):
            scopes.add(freshness.SITE)
    if threads:
        # A reply in a question's thread (an answer, or a reply to one) changes the question's
        # page and the questions list.
        questions = session.scalars(select(Response.id).where(
            Response.id.in_(threads), Response.kind == ResponseKind.QUESTION)).all()
        for question_id in questions:
            scopes |= {freshness.QUESTIONS, freshness.question(question_id)}
    return scopes


def count_response_versions(session, _flush_context, _instances) -> None:
    """Bump `Response.version` of every response whose row is about to change."""
    from app.models import Response

    for obj in session.dirty:
        if isinstance(obj, Response) and session.is_modified(obj):
            obj.version = (obj.version or 0) + 1


def bump_content_scopes(session, _flush_context) -> None:
    """Count a change to what readers see, in the same transaction that makes it."""
    from app.core import freshness

    scopes = changed_scopes(session)
    if scopes:
        freshness.bump(session.connection(), scopes)


def configure_session_events() -> None:
    """Install the version counters on every session of the app."""
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", count_response_versions):
        event.listen(Session, "before_flush", count_response_versions)
    if not event.contains(Session, "after_flush", bump_content_scopes):
        event.listen(Session, "after_flush", bump_content_scopes)
