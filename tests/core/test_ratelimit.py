"""The shared rate-limit storage (a SQLite file every worker opens) and the small helpers other
code counts with; the helpers also against Redis when REDIS_URL is set."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from limits.errors import ConfigurationError
from limits.storage import RedisStorage, storage_from_string

from app import config as config_module
from app.core import ratelimit
from tests.conftest import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path) -> ratelimit.SQLiteStorage:
    return storage_from_string(ratelimit.sqlite_uri(tmp_path / "limits.db"))


def rows(store: ratelimit.SQLiteStorage) -> int:
    with sqlite3.connect(store.path) as connection:
        return connection.execute("SELECT count(*) FROM ratelimit_counters").fetchone()[0]


def test_the_scheme_is_registered_with_limits_and_needs_an_absolute_path(store, tmp_path):
    assert isinstance(store, ratelimit.SQLiteStorage)
    assert store.path == str((tmp_path / "limits.db").resolve())
    with pytest.raises(ConfigurationError):
        storage_from_string("parley-sqlite://relative.db")


def test_incr_counts_and_get_reads_per_key(store, clock):
    assert [store.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert store.incr("a", 60, amount=2) == 5
    assert store.get("a") == 5 and store.get("b") == 0
    assert store.check() is True


def test_a_window_ends_at_its_expiry_and_the_next_starts_afresh(store, clock):
    start = clock.now
    store.incr("a", 60)
    clock.advance(30)
    store.incr("a", 60)  # a later hit does not move the end of the window
    assert store.get_expiry("a") == pytest.approx(start + 60)
    clock.advance(29.9)
    assert store.get("a") == 2
    clock.advance(0.2)
    assert store.get("a") == 0
    assert store.get_expiry("a") == pytest.approx(clock.now)
    assert store.incr("a", 60) == 1
    assert store.get_expiry("a") == pytest.approx(clock.now + 60)


def test_clear_forgets_one_key_and_reset_every_key(store, clock):
    store.incr("a", 60)
    store.incr("b", 60)
    store.clear("a")
    assert (store.get("a"), store.get("b")) == (0, 1)
    store.incr("c", 60)
    assert store.reset() == 2
    assert store.get("b") == store.get("c") == 0


def test_expired_rows_are_deleted(store, clock):
    for n in range(5):
        store.incr(f"key{n}", 10)
    assert rows(store) == 5
    clock.advance(ratelimit.CLEAN_EVERY_SECONDS + 1)
    store.incr("fresh", 10)
    assert rows(store) == 1


def test_two_storages_on_one_file_share_their_counts(store):
    other = storage_from_string(ratelimit.sqlite_uri(store.path))
    store.incr("shared", 60)
    assert other.incr("shared", 60) == 2
    assert store.get("shared") == 2


def test_concurrent_increments_from_threads_are_all_counted(store):
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: store.incr("busy", 60), range(400)))
    assert sorted(results) == list(range(1, 401))
    assert store.get("busy") == 400


def test_threads_opening_a_new_file_together_are_not_locked_out(tmp_path):
    """Eight threads whose first increment opens the file at once: asking for WAL takes a lock
    that SQLite refuses without waiting, so one of them used to fail with "database is
    locked" (about one new file in a hundred; CI saw it). Many fresh files make it likely."""
    for trial in range(120):
        fresh = storage_from_string(ratelimit.sqlite_uri(tmp_path / f"new-{trial}.db"))
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _, store=fresh: store.incr("new", 60), range(16)))
        assert sorted(results) == list(range(1, 17))


COUNT_IN_A_PROCESS = """
import sys
from limits.storage import storage_from_string
import app.core.ratelimit  # registers parley-sqlite://
store = storage_from_string(sys.argv[1])
for _ in range(200):
    store.incr("across", 60)
"""


def test_increments_from_two_processes_are_all_counted(store):
    uri = ratelimit.sqlite_uri(store.path)
    workers = [subprocess.Popen([sys.executable, "-c", COUNT_IN_A_PROCESS, uri], cwd=ROOT)
               for _ in range(2)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    assert store.get("across") == 400


def test_the_default_storage_is_the_sqlite_file_under_the_instance_folder(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    uri = config_module.from_environment()["RATELIMIT_STORAGE_URI"]
    assert uri == ratelimit.sqlite_uri(config_module.INSTANCE_DIR / "ratelimits.db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert config_module.from_environment()["RATELIMIT_STORAGE_URI"] == (
        "redis://127.0.0.1:6379/3")


def test_flask_limiter_counts_in_the_shared_storage(app):
    """The suite's app (no REDIS_URL) names the SQLite file; Flask-Limiter can open it."""
    if REDIS_URL:
        pytest.skip("with REDIS_URL the app's storage is Redis")
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("parley-sqlite:///")
    assert isinstance(ratelimit.storage(app), ratelimit.SQLiteStorage)


# --- the helpers, on the SQLite file and on Redis -----------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def helpers(request, app, monkeypatch, tmp_path):
    """The app counting in a SQLite file of this test, or in the Redis of REDIS_URL."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("REDIS_URL is not set")
        uri = REDIS_URL
    else:
        uri = ratelimit.sqlite_uri(tmp_path / "limits.db")
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", uri)
    monkeypatch.delitem(app.extensions, "parley.ratelimit", raising=False)
    with app.app_context():
        store = ratelimit.storage()
        assert isinstance(store, RedisStorage if request.param == "redis"
                          else ratelimit.SQLiteStorage)
        store.reset()
        yield store
        store.reset()
    app.extensions.pop("parley.ratelimit", None)


def test_hit_allows_up_to_the_limit_and_says_how_long_to_wait(helpers):
    key = "mail:ada@example.org"
    assert ratelimit.allowed(key, "2 per hour")
    assert ratelimit.retry_after(key, "2 per hour") == 0
    assert ratelimit.hit(key, "2 per hour") is True
    assert ratelimit.hit(key, "2 per hour") is True
    assert ratelimit.hit(key, "2 per hour") is False
    assert not ratelimit.allowed(key, "2 per hour")
    assert 3590 <= ratelimit.retry_after(key, "2 per hour") <= 3600
    # Another key, or the same key under another limit, counts apart.
    assert ratelimit.hit("mail:bea@example.org", "2 per hour") is True
    assert ratelimit.hit(key, "1 per minute") is True

    ratelimit.clear(key, "2 per hour")
    assert ratelimit.hit(key, "2 per hour") is True


def test_hits_racing_for_the_last_place_get_it_once(app, helpers):
    def one_hit(_):
        with app.app_context():
            return ratelimit.hit("race", "5 per hour")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one_hit, range(40)))
    assert results.count(True) == 5


def test_a_refused_hit_is_not_counted_in_the_longer_window(app, tmp_path, monkeypatch, clock):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI",
                        ratelimit.sqlite_uri(tmp_path / "limits.db"))
    monkeypatch.delitem(app.extensions, "parley.ratelimit", raising=False)
    limit = "1 per minute; 3 per hour"
    with app.app_context():
        assert ratelimit.hit("k", limit)
        assert not ratelimit.hit("k", limit)  # the minute is full: not counted in the hour
        assert not ratelimit.hit("k", limit)
        assert ratelimit.retry_after("k", limit) == 60
        clock.advance(61)
        assert ratelimit.hit("k", limit)
        clock.advance(61)
        assert ratelimit.hit("k", limit)
        clock.advance(61)
        assert not ratelimit.hit("k", limit)  # three in the hour, as counted
        assert ratelimit.retry_after("k", limit) == 3600 - 3 * 61
    app.extensions.pop("parley.ratelimit", None)
