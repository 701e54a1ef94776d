"""Rate-limit counters that every worker process shares: one storage for the whole site.

Flask-Limiter (the comment limit), the login and registration throttles (app/auth/throttle.py)
and rules such as "mail this address at most once an hour" all count in the storage named by
RATELIMIT_STORAGE_URI:

- ``redis://…`` when REDIS_URL is set: shared by every worker on every machine.
- ``parley-sqlite:///<instance>/ratelimits.db`` otherwise: a SQLite file under the instance
  folder, shared by every worker process on this machine. (``memory://`` counts in each
  process alone: with two gunicorn workers "6 per minute" let 12 through.)

The SQLite storage below is registered with the `limits` library under the scheme
``parley-sqlite`` as soon as this module is imported (app/extensions.py imports it before
Flask-Limiter reads its configuration). It gives what the fixed-window strategy needs
(``incr``, ``get``, ``get_expiry``, ``clear``, ``reset``, ``check``), which is Flask-Limiter's
default strategy and the only one Parley uses: one table of (key, count, expires_at) in WAL
mode with a busy timeout; an increment is one atomic upsert, so concurrent workers never lose
a count; expired rows are deleted at most once a minute by each process.

For other code, counting in the same storage (keys live in their own namespace):

    hit(key, "1 per hour") -> bool        count one event; True when it is within the limit
                                          (a refused event is not counted)
    allowed(key, "1 per hour") -> bool    would hit() allow one now? (counts nothing)
    retry_after(key, "1 per hour") -> int seconds until hit() allows one again; 0 when now
    clear(key, "1 per hour")              forget what was counted

``limit`` is Flask-Limiter's notation ("5 per 15 minutes", "6 per minute; 60 per hour"):
with several parts an event must be within all of them. Windows are fixed: the first event
starts a window of that length, and its count ends with it. These helpers count whatever
RATELIMIT_ENABLED says (they carry rules, not only abuse limits); the request throttles that
should obey it check it themselves.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from flask import Flask, current_app
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

SCHEME = "parley-sqlite"
NAMESPACE = "parley"
_EXTENSION = "parley.ratelimit"
CLEAN_EVERY_SECONDS = 60


def clock() -> float:
    """The time the SQLite storage and retry_after() count with (tests move it forward)."""
    return time.time()


def sqlite_uri(path: Path | str) -> str:
    """The RATELIMIT_STORAGE_URI of a SQLite counter file at an absolute path."""
    return f"{SCHEME}://{Path(path).resolve().as_posix()}"


class SQLiteStorage(Storage):
    """Fixed-window counters in one SQLite file, shared by every process that opens it."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 timeout: float = 10.0, **options: float | str | bool) -> None:
        path = urlparse(uri or "").path
        if not path.startswith("/"):
            raise ConfigurationError(f"{SCHEME}:// needs an absolute file path, got {uri!r}")
        self.path = path
        self.timeout = float(timeout)
        self._local = threading.local()
        self._next_clean = 0.0
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (a forked worker opens its own, never its parent's)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                         check_same_thread=False)
            connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            self._use_wal(connection)
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS ratelimit_counters ("
                " key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL"
                ") WITHOUT ROWID")
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def _use_wal(self, connection: sqlite3.Connection) -> None:
        """Put the file in WAL mode, once. Asking for WAL when the file is already in it
        still takes a lock, and SQLite answers "database is locked" at once, without waiting
        for the busy timeout, when another connection writes then (seen with eight threads
        opening their connections together): so ask only when needed, and retry."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    connection.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add `amount` to the key's count, starting a window of `expiry` seconds if none is
        running; return the new count. One statement, so concurrent writers queue."""
        now = clock()
        self._clean_expired(now)
        row = self._db().execute(
            "INSERT INTO ratelimit_counters (key, count, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET "
            " count = CASE WHEN expires_at <= ? THEN excluded.count"
            "              ELSE count + excluded.count END,"
            " expires_at = CASE WHEN expires_at <= ? THEN excluded.expires_at"
            "                   ELSE expires_at END "
            "RETURNING count",
            (key, amount, now + expiry, now, now)).fetchall()
        return int(row[0][0])

    def get(self, key: str) -> int:
        row = self._db().execute(
            "SELECT count FROM ratelimit_counters WHERE key = ? AND expires_at > ?",
            (key, clock())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = clock()
        row = self._db().execute(
            "SELECT expires_at FROM ratelimit_counters WHERE key = ? AND expires_at > ?",
            (key, now)).fetchone()
        return float(row[0]) if row else now

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM ratelimit_counters WHERE key = ?", (key,))

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM ratelimit_counters").rowcount

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def _clean_expired(self, now: float) -> None:
        if now < self._next_clean:
            return
        self._next_clean = now + CLEAN_EVERY_SECONDS
        self._db().execute("DELETE FROM ratelimit_counters WHERE expires_at <= ?", (now,))


# --- the helpers other code counts with -------------------------------------------------------

_create_lock = threading.Lock()


def storage(app: Flask | None = None) -> Storage:
    """The app's counter storage, made once from RATELIMIT_STORAGE_URI."""
    app = app or current_app._get_current_object()
    store = app.extensions.get(_EXTENSION)
    if store is None:
        with _create_lock:
            store = app.extensions.get(_EXTENSION)
            if store is None:
                store = storage_from_string(app.config["RATELIMIT_STORAGE_URI"],
                                            **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
                app.extensions[_EXTENSION] = store
    return store


@lru_cache(maxsize=64)
def _items(limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limit))


def _strategy() -> FixedWindowRateLimiter:
    return FixedWindowRateLimiter(storage())


def allowed(key: str, limit: str) -> bool:
    """Tell whether hit(key, limit) would allow one more event now, counting nothing."""
    strategy = _strategy()
    return all(strategy.test(item, NAMESPACE, key) for item in _items(limit))


def hit(key: str, limit: str) -> bool:
    """Count one event under `key`; return True when it is within `limit`.

    A refused event is not counted, so refusals never stretch a limit. Two workers racing
    for the last place cannot both have it: the count is incremented atomically and checked
    after.
    """
    if not allowed(key, limit):
        return False
    strategy = _strategy()
    results = [strategy.hit(item, NAMESPACE, key) for item in _items(limit)]
    return all(results)


def retry_after(key: str, limit: str) -> int:
    """Seconds until hit(key, limit) allows an event again (0 when it would now)."""
    strategy = _strategy()
    wait = 0.0
    for item in _items(limit):
        if not strategy.test(item, NAMESPACE, key):
            reset_at = strategy.get_window_stats(item, NAMESPACE, key).reset_time
            wait = max(wait, reset_at - clock(), 1.0)
    return math.ceil(wait)


def clear(key: str, limit: str) -> None:
    """Forget what was counted under `key` for `limit`."""
    strategy = _strategy()
    for item in _items(limit):
        strategy.clear(item, NAMESPACE, key)


def reset(app: Flask | None = None) -> None:
    """Forget every count in the app's storage (tests start from nothing)."""
    storage(app).reset()
