"""Engine settings that differ by database: SQLite gets WAL mode and foreign keys."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def configure_engine_events(app: Flask) -> None:
    """Turn on SQLite's foreign keys and WAL journal on every new connection."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def render_migration_item(type_, obj, autogen_context):
    """Write Parley's own column types into migrations as plain SQLAlchemy types.

    Migrations must not import the app: UTCDateTime is stored as DateTime(timezone=True).
    """
    from app.models.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
