"""Which parts of what readers see have changed: one counter per scope, in the database.

A scope is one part of what readers see:

- `SITE`: settings, the site's name, article tags, people's names and roles, question tags.
  Every page shows some of it.
- `ARTICLES`: the list of articles (titles, dates, statuses): the home page, archives, feeds,
  the questions pages (which name each question's article).
- `DISCUSSIONS`: any response readers can see, anywhere: the counts on the home page.
- `QUESTIONS`: the questions list.
- `article(id)`: one article's page and its comment feed.
- `question(id)`: one question's page.
- `ANY`: bumped with every other scope; a page being rendered when it moves is not stored.

Every transaction that changes what readers see bumps the scopes it touches, in the same
transaction (app/database.py), so a reader of any process sees the new version as soon as
the change is committed. A cached page is stored with the versions of the scopes it shows and
served only while they are current. Reading versions costs one query on PostgreSQL and, on
SQLite, none at all while no other connection has committed (`PRAGMA data_version`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.engine import Connection, Engine

from app.database import insert_for
from app.models import CacheScope
from app.models.types import utcnow

SITE = "site"
ARTICLES = "articles"
DISCUSSIONS = "discussions"
QUESTIONS = "questions"
ANY = "any"


def article(article_id: int) -> str:
    return f"article:{article_id}"


def question(question_id: int) -> str:
    return f"question:{question_id}"


def bump(connection: Connection, names: Iterable[str], now: datetime | None = None) -> None:
    """Count a change to these scopes (and to `ANY`) in the connection's transaction.

    In name order, so two transactions bumping the same scopes lock their rows in the same
    order and never deadlock.
    """
    names = sorted({*names, ANY})
    now = now or utcnow()
    table = CacheScope.__table__
    rows = [{"name": n, "version": 1, "changed_at": now} for n in names]
    statement = insert_for(connection)(table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={"version": table.c.version + 1, "changed_at": statement.excluded.changed_at})
    connection.execute(statement)


class Versions:
    """Reads the current versions of scopes for one app (one database), from any thread and
    without an app context: the page cache asks before Flask does any work."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sqlite_path = (engine.url.database if engine.dialect.name == "sqlite" else None)
        self._local = threading.local()

    def current(self, names: Sequence[str]) -> dict[str, tuple[int, datetime | None]]:
        """Return each scope's version and when it last changed (0 and None: never)."""
        if self.sqlite_path:
            return self._from_sqlite(names)
        return self._from_postgresql(names)

    def _from_postgresql(self, names: Sequence[str]) -> dict[str, tuple[int, datetime | None]]:
        # One autocommit connection per thread, outside the app's pool: a single round trip.
        import psycopg

        local = self._local
        for attempt in (1, 2):
            if getattr(local, "connection", None) is None:
                url = self.engine.url.set(drivername="postgresql")
                local.connection = psycopg.connect(
                    url.render_as_string(hide_password=False), autocommit=True)
            try:
                rows = local.connection.execute(
                    "SELECT name, version, changed_at FROM cache_scopes WHERE name = ANY(%s)",
                    (list(names),)).fetchall()
                break
            except psycopg.OperationalError:
                local.connection = None  # the server went away: connect again, once
                if attempt == 2:
                    raise
        found = {name: (version, changed) for name, version, changed in rows}
        return {name: found.get(name, (0, None)) for name in names}

    def _from_sqlite(self, names: Sequence[str]) -> dict[str, tuple[int, datetime | None]]:
        # One plain connection per thread, kept open: its `data_version` changes whenever
        # another connection (of any process) commits, so the versions it read stay good
        # until then.
        local = self._local
        if getattr(local, "connection", None) is None:
            local.connection = sqlite3.connect(self.sqlite_path, check_same_thread=False,
                                               isolation_level=None)
            local.data_version, local.known = None, {}
        connection = local.connection
        data_version = connection.execute("PRAGMA data_version").fetchone()[0]
        if data_version != local.data_version:
            local.data_version, local.known = data_version, {}
        known = local.known
        missing = [n for n in names if n not in known]
        if missing:
            marks = ",".join("?" * len(missing))
            rows = connection.execute(
                f"SELECT name, version, changed_at FROM cache_scopes WHERE name IN ({marks})",
                missing).fetchall()
            found = {name: (version, _parse_time(changed)) for name, version, changed in rows}
            for name in missing:
                known[name] = found.get(name, (0, None))
        return {name: known[name] for name in names}



def _parse_time(value) -> datetime | None:
    """SQLite keeps UTCDateTime as text; read it as SQLAlchemy would."""
    if value is None or isinstance(value, datetime):
        return value
    from datetime import UTC

    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def versions_for(app) -> Versions:
    """The app's reader of versions (one per app: each app has its own database)."""
    found = app.extensions.get("parley_versions")
    if found is None:
        from app.extensions import db

        with app.app_context():
            found = app.extensions["parley_versions"] = Versions(db.engine)
    return found


def current(names: Sequence[str]) -> dict[str, int]:
    """The current version of each scope, for the app of this request."""
    from flask import current_app

    return {name: version
            for name, (version, _) in versions_for(current_app).current(names).items()}
