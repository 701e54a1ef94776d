"""Shared fixtures: the app on SQLite or PostgreSQL, clients, a live server, Chromium.

The database comes from TEST_DATABASE_URL (PostgreSQL in the second half of `make test`);
without it each run uses a fresh SQLite file. In CI an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import email
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from pathlib import Path

os.environ.setdefault("PARLEY_INSTANCE", tempfile.mkdtemp(prefix="parley-test-instance-"))
# With REDIS_URL set (`make test-redis`), the app's queue and rate limits use that Redis; the
# tests marked `redis` are the ones run that way. Without it, the embedded defaults.
REDIS_URL = os.environ.get("REDIS_URL") or None

import pytest  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from flask.globals import _cv_app  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.comments import fragments  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.core import fetch, pagecache, ratelimit  # noqa: E402
from app.extensions import db as _db  # noqa: E402
from app.moderation.spam import store as spam_store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# The interop tests need a real WordPress peer (`make interop` sets PARLEY_INTEROP=1): the normal
# suite does not even collect them.
collect_ignore = [] if os.environ.get("PARLEY_INTEROP") == "1" else ["interop"]


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="parley-test-db-"), "test.db")


def _check_redis() -> None:
    if not REDIS_URL:
        return
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_URL} is unreachable: {error}"
        pytest.exit(message, returncode=3 if os.environ.get("CI") else 0)


def _check_reachable(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means the same thing here
        message = f"PostgreSQL at {url} is unreachable: {error}"
        if os.environ.get("CI"):
            pytest.exit(message, returncode=3)
        pytest.exit(message + " (skipping the PostgreSQL run outside CI)", returncode=0)


def _reset_schema(app) -> None:
    with app.app_context():
        engine = _db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        else:
            _db.drop_all()
        _db.create_all()


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, as in production.

    Without this, a request made while a test holds an app context reuses it, and with it
    the test's database session and `g` (CSRF tokens included) across different clients.
    """

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is not None:
            # End the test's own transaction, so that the request sees what the test wrote
            # and the test's next read (a new snapshot, on SQLite too) sees what it changed.
            _db.session.commit()
        outer = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(outer)


TEST_CONFIG = {
    "TESTING": True,
    "HUEY_IMMEDIATE": True,
    "RATELIMIT_ENABLED": False,
    "SITE_TIMEZONE": "UTC",
    "SECRET_KEY": "test-secret-key-not-for-production",
    # Thousands of accounts are made and logged in to: scrypt's 0.15 s each added minutes.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    # Test clients post forms within milliseconds of loading them: not a bot trap here. And
    # articles the tests publish notify the pages they link to only where a test asks.
    "DISCUSSION_DEFAULTS": {"min_fill_seconds": 0, "send_linkbacks": False},
}


@contextmanager
def another_app(suite_app, **config):
    """A second app beside the suite's (other settings, maybe another database), with the
    shared state it takes over (the task queue's app, the limiter's switch) given back after."""
    from app.extensions import limiter
    from app.tasks import bind_app

    was_enabled = limiter.enabled
    other = create_app({**TEST_CONFIG, **config})
    other.test_client_class = IsolatedClient
    try:
        yield other
    finally:
        limiter.enabled = was_enabled
        bind_app(suite_app)
        with other.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture(scope="session")
def database_url() -> str:
    url = _database_url()
    _check_reachable(url)
    _check_redis()
    return url


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = IsolatedClient
    _reset_schema(app)
    yield app
    with app.app_context():
        _db.engine.dispose()


def forget_kept(app) -> None:
    """Forget what a process keeps between requests: stored pages, rendered fragments and its
    copies of rows (an article, the settings). For tests comparing two first renders, and
    between tests (ids and versions start again in an emptied database)."""
    pagecache.pages.clear()
    fragments.clear()
    spam_store.kept.forget()
    for kept in ("parley_articles", "parley_settings", "parley_archive_months"):
        app.extensions.pop(kept, None)


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the app, so tests don't see each other."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    # A test that built an app of its own bound the task queue to it: bind the suite's again.
    from app.tasks import bind_app

    bind_app(app)
    # Emptying cache_scopes resets the versions, so cached pages must go too.
    forget_kept(app)
    # Rate-limit counts and fetched pages live outside the database: forget them too.
    ratelimit.reset(app)
    fetch.clear_cache()
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())


class Clock:
    """The rate-limit storage's clock, frozen where a test puts it."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze the clock that rate limits and throttles count with; `clock.advance(s)`."""
    from app.core import ratelimit

    frozen = Clock()
    monkeypatch.setattr(ratelimit, "clock", frozen)
    return frozen


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        _db.session.remove()


@pytest.fixture
def db(app_ctx):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class FormClient:
    """Drive forms as a browser would: GET the page, take its CSRF token, POST."""

    def __init__(self, client):
        self.client = client

    def post(self, url: str, data: dict, *, form_url: str | None = None, **kwargs):
        page = self.client.get(form_url or url)
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post(url, data={"csrf_token": token, **data}, **kwargs)

    def login(self, email: str, password: str):
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def forms(client):
    return FormClient(client)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""

    class Counter:
        def __init__(self):
            self.statements: list[str] = []

        @property
        def count(self) -> int:
            return len(self.statements)

        def __call__(self, conn, cursor, statement, *args):
            self.statements.append(statement)

        def __enter__(self):
            with app.app_context():
                self.engine = _db.engine
            event.listen(self.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc):
            event.remove(self.engine, "before_cursor_execute", self)

    return Counter


# --- a real SMTP server for mail tests ------------------------------------------------------

class Inbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


free_port = _free_port
ROOT = Path(__file__).resolve().parents[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """For clients that read a redirect's Location instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


@contextmanager
def gunicorn(env: dict, *, servers: int = 1, workers: int = 1, threads: int = 1,
             ports: list[int] | None = None):
    """Serve wsgi:app with gunicorn in real processes on 127.0.0.1; yield their URLs once
    each answers, and stop them after.

    `ports` (one server each) is for a server that must know its own URL before it starts,
    as SITE_URL: take them with `free_port()` first; otherwise `servers` free ports are used."""
    ports = list(ports) if ports else [_free_port() for _ in range(servers)]
    processes = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            for _ in range(150):
                try:
                    urllib.request.urlopen(url + "/feed/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"gunicorn at {url} did not start")
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that the app sends to; yields its inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    controller.stop()


# --- a live server and Chromium for browser tests -------------------------------------------

@pytest.fixture(scope="session")
def live_server(app):
    """Serve the test app over real HTTP on 127.0.0.1 from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }
