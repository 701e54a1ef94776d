"""Linkbacks with a real WordPress 6.1: the peer of ../shared/peers/wordpress on 127.0.0.1:8091.

These tests are collected only with PARLEY_INTEROP=1 (`make interop`), and every one of them is
skipped when WordPress does not answer or its tools (runuser, php, mysql, root) are missing, so
the normal suite never needs it.

Parley runs under gunicorn on a free port (its SITE_URL), on an SQLite database of its own, and
may fetch private addresses (WordPress is on 127.0.0.1). An app in this process, on the same
database, creates the articles (with HUEY_IMMEDIATE their linkbacks are sent as soon as the
article is committed, as publishing in the editor does) and reads what the server stored.
WordPress is driven through the peer's own scripts and read through its database.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from tests.conftest import TEST_CONFIG, free_port, gunicorn

WORDPRESS = "http://127.0.0.1:8091"
PEER = Path(__file__).resolve().parents[2] / ".." / "shared" / "peers" / "wordpress"
SITE_NAME = "Parley Interop"
COMMENT_COLUMNS = ("comment_ID", "comment_type", "comment_author", "comment_author_url",
                   "comment_approved", "comment_content")


def _unavailable() -> str | None:
    """Why the WordPress peer cannot be used here, or None when it can."""
    if not PEER.is_dir():
        return f"no WordPress peer at {PEER}"
    missing = [tool for tool in ("runuser", "php", "mysql") if shutil.which(tool) is None]
    if missing:
        return f"the WordPress peer needs {', '.join(missing)}"
    if os.geteuid() != 0:
        return "driving the WordPress peer needs root (runuser -u www-data)"
    try:
        with urllib.request.urlopen(WORDPRESS + "/", timeout=5) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        return f"WordPress does not answer at {WORDPRESS}/ ({error})"
    if status != 200:
        return f"WordPress answers {status} at {WORDPRESS}/"
    return None


@pytest.fixture(scope="session", autouse=True)
def _wordpress_answers() -> None:
    reason = _unavailable()
    if reason:
        pytest.skip(reason)


def unique_slug(name: str) -> str:
    """A slug no earlier run used: the peer's database keeps every post."""
    return f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 1_000_000:06d}"


@dataclass(frozen=True)
class Published:
    url: str      # the WordPress post's permalink
    output: str   # what the peer's script said (pinged, to_ping), for failure messages


class Peer:
    """The WordPress peer, through its scripts and its database."""

    url = WORDPRESS

    def php(self, *args: str) -> str:
        done = subprocess.run(["runuser", "-u", "www-data", "--", "php", *args], cwd=PEER,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def option(self, name: str) -> str:
        line = self.php("option.php", name).strip()
        return re.fullmatch(rf"{re.escape(name)} = '(.*)'", line, re.S).group(1)

    def publish(self, slug: str, link: str, trackback_url: str | None = None) -> Published:
        """Publish a post linking to `link` and send its pings (and trackback) at once."""
        args = ["publish-linking-post.php", slug, link, *([trackback_url] if trackback_url
                                                           else []), "--now"]
        output = self.php(*args)
        found = re.search(r"^published post \d+: (\S+)$", output, re.M)
        assert found, output
        return Published(found.group(1), output)

    def comments_from(self, author_url: str) -> list[dict[str, str]]:
        """The comments (pingbacks, trackbacks) WordPress stored from one address."""
        assert not set(author_url) & set("'\"\\"), author_url
        query = (f"SELECT {', '.join(COMMENT_COLUMNS)} FROM wp_comments "
                 f"WHERE comment_author_url = '{author_url}' ORDER BY comment_ID")
        done = subprocess.run(["mysql", "-uroot", "wp_peer", "--batch", "--skip-column-names",
                               "-e", query], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return [dict(zip(COMMENT_COLUMNS, line.split("\t"), strict=True))
                for line in done.stdout.splitlines() if line]


@pytest.fixture(scope="session")
def wordpress() -> Peer:
    return Peer()


@dataclass(frozen=True)
class Parley:
    url: str   # the gunicorn server, and SITE_URL
    app: Flask  # on the server's database, in this process


@pytest.fixture(scope="session")
def parley(tmp_path_factory) -> Parley:
    """Parley under gunicorn, and an app here on the same fresh SQLite database."""
    folder = tmp_path_factory.mktemp("interop")
    database = f"sqlite:///{folder / 'parley.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Unlike the suite's app, this one notifies the pages its articles link to.
    defaults = {**TEST_CONFIG["DISCUSSION_DEFAULTS"], "send_linkbacks": True}
    here = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database, "SITE_URL": url,
                       "SITE_NAME": SITE_NAME, "LINKBACK_ALLOW_PRIVATE_NETWORKS": "1",
                       "DISCUSSION_DEFAULTS": defaults})
    with here.app_context():
        db.create_all()
    env = {**os.environ, "DATABASE_URL": database, "PARLEY_INSTANCE": str(folder / "instance"),
           "SECRET_KEY": "interop-test-secret", "HUEY_IMMEDIATE": "1", "SITE_URL": url,
           "SITE_NAME": SITE_NAME, "SITE_TIMEZONE": "UTC", "LINKBACK_ALLOW_PRIVATE_NETWORKS": "1"}
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "TRUSTED_HOSTS"):
        env.pop(name, None)
    try:
        with gunicorn(env, ports=[port], threads=4) as (served,):
            yield Parley(served, here)
    finally:
        with here.app_context():
            db.session.remove()
            db.engine.dispose()
